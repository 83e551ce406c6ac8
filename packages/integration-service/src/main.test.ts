import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { occupiedPort } from '@bookstrap/ils-simulators/testing';

/** A taken port is a one-line message naming the variable and exit 1, for `start` and `demo` alike. */
const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const scratch = mkdtempSync(join(tmpdir(), 'service-main-'));
const busy = occupiedPort();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const simulatorPorts = Object.fromEntries(['ALMA', 'SIERRA', 'MILLENNIUM', 'WMS', 'SYMPHONY', 'HORIZON'].map((v) => [`${v}_PORT`, '0']));

function start(script: string, env: Record<string, string>) {
  const run = spawnSync(tsx, [join(here, script)], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: scratch,
    env: { ...process.env, BOOKSTRAP_DB: join(scratch, `${script}.sqlite`), LOG_LEVEL: 'silent', ...env },
  });
  return { status: run.status, stderr: run.stderr.trim() };
}

describe('a port already in use', () => {
  it('main.ts names PORT', () => {
    const run = start('main.ts', { PORT: String(busy.port), BOOKSTRAP_ADMIN_KEY: 'a-long-enough-admin-key' });
    expect(run).toEqual({ status: 1, stderr: `port ${busy.port} is in use: set PORT=… to use another` });
  }, 60_000);

  it('demo.ts names PORT for the service', () => {
    const run = start('demo.ts', { ...simulatorPorts, PORT: String(busy.port) });
    expect(run).toEqual({ status: 1, stderr: `port ${busy.port} is in use: set PORT=… to use another` });
  }, 60_000);

  it("demo.ts names the simulator's variable", () => {
    const run = start('demo.ts', { ...simulatorPorts, PORT: '0', SIERRA_PORT: String(busy.port) });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`port ${busy.port} is in use: set SIERRA_PORT=… to use another (0 = any free port)`);
  }, 60_000);
});
