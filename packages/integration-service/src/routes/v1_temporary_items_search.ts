import type { TemporaryItemFound } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { adapterFor } from '../adapters/registry.ts';
import { commonErrorResponses } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';
import { appendProtocolLog } from '../store/protocol-log.ts';
import { listRequests } from '../store/requests.ts';
import { RateLimiter } from '../worker/rate-limit.ts';

const foundSchema = z
  .object({
    barcode: z.string(),
    title: z.string(),
    requestId: z.string().optional(),
    status: z.string().optional().openapi({ description: "The request's status, when the service knows the request." }),
    note: z.string().optional(),
    source: z.enum(['ils', 'service']).openapi({ description: 'Found in the ILS, or only in this service’s records.' }),
  })
  .openapi('TemporaryItemFound');

export const route = createRoute({
  method: 'get',
  path: '/v1/temporary-items',
  tags: ['recovery'],
  summary: 'Find a temporary item by title or by patron (recovery without the strap)',
  description:
    "By title: searches the ILS's temporary items through the adapter where the ILS can, and the library's own borrowing requests either way. By patron: the temporary items of the patron's current ILL loans. Either way staff find the barcode of a book whose strap was lost.",
  security: [{ bearerAuth: [] }],
  request: {
    query: z
      .object({
        title: z
          .string()
          .trim()
          .min(2)
          .max(200)
          .optional()
          .openapi({ param: { name: 'title', in: 'query' }, example: 'Dracula' }),
        patronId: z
          .string()
          .trim()
          .min(1)
          .max(100)
          .optional()
          .openapi({ param: { name: 'patronId', in: 'query' }, description: "The patron's ILS identifier: lists their current ILL loans." }),
      })
      .refine((q) => q.title !== undefined || q.patronId !== undefined, { message: 'give a title or a patronId to search by' }),
  },
  responses: {
    200: {
      description: 'Matching temporary items.',
      content: { 'application/json': { schema: z.object({ items: z.array(foundSchema), ilsSearched: z.boolean() }) } },
    },
    ...commonErrorResponses,
  },
});

export function registerV1TemporaryItemsSearch(app: App, deps: AppDeps) {
  const limiter = new RateLimiter();
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const { title, patronId } = c.req.valid('query');
    const fromService = listRequests(deps.db, {
      libraryId: library.id,
      role: 'borrowing',
      title,
      patronId,
      // by patron: what they have now, not every ILL book they ever borrowed
      ...(patronId ? { status: ['received', 'renewal-requested', 'recalled', 'overdue'] } : {}),
      limit: 200,
      offset: 0,
    }).requests.filter((r) => r.temporaryBarcode);
    const byBarcode = new Map<string, z.infer<typeof foundSchema>>();
    let ilsSearched = false;
    const definition = adapterFor(deps.registry, library.connection);
    if (definition) {
      const system = definition.create(library.connection, {
        fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
        timeoutMs: deps.timeoutMs ?? 15_000,
        clock: deps.clock,
        record: (exchange) => appendProtocolLog(deps.db, { ...exchange, libraryId: library.id }),
        throttle: () => limiter.take(String(library.id), definition.ratePerSecond),
        backOff: (ms) => limiter.backOff(String(library.id), ms),
      });
      if (system.findTemporaryItems && title) {
        let found: TemporaryItemFound[] = [];
        try {
          found = await system.findTemporaryItems({ title });
          ilsSearched = true;
        } catch (error) {
          deps.logger.warn({ library: library.symbol, err: error instanceof Error ? error.message : String(error) }, 'temporary item search failed');
        }
        for (const item of found) {
          if (!item.barcode) continue;
          byBarcode.set(item.barcode, { barcode: item.barcode, title: item.title, requestId: item.requestId, note: item.note, source: 'ils' });
        }
      }
    }
    for (const request of fromService) {
      const barcode = request.temporaryBarcode as string;
      const known = byBarcode.get(barcode);
      byBarcode.set(barcode, { ...(known ?? { barcode, title: request.title, source: 'service' as const }), requestId: request.id, status: request.status });
    }
    const items = [...byBarcode.values()].map(
      (item) => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as z.infer<typeof foundSchema>,
    );
    return c.json({ items, ilsSearched }, 200);
  });
}
