import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { occupiedPort, unprivilegedCommand } from './testing.ts';
import { DatabaseDirError, InvalidPortError, listenError, PortInUseError, PortNotPermittedError, startSimulators } from './simulator.ts';
import { startLines, testPatrons } from './start-output.ts';
import { vendorIds } from './vendors/types.ts';
import { demo } from './index.ts';

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
  }, 60_000);
});

describe('a port this user may not open (EACCES)', () => {
  it('is named with its variable, as a taken port is; other listen errors stay as they are', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES' });
    const error = listenError(denied, 80, 'WMS_PORT');
    expect(error).toBeInstanceOf(PortNotPermittedError);
    expect(error.message).toBe(
      'port 80 cannot be opened by this user (permission denied; ports below 1024 need root): set WMS_PORT=… to a port from 1024 up (0 = any free port)',
    );
    expect(listenError(Object.assign(new Error('in use'), { code: 'EADDRINUSE' }), 3001, 'ALMA_PORT')).toBeInstanceOf(PortInUseError);
    const other = Object.assign(new Error('odd'), { code: 'EINVAL' });
    expect(listenError(other, 3001, 'ALMA_PORT')).toBe(other);
  });

  const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
  const unprivileged = unprivilegedCommand(tsx, [join(here, 'main.ts')]);
  it.runIf(unprivileged !== undefined)(
    'main.ts prints one line naming the variable and exits 1 (ALMA_PORT=80, not root)',
    () => {
      const ports = Object.fromEntries(['SIERRA', 'MILLENNIUM', 'WMS', 'SYMPHONY', 'HORIZON'].map((v) => [`${v}_PORT`, '0']));
      const run = spawnSync(unprivileged!.command, unprivileged!.args, {
        encoding: 'utf8',
        timeout: 60_000,
        cwd: tmpdir(),
        env: { ...process.env, ...ports, ALMA_PORT: '80', SIM_DB_DIR: '' },
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(
        'port 80 cannot be opened by this user (permission denied; ports below 1024 need root): set ALMA_PORT=… to a port from 1024 up (0 = any free port)',
      );
    },
    60_000,
  );
});

describe('mistakes in the environment are one line each', () => {
  it('a port variable that is not a port', async () => {
    await expect(startSimulators({ vendors: ['sierra'], env: { SIERRA_PORT: 'abc' } })).rejects.toBeInstanceOf(InvalidPortError);
    await expect(startSimulators({ vendors: ['sierra'], env: { SIERRA_PORT: '3002x' } })).rejects.toThrow(
      'SIERRA_PORT=3002x is not a port: give 0-65535 (0 = any free port)',
    );
    await expect(startSimulators({ vendors: ['sierra'], env: { SIERRA_PORT: '65536' } })).rejects.toThrow('SIERRA_PORT=65536 is not a port');
  });

  it('a SIM_DB_DIR with a file in the way', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(startSimulators({ vendors: ['alma'], ports: { alma: 0 }, dbDir: join(file, 'sims') })).rejects.toBeInstanceOf(DatabaseDirError);
  });

  it('main.ts prints them without a stack and exits 1', () => {
    const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const file = join(scratch, 'in-the-way');
    writeFileSync(file, '');
    const run = spawnSync(tsx, [join(here, 'main.ts')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SIM_DB_DIR: file } });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`SIM_DB_DIR=${file} cannot be used: a file is in the way`);
  }, 60_000);
});

describe('what main.ts prints', () => {
  const lines = startLines(vendorIds.map((vendor, i) => ({ vendor, url: `http://127.0.0.1:${4001 + i}` })));
  const block = (vendor: string) => {
    const url = `http://127.0.0.1:${4001 + vendorIds.indexOf(vendor as never)}`;
    const start = lines.findIndex((line) => line.endsWith(`simulator on ${url}`));
    const end = lines.findIndex((line, i) => i > start && / simulator on /.test(line));
    return lines.slice(start, end === -1 ? undefined : end).join('\n');
  };

  it('gives every simulator its credentials, a test patron and a blocked one', () => {
    expect(block('alma')).toContain(demo.alma.apiKey);
    expect(block('sierra')).toContain(`client key ${demo.sierra.clientKey}, secret ${demo.sierra.clientSecret}`);
    expect(block('wms')).toContain(`${demo.wms.wskey}:${demo.wms.secret}`);
    expect(block('symphony')).toContain(`${demo.symphony.staff.login} / ${demo.symphony.staff.password}`);
    expect(block('horizon')).toContain(`x-sirs-clientID: ${demo.horizon.clientId}`);
    expect(block('millennium')).toContain(demo.millennium.ncipAgencyId);
    for (const vendor of vendorIds) {
      const { good, blocked } = testPatrons(vendor);
      expect(block(vendor), vendor).toContain(`  test patron: ${good.name} (${good.idKind} ${good.id}`);
      expect(block(vendor), vendor).toContain(`blocked: ${blocked.name} (${blocked.idKind} ${blocked.id}`);
      expect(block(vendor), vendor).toContain('/_sim/health');
    }
  });

  it('names patrons by the id each API takes: Alma by primary id, the others by barcode', () => {
    expect(testPatrons('alma').good).toMatchObject({ id: demo.alma.patrons.good.primaryId, idKind: 'primary id' });
    expect(testPatrons('horizon').good).toMatchObject({ id: demo.horizon.patrons.good.barcode, idKind: 'barcode', pin: demo.horizon.patrons.good.pin });
    expect(testPatrons('millennium').good.pin).toBe(demo.millennium.patrons.good.pin);
  });
});

describe('HOST', () => {
  it('main.ts listens on the address HOST names (loopback unless set)', async (context) => {
    const { networkInterfaces } = await import('node:os');
    const outward = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    if (!outward) context.skip('this machine has no address besides loopback');
    const { spawn } = await import('node:child_process');
    const tsx = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const ports = Object.fromEntries(vendorIds.map((vendor) => [`${vendor.toUpperCase()}_PORT`, '0']));
    const port = async (host: string | undefined) => {
      const child = spawn(tsx, [join(here, 'main.ts')], {
        env: { ...process.env, ...ports, ...(host ? { HOST: host } : { HOST: '' }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const found = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no simulator URL printed: ${output}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Alma simulator on http:\/\/[^:]+:(\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      return { port: found, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
    };
    const open = await port('0.0.0.0');
    try {
      expect((await fetch(`http://${outward}:${open.port}/_sim/health`)).status).toBe(200);
    } finally {
      await open.stop();
    }
    const loopback = await port(undefined);
    try {
      expect((await fetch(`http://127.0.0.1:${loopback.port}/_sim/health`)).status).toBe(200);
      await expect(fetch(`http://${outward}:${loopback.port}/_sim/health`)).rejects.toThrow();
    } finally {
      await loopback.stop();
    }
  }, 150_000);
});
