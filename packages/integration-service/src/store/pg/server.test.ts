import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { postgresUnavailable, startThrowawayPostgres } from '../../testutil/postgres.ts';
import { attentionCounts } from '../attention.ts';
import { rawGet } from '../dialect.ts';
import { openStore } from '../open.ts';
import { listRequests } from '../requests.ts';

/**
 * What PGlite cannot show: node-postgres, the driver a real server is reached with, reads int8
 * (`count(*)`, bigint columns) as strings unless told otherwise. The conformance suite on
 * Postgres found the attention counts summed as text ("01"); PGlite reads numbers.
 */
describe('the store on a Postgres server (node-postgres)', () => {
  it('reads counts and bigints as numbers, as PGlite and SQLite do; the title search folds accented capitals', async (context) => {
    const missing = postgresUnavailable();
    if (missing) context.skip(missing);
    const pg = await startThrowawayPostgres();
    const database = await openStore({ dialect: 'postgres', url: pg.url });
    try {
      const { db } = database;
      const library = (await rawGet<{ id: number }>(
        db,
        sql`insert into libraries (symbol, name, connection, settings, pickup_locations, created_at, updated_at)
            values ('TULSA', 'Tulsa', '{}', '{}', '[]', now(), now()) returning id`,
      ))!;
      for (const [seq, reason] of [
        [1, 'patron-problem'],
        [2, 'patron-problem'],
        [3, 'barcode-in-use'],
      ] as const) {
        await rawGet(
          db,
          sql`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, needs_attention, attention_reason, created_at, updated_at)
              values (${seq}, ${`R${seq}`}, ${library.id}, 'borrowing', 'loan', 'sent', 'Emma', '[]', true, ${reason}, now(), now())`,
        );
      }
      expect(await rawGet(db, sql`select count(*) as n, max(${Date.now()}::bigint) as at from requests`)).toEqual({ n: 3, at: expect.any(Number) });
      // the title search folds case beyond ASCII with the server's UTF-8 locale (testutil/postgres.ts)
      await rawGet(
        db,
        sql`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at)
            values (4, 'R4', ${library.id}, 'borrowing', 'loan', 'sent', 'Émile, ou De l’éducation', '[]', now(), now())`,
      );
      const found = await listRequests(db, { libraryId: library.id, title: 'ÉMILE', limit: 10, offset: 0 });
      expect(found.requests.map((r) => r.id)).toEqual(['R4']);
      expect((await listRequests(db, { libraryId: library.id, title: 'éducation', limit: 10, offset: 0 })).total).toBe(1);
      const counts = await attentionCounts(db, library.id);
      expect(counts.map(({ reason, n }) => [reason, n]).sort()).toEqual([
        ['barcode-in-use', 1],
        ['patron-problem', 2],
      ]);
    } finally {
      await database.close();
      await pg.stop();
    }
  }, 60_000);
});
