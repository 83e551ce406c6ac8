import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';

const reportSchema = z
  .object({
    library: z.string(),
    read: z.number().int().openapi({ description: 'requests whose own ILS record was read' }),
    noticed: z.number().int().openapi({ description: 'findings written to the circulation history' }),
    queued: z.number().int().openapi({ description: 'ILS steps queued (the strap date put back)' }),
    failed: z.array(z.object({ requestId: z.string(), reason: z.string() })),
    skipped: z.string().optional().openapi({ description: 'why nothing was read (sync off, the ILS API cannot show circulation, paused by the ILS)' }),
    nextRunAt: z.string(),
  })
  .openapi('IlsSyncReport');

export const route = createRoute({
  method: 'post',
  path: '/v1/ils-sync',
  tags: ['ils-sync'],
  summary: "Run the library's ILS sync now",
  description:
    "Reads, through the ILS's own API and within the library's rate budget, the ILS records the library's live requests own (a borrowing request's temporary item, a lending request's loan), and writes what circulation did — checked in at the pickup location, checked out with the ILS's own due date (put back to the strap date when the library says so), renewed in circulation, checked in at a desk before ILL did, a hold that expired — into each request's circulation history and `ilsCirculation`. It runs by itself every `settings.ilsSync.intervalMinutes`; this runs it now and starts the interval again. Reads only; changes go to the ILS as ordinary steps.",
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'What the run read and noticed.', content: { 'application/json': { schema: reportSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1IlsSync(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    if (!deps.ilsSync) throw new ApiError('NOT_SUPPORTED', 'This service runs no ILS sync');
    const library = c.get('library');
    const report = await deps.ilsSync.runLibrary(library.id);
    deps.logger.info({ library: library.symbol, read: report.read, noticed: report.noticed }, 'ILS sync run on request');
    return c.json(report, 200);
  });
}
