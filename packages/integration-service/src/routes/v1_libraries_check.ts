import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { preflightReportSchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { ownLibrary } from '../http/keys.ts';
import { runPreflight } from '../workflow/preflight.ts';

export const route = createRoute({
  method: 'post',
  path: '/v1/libraries/{symbol}/check',
  tags: ['libraries'],
  summary: "Check a library's ILS connection (preflight)",
  description:
    "The admin key checks any library, a library's own key its own. Behaviour, not keys: authenticates, looks up the test patron (`settings.preflight.testPatronId`), reads the test item (`settings.preflight.testItemBarcode`), and confirms the pickup locations and the ILL location exist — reads only, nothing is written to the ILS. Each check is `passed`, `failed` (with the ILS's own error text) or `skipped` (nothing to check with, or the ILS's API cannot tell, with the reason). Always 200: `ok` says whether anything failed. The same check runs at creation and update unless `?check=false`.",
  security: [{ bearerAuth: [] }],
  request: { params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }) },
  responses: {
    200: { description: 'The report.', content: { 'application/json': { schema: preflightReportSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesCheck(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { symbol } = c.req.valid('param');
    const library = await ownLibrary(deps.db, c.get('caller'), symbol, "A library key checks only its own library's connection");
    const report = await runPreflight(deps, library, library.id);
    deps.logger.info({ library: library.symbol, ok: report.ok }, 'connection checked');
    return c.json(report, 200);
  });
}
