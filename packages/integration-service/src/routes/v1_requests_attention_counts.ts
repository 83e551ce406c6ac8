import { attentionReasons } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { bearerKey, isAdminKey } from '../http/auth.ts';
import { ApiError, commonErrorResponses } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';
import { attentionCounts } from '../store/attention.ts';
import { librarySymbols } from '../store/libraries.ts';

const byReasonSchema = z.partialRecord(z.enum(attentionReasons), z.number().int()).openapi({ example: { 'barcode-in-use': 2, 'patron-problem': 1 } });
const countsSchema = z.object({ total: z.number().int(), byReason: byReasonSchema });

export const attentionCountsSchema = countsSchema
  .extend({
    libraries: z.record(z.string(), countsSchema).optional().openapi({ description: 'Admin key only: the counts per library symbol.' }),
  })
  .openapi('AttentionCounts');

export const route = createRoute({
  method: 'get',
  path: '/v1/requests/attention-counts',
  tags: ['requests'],
  summary: 'How many requests wait for a person, by reason',
  description:
    'With a library key: that library’s needs-attention queue, counted by reason. With the admin key: every library’s, in `libraries` by symbol, and the sum.',
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'The counts.', content: { 'application/json': { schema: attentionCountsSchema } } },
    ...commonErrorResponses,
  },
});

type Counts = z.infer<typeof countsSchema>;
const empty = (): Counts => ({ total: 0, byReason: {} });
function add(counts: Counts, reason: string, n: number): void {
  counts.total += n;
  const key = reason as keyof Counts['byReason'];
  counts.byReason[key] = (counts.byReason[key] ?? 0) + n;
}

/** The one request route that also takes the admin key (app.ts lets it through the library-key check). */
export function registerV1RequestsAttentionCounts(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const key = bearerKey(c);
    if (key && isAdminKey(deps, key)) {
      const symbols = await librarySymbols(deps.db);
      const total = empty();
      const libraries: Record<string, Counts> = {};
      for (const [, symbol] of symbols) libraries[symbol] = empty();
      for (const row of await attentionCounts(deps.db)) {
        const symbol = symbols.get(row.libraryId);
        if (!symbol) continue;
        add(total, row.reason, row.n);
        add(libraries[symbol] as Counts, row.reason, row.n);
      }
      return c.json({ ...total, libraries }, 200);
    }
    const library = c.get('library');
    if (!library) throw new ApiError('UNAUTHORIZED', 'An API key is required: send "Authorization: Bearer <key>"');
    const counts = empty();
    for (const row of await attentionCounts(deps.db, library.id)) add(counts, row.reason, row.n);
    return c.json(counts, 200);
  });
}
