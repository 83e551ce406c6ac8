import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { pagingQuerySchema, requestListSchema, statusSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { openFinding, toRequestSummary } from '../http/views.ts';
import { observationsOf } from '../sync/store.ts';
import { jobsOfRequests } from '../store/outbox.ts';
import { listRequests, seqOfCursor } from '../store/requests.ts';

export const listRequestsQuerySchema = pagingQuerySchema.extend({
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
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'title', in: 'query' }, description: 'Part of the title.' }),
  patronId: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: 'patronId', in: 'query' }, description: "The patron's id in the ILS." }),
  cursor: z
    .string()
    .optional()
    .refine((value) => value === undefined || seqOfCursor(value) !== undefined, { message: 'not a cursor this service gave out (use nextCursor)' })
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The `nextCursor` of the previous page; `offset` is then ignored.' }),
  needsAttention: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ param: { name: 'needsAttention', in: 'query' }, description: 'Only requests whose ILS steps need (or do not need) staff.' }),
});

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
  app.openapi(route, (c) => {
    const library = c.get('library');
    const query = c.req.valid('query');
    // Attention is derived from the steps; the store filters on them in SQL, so paging stays in the database.
    const filter = {
      libraryId: library.id,
      role: query.role,
      status: query.status,
      title: query.title,
      patronId: query.patronId,
      needsAttention: query.needsAttention === undefined ? undefined : query.needsAttention === 'true',
    };
    const { requests, total, totalCapped, nextCursor } = listRequests(deps.db, { ...filter, limit: query.limit, offset: query.offset, cursor: query.cursor });
    const jobs = jobsOfRequests(
      deps.db,
      requests.map((r) => r.id),
    );
    const observations = observationsOf(
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
      },
      200,
    );
  });
}
