import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postgresUnavailable, startThrowawayPostgres } from './postgres.ts';

/**
 * The throwaway Postgres the multi-instance test runs on once the Postgres dialect lands: a real
 * server from Debian's package, answering a client, and gone without a trace after stop().
 */
const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('a throwaway Postgres', () => {
  it('starts on a free port (as a non-root user under root), answers select 1 to psql, and stop() leaves nothing behind', async (context) => {
    const missing = postgresUnavailable();
    if (missing) context.skip(missing);
    const pg = await startThrowawayPostgres();
    let stopped = false;
    try {
      expect(pg.url).toBe(`postgres://bookstrap@127.0.0.1:${pg.port}/bookstrap`);
      expect(pg.psql('select 1')).toBe('1');
      expect(pg.psql('select current_database()')).toBe('bookstrap');
      // a real server: it keeps what it is given, and refuses what is wrong
      pg.psql('create table t (n int primary key)');
      pg.psql('insert into t values (1), (2)');
      expect(pg.psql('select sum(n) from t')).toBe('3');
      expect(() => pg.psql('insert into t values (1)')).toThrow(/duplicate key/);
      expect(existsSync(pg.dir)).toBe(true);
      await pg.stop();
      stopped = true;
      expect(existsSync(pg.dir)).toBe(false);
      expect(await reachable(pg.port)).toBe(false);
    } finally {
      if (!stopped) await pg.stop();
    }
  }, 120_000);
});
