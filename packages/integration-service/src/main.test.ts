import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A taken port is a one-line message naming the variable and exit 1, for `start` and `demo` alike. */
const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const scratch = mkdtempSync(join(tmpdir(), 'service-main-'));
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  rmSync(scratch, { recursive: true, force: true });
});

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
    const run = start('main.ts', { PORT: String(busyPort), BOOKSTRAP_ADMIN_KEY: 'a-long-enough-admin-key' });
    expect(run).toEqual({ status: 1, stderr: `port ${busyPort} is in use: set PORT=… to use another` });
  }, 60_000);

  it('demo.ts names PORT for the service', () => {
    const run = start('demo.ts', { ...simulatorPorts, PORT: String(busyPort) });
    expect(run).toEqual({ status: 1, stderr: `port ${busyPort} is in use: set PORT=… to use another` });
  }, 60_000);

  it("demo.ts names the simulator's variable", () => {
    const run = start('demo.ts', { ...simulatorPorts, PORT: '0', SIERRA_PORT: String(busyPort) });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`port ${busyPort} is in use: set SIERRA_PORT=… to use another (0 = any free port)`);
  }, 60_000);
});
