import { describe, expect, it } from 'vitest';
import { createService } from '../../service.ts';
import { postgresUnavailable, startThrowawayPostgres } from '../../testutil/postgres.ts';
import { storageFault } from '../faults.ts';
import { openStore } from '../open.ts';

describe('Postgres storage faults', () => {
  it('names the cause of Postgres errors that mean the database is unusable, and nothing else', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code });
    expect(storageFault(pgError('53100'))?.message).toBe('the database disk is full');
    expect(storageFault(pgError('08006'))?.message).toMatch(/cannot be reached/);
    expect(storageFault(pgError('57P01'))?.message).toMatch(/shutting down/);
    expect(storageFault(new Error('wrapped', { cause: pgError('ECONNREFUSED') }))?.message).toMatch(/cannot be reached/);
    expect(storageFault(new Error('Connection terminated unexpectedly'))?.message).toMatch(/cannot be reached/);
    // a constraint or a bug is not the database being unusable
    expect(storageFault(pgError('23505'))).toBeUndefined();
    expect(storageFault(pgError('42P01'))).toBeUndefined();
  });

  it('a stopped server: the API answers 503 STORAGE_UNAVAILABLE naming the cause, /health too', async (context) => {
    const missing = postgresUnavailable();
    if (missing) context.skip(missing);
    const pg = await startThrowawayPostgres();
    const database = await openStore({ dialect: 'postgres', url: pg.url });
    const service = createService({ database, adminKey: 'admin-key-for-this-test' });
    try {
      const admin = { headers: { authorization: 'Bearer admin-key-for-this-test' } };
      expect((await service.app.request('/v1/libraries', admin)).status).toBe(200);
      expect((await service.app.request('/health')).status).toBe(200);
      await pg.stop();
      const listed = await service.app.request('/v1/libraries', admin);
      expect(listed.status).toBe(503);
      const body = (await listed.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(body.error.message).toMatch(/cannot be reached|shutting down/);
      expect((await service.app.request('/health')).status).toBe(503);
    } finally {
      await service.close().catch(() => undefined);
      await pg.stop().catch(() => undefined);
    }
  }, 60_000);
});
