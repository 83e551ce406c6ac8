import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway Postgres server for tests, from Debian's own package (postgresql-15: the
 * binaries in /usr/lib/postgresql/15/bin, `BOOKSTRAP_PG_BIN` to use others): `initdb` into a
 * temporary folder, a free port on 127.0.0.1, trust authentication (nobody but this machine's
 * processes can reach it, and it lives for one test run), no fsync (its data is thrown away).
 * Postgres refuses to run as root, so under root (`.ci/run`) it runs as the `postgres` user the
 * package creates (or `nobody`), owning the folder. `stop()` shuts it down and removes the folder.
 */
export interface ThrowawayPostgres {
  /** postgres://bookstrap@127.0.0.1:<port>/bookstrap */
  url: string;
  port: number;
  /** the temporary folder (data directory and socket) */
  dir: string;
  binDir: string;
  /** runs psql against the database: its stdout, or it throws with psql's stderr */
  psql(sql: string): string;
  stop(): Promise<void>;
}

export const defaultPostgresBin = '/usr/lib/postgresql/15/bin';

/** Why a throwaway Postgres cannot be started here, or undefined when it can. */
export function postgresUnavailable(binDir = process.env.BOOKSTRAP_PG_BIN ?? defaultPostgresBin): string | undefined {
  for (const tool of ['initdb', 'postgres', 'psql', 'pg_isready']) {
    if (!existsSync(join(binDir, tool)))
      return `${join(binDir, tool)} is missing: install Debian's postgresql-15 (apt-get install postgresql-15), or set BOOKSTRAP_PG_BIN`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Under root: the uid/gid of the account to run Postgres as. */
function unprivilegedAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root, and neither a postgres nor a nobody account exists to run Postgres as');
}

function chownTree(path: string, account: { uid: number; gid: number }): void {
  chownSync(path, account.uid, account.gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownTree(child, account);
    else chownSync(child, account.uid, account.gid);
  }
}

export async function startThrowawayPostgres(options: { binDir?: string; startTimeoutMs?: number } = {}): Promise<ThrowawayPostgres> {
  const binDir = options.binDir ?? process.env.BOOKSTRAP_PG_BIN ?? defaultPostgresBin;
  const missing = postgresUnavailable(binDir);
  if (missing) throw new Error(missing);
  const account = unprivilegedAccount();
  const dir = mkdtempSync(join(tmpdir(), 'bookstrap-pg-'));
  const data = join(dir, 'data');
  const as = account ? { uid: account.uid, gid: account.gid } : {};
  // The account's own environment: initdb reads HOME and LANG, not root's. C.UTF-8 (not --no-locale):
  // case folds beyond ASCII (the title search's ILIKE), as a production database's UTF-8 locale does.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: dir };
  let server: ChildProcess | undefined;
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (account) chownTree(dir, account);
    const init = spawnSync(join(binDir, 'initdb'), ['-D', data, '-U', 'bookstrap', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'], {
      ...as,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
    const port = await freePort();
    server = spawn(
      join(binDir, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'synchronous_commit=off',
      ],
      { ...as, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const log: string[] = [];
    server.stderr?.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > 50) log.shift();
    });
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
      const ready = spawnSync(join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'bookstrap', '-d', 'postgres'], {
        env,
        encoding: 'utf8',
      });
      if (ready.status === 0) break;
      if (server.exitCode !== null) throw new Error(`postgres exited (${server.exitCode}): ${log.join('')}`);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on port ${port}: ${log.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = `postgres://bookstrap@127.0.0.1:${port}/bookstrap`;
    const psql = (sql: string, database = url) => {
      const run = spawnSync(join(binDir, 'psql'), [database, '-v', 'ON_ERROR_STOP=1', '-X', '-A', '-t', '-c', sql], { env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`psql: ${run.stderr.trim()}`);
      return run.stdout.trim();
    };
    psql('create database bookstrap', `postgres://bookstrap@127.0.0.1:${port}/postgres`);
    const running = server;
    return {
      url,
      port,
      dir,
      binDir,
      psql: (sql) => psql(sql),
      async stop() {
        // SIGINT: Postgres's fast shutdown (open sessions are ended, nothing waits on them).
        if (running.exitCode === null) running.kill('SIGINT');
        await exited;
        cleanUp();
      },
    };
  } catch (error) {
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    cleanUp();
    throw error;
  }
}
