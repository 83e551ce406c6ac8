import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { occupiedPort, unprivilegedCommand } from '@bookstrap/ils-simulators/testing';
import { listenError, PortInUseError, PortNotPermittedError } from './server.ts';

/** A taken port is a one-line message naming the variable and exit 1, for `start` and `demo` alike. */
const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const scratch = mkdtempSync(join(tmpdir(), 'service-main-'));
const busy = occupiedPort();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// every other listener on a free port (the mail catcher too: a demo running on this machine holds 2525)
const simulatorPorts = Object.fromEntries(['ALMA', 'SIERRA', 'MILLENNIUM', 'WMS', 'SYMPHONY', 'HORIZON', 'MAIL'].map((v) => [`${v}_PORT`, '0']));

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

describe('a port variable that is not a number', () => {
  it('main.ts names it in one line', () => {
    const run = start('main.ts', { PORT: 'abc', BOOKSTRAP_ADMIN_KEY: 'a-long-enough-admin-key' });
    expect(run).toEqual({ status: 1, stderr: 'PORT=abc is not a port: give 0-65535 (0 = any free port)' });
  }, 60_000);

  it('demo.ts names MAIL_PORT, and a simulator variable, in one line', () => {
    expect(start('demo.ts', { ...simulatorPorts, PORT: '0', MAIL_PORT: '25x' })).toEqual({
      status: 1,
      stderr: 'MAIL_PORT=25x is not a port: give 0-65535 (0 = any free port)',
    });
    const run = start('demo.ts', { ...simulatorPorts, PORT: '0', MAIL_PORT: '0', WMS_PORT: '70000' });
    expect(run).toEqual({ status: 1, stderr: 'WMS_PORT=70000 is not a port: give 0-65535 (0 = any free port)' });
  }, 120_000);
});

describe('a port this user may not open (EACCES, e.g. PORT=80 without root)', () => {
  it('becomes one line naming the variable; other listen errors are left as they are', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES' });
    const error = listenError(denied, 80, 'PORT');
    expect(error).toBeInstanceOf(PortNotPermittedError);
    expect(error.message).toBe('port 80 cannot be opened by this user (permission denied; ports below 1024 need root): set PORT=… to a port from 1024 up');
    expect(listenError(Object.assign(new Error('in use'), { code: 'EADDRINUSE' }), 3000, 'PORT')).toBeInstanceOf(PortInUseError);
    const other = Object.assign(new Error('odd'), { code: 'EINVAL' });
    expect(listenError(other, 3000, 'PORT')).toBe(other);
  });

  // The user who cannot open port 80 must be able to write the database: a folder anyone may write.
  const open = mkdtempSync(join(tmpdir(), 'service-eacces-'));
  chmodSync(open, 0o777);
  afterAll(() => rmSync(open, { recursive: true, force: true }));
  const run = (script: string, env: Record<string, string>) => {
    const unprivileged = unprivilegedCommand(tsx, [join(here, script)]);
    if (!unprivileged) throw new Error('no unprivileged user');
    const result = spawnSync(unprivileged.command, unprivileged.args, {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: open,
      env: { ...process.env, BOOKSTRAP_DB: join(open, `${script}.sqlite`), LOG_LEVEL: 'silent', ...env },
    });
    return { status: result.status, stderr: result.stderr.trim() };
  };
  const canDropPrivileges = unprivilegedCommand(tsx, []) !== undefined;

  it.runIf(canDropPrivileges)(
    'main.ts names PORT',
    () => {
      expect(run('main.ts', { PORT: '80', BOOKSTRAP_ADMIN_KEY: 'a-long-enough-admin-key' })).toEqual({
        status: 1,
        stderr: 'port 80 cannot be opened by this user (permission denied; ports below 1024 need root): set PORT=… to a port from 1024 up',
      });
    },
    60_000,
  );

  it.runIf(canDropPrivileges)(
    'demo.ts names MAIL_PORT',
    () => {
      expect(run('demo.ts', { ...simulatorPorts, PORT: '0', MAIL_PORT: '25' })).toEqual({
        status: 1,
        stderr: 'port 25 cannot be opened by this user (permission denied; ports below 1024 need root): set MAIL_PORT=… to a port from 1024 up',
      });
    },
    60_000,
  );
});

describe('pnpm start (demo.ts) as a newcomer sees it', () => {
  it('prints the console URL first, a test patron for every ILS, and no JSON log lines', async () => {
    const child = spawn(tsx, [join(here, 'demo.ts')], {
      cwd: scratch,
      env: { ...process.env, ...simulatorPorts, PORT: '0', MAIL_PORT: '0', BOOKSTRAP_DB: join(scratch, 'demo-output.sqlite'), LOG_LEVEL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no guide within 60 s:\n${stdout}\n${stderr}`)), 60_000);
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('Ctrl-C stops everything.')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`demo exited ${code}:\n${stderr}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Bookstrap console: http:\/\/127\.0\.0\.1:\d+\/console$/);
    for (const ils of ['alma', 'wms', 'symphony', 'horizon', 'sierra', 'millennium'])
      expect(
        lines.some((line) => line.includes(`(${ils} library `) && /; test patron .+ \((primary id|barcode) \S+/.test(line)),
        ils,
      ).toBe(true);
    expect(stdout).toMatch(/-H 'Content-Type: application\/json'/);
    expect(stderr).not.toMatch(/^\{"level"/m);
  }, 90_000);
});

describe('HOST and the database in the environment', () => {
  it('main.ts names a bad HOST, another database scheme, and a Postgres server it cannot reach, in one line each', () => {
    const key = { BOOKSTRAP_ADMIN_KEY: 'a-long-enough-admin-key' };
    expect(start('main.ts', { ...key, HOST: 'http://0.0.0.0' })).toEqual({
      status: 1,
      stderr: 'HOST=http://0.0.0.0 is not an address to listen on: give an IP address (0.0.0.0, ::, 10.0.0.5) or a host name',
    });
    expect(start('main.ts', { ...key, BOOKSTRAP_DATABASE_URL: 'mysql://root:pw@db/x' })).toEqual({
      status: 1,
      stderr: 'BOOKSTRAP_DATABASE_URL=mysql://…@db/x: give postgres://…, file:… or sqlite:… (a path)',
    });
    // nothing listens on port 1: the server cannot be reached (the password is not shown)
    expect(start('main.ts', { ...key, BOOKSTRAP_DATABASE_URL: 'postgres://bookstrap:secret@127.0.0.1:1/bookstrap' })).toEqual({
      status: 1,
      stderr: expect.stringMatching(
        /^BOOKSTRAP_DATABASE_URL=postgres:\/\/…@127\.0\.0\.1:1\/bookstrap: the database server cannot be reached \(connection failed\) \(.*ECONNREFUSED.*\)$/,
      ),
    });
  }, 120_000);
});
