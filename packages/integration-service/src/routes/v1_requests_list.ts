import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { pagingQuerySchema, patronIdSchema, requestListSchema, statusSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { openFinding, toRequestSummary } from '../http/views.ts';
import { observationsOf } from '../sync/store.ts';
import { jobsOfRequests } from '../store/outbox.ts';
import { listRequests, minTitleSearch, seqOfCursor } from '../store/requests.ts';

export const listRequestsQuerySchema = pagingQuerySchema
  .extend({
    status: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '') return undefined;
        const statuses = value.split(',').map((s) => s.trim());
        for (const status of statuses) {
          if (!statusSchema.safeParse(status).success) ctx.addIssue({ code: 'custom', message: `unknown status "${status}"` });
        }
        return statuses;
      })
      .openapi({ param: { name: 'status', in: 'query' }, description: 'One status or several, comma-separated.', example: 'received,overdue' }),
    role: z
      .enum(['borrowing', 'lending'])
      .optional()
      .openapi({ param: { name: 'role', in: 'query' } }),
    title: z
      .string()
      .trim()
      .min(minTitleSearch, `at least ${minTitleSearch} characters: the title index matches by trigram (use search for identifiers)`)
      .max(200)
      .optional()
      .openapi({
        param: { name: 'title', in: 'query' },
        description: `Part of the title, ${minTitleSearch}+ characters, case-insensitive (a trigram index; shorter text is refused).`,
      }),
    search: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({
        param: { name: 'search', in: 'query' },
        description: `What staff have in hand, as the console's search box: exactly a request ID, a patron ID or a barcode (temporary, the lender's, the item's); when nothing matches exactly, part of the title (${minTitleSearch}+ characters; shorter text finds identifiers only).`,
        example: '1000017',
      }),
    patronId: patronIdSchema.optional().openapi({ param: { name: 'patronId', in: 'query' }, description: "The patron's id in the ILS." }),
    cursor: z
      .string()
      .optional()
      .refine((value) => value === undefined || seqOfCursor(value) !== undefined, { message: 'not a cursor this service gave out (use nextCursor)' })
      .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The `nextCursor` of the previous page; `offset` is then ignored.' }),
    prevCursor: z
      .string()
      .optional()
      .refine((value) => value === undefined || seqOfCursor(value) !== undefined, { message: 'not a cursor this service gave out (use prevCursor)' })
      .openapi({
        param: { name: 'prevCursor', in: 'query' },
        description: 'The `prevCursor` of a page: the page just before it (newer requests), keyset like `cursor`; not with `cursor`.',
      }),
    needsAttention: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ param: { name: 'needsAttention', in: 'query' }, description: 'Only requests whose ILS steps need (or do not need) staff.' }),
  })
  .refine((query) => query.cursor === undefined || query.prevCursor === undefined, {
    message: 'give cursor (older) or prevCursor (newer), not both',
    path: ['prevCursor'],
  })
  // search falls back to the title itself: a second title text would be silently dropped
  .refine((query) => query.search === undefined || query.title === undefined, { message: 'give search or title, not both', path: ['search'] });

export const route = createRoute({
  method: 'get',
  path: '/v1/requests',
  tags: ['requests'],
  summary: "The library's requests, newest first",
  security: [{ bearerAuth: [] }],
  request: { query: listRequestsQuerySchema },
  responses: {
    200: { description: 'A page of requests.', content: { 'application/json': { schema: requestListSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1RequestsList(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const query = c.req.valid('query');
    // Attention is derived from the steps; the store filters on them in SQL, so paging stays in the database.
    const filter = {
      libraryId: library.id,
      role: query.role,
      status: query.status,
      title: query.title,
      search: query.search,
      patronId: query.patronId,
      needsAttention: query.needsAttention === undefined ? undefined : query.needsAttention === 'true',
    };
    const { requests, total, totalCapped, nextCursor, prevCursor } = await listRequests(deps.db, {
      ...filter,
      limit: query.limit,
      offset: query.offset,
      cursor: query.cursor,
      newerThan: query.prevCursor,
    });
    const jobs = await jobsOfRequests(
      deps.db,
      requests.map((r) => r.id),
    );
    const observations = await observationsOf(
      deps.db,
      requests.map((r) => r.id),
    );
    return c.json(
      {
        requests: requests.map((r) => toRequestSummary(r, library, jobs.get(r.id) ?? [], openFinding(observations.get(r.id)))),
        total,
        totalCapped,
        limit: query.limit,
        offset: query.offset,
        ...(nextCursor ? { nextCursor } : {}),
        ...(prevCursor ? { prevCursor } : {}),
      },
      200,
    );
  });
}
