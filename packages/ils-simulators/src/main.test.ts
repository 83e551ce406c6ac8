import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { occupiedPort } from './testing.ts';
import { PortInUseError, startSimulators } from './simulator.ts';

const here = dirname(fileURLToPath(import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sim-main-'));
const busy = occupiedPort();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('starting the simulators', () => {
  it('creates a SIM_DB_DIR that does not exist yet', async () => {
    const dbDir = join(scratch, 'not', 'there', 'yet');
    const running = await startSimulators({ vendors: ['alma'], ports: { alma: 0 }, dbDir });
    try {
      expect(existsSync(join(dbDir, 'alma.sqlite'))).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('names the variable to set when a port is taken', async () => {
    const attempt = startSimulators({ vendors: ['alma'], ports: { alma: busy.port } });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(`port ${busy.port} is in use: set ALMA_PORT=`);
  });

  it('main.ts prints one line and exits 1 when a port is taken', () => {
    const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const ports = Object.fromEntries(['SIERRA', 'MILLENNIUM', 'WMS', 'SYMPHONY', 'HORIZON'].map((v) => [`${v}_PORT`, '0']));
    const run = spawnSync(tsx, [join(here, 'main.ts')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...ports, ALMA_PORT: String(busy.port), SIM_DB_DIR: '' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`port ${busy.port} is in use: set ALMA_PORT=… to use another (0 = any free port)`);
  });
});
