import { pickupLocationSchema } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { borrowerIdentifiersSchema, checkQuerySchema, libraryViewSchema, preflightReportSchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { ownLibrary } from '../http/keys.ts';
import { patchedConfig, patchLibrary } from '../workflow/libraries.ts';
import { runPreflight } from '../workflow/preflight.ts';

export const updateLibraryBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    connection: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'Any part of the connection; merged into the current one. Credentials left out (or sent back masked) are kept.' }),
    settings: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Any part of the integration settings; merged into the current ones.' }),
    pickupLocations: z.array(pickupLocationSchema).max(200).optional().openapi({ description: 'Replaces the list.' }),
    borrowerIdentifiers: borrowerIdentifiersSchema.optional().openapi({ description: 'Replaces the map and default account.' }),
  })
  .strict()
  .openapi('LibraryUpdate');

export const route = createRoute({
  method: 'patch',
  path: '/v1/libraries/{symbol}',
  tags: ['libraries'],
  summary: "Change a library's configuration",
  description:
    "The admin key changes any library; a library's own key changes its own `settings` (anything else is a 403 naming the field). " +
    'A change to the connection, settings or pickup locations runs the connection check against the configuration as it would be: a failed check is a 422 `CONNECTION_CHECK_FAILED` with the report in `details`, and nothing changes — unless `?check=false`. A name-only change asks the ILS nothing.',
  security: [{ bearerAuth: [] }],
  request: {
    query: checkQuerySchema,
    params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: updateLibraryBodySchema } } },
  },
  responses: {
    200: {
      description: 'The library as it is now, with the connection check when one ran.',
      content: { 'application/json': { schema: libraryViewSchema.extend({ check: preflightReportSchema.optional() }) } },
    },
    ...commonErrorResponses,
    422: {
      description: 'The connection check failed; `details` is the report. Nothing changed.',
      content: { 'application/json': { schema: errorBodySchema } },
    },
  },
});

export function registerV1LibrariesUpdate(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { symbol } = c.req.valid('param');
    const { check } = c.req.valid('query');
    const patch = c.req.valid('json');
    const caller = c.get('caller');
    const current = await ownLibrary(deps.db, caller, symbol, "A library key changes only its own library's settings");
    if (caller.kind === 'library') {
      // the library's staff tune their own integration; who the library is, where its ILS is and
      // the keys to it, its pickup locations and borrower accounts stay with the administrator
      const adminOnly = (['name', 'connection', 'pickupLocations', 'borrowerIdentifiers'] as const).filter((field) => patch[field] !== undefined);
      if (adminOnly.length > 0) {
        throw new ApiError(
          'FORBIDDEN',
          `A library key changes only settings; ${adminOnly.join(', ')} take the admin key`,
          adminOnly.map((path) => ({ path, message: 'needs the admin key' })),
        );
      }
    }
    const touchesIls = patch.connection !== undefined || patch.settings !== undefined || patch.pickupLocations !== undefined;
    let report: Awaited<ReturnType<typeof runPreflight>> | undefined;
    if (check && touchesIls) {
      // not logged under the library: a refused change leaves no trace but the answer
      report = await runPreflight(deps, patchedConfig(deps.registry, current, patch));
      if (!report.ok) {
        const failed = report.checks.filter((entry) => !entry.ok);
        throw new ApiError(
          'CONNECTION_CHECK_FAILED',
          `The connection check failed: ${failed.map((entry) => `${entry.name}: ${entry.detail}`).join('; ')} (nothing changed; fix it or send ?check=false)`,
          report,
        );
      }
    }
    const library = await patchLibrary(deps, symbol, patch);
    deps.logger.info({ library: library.symbol }, 'library updated');
    return c.json({ ...toLibraryView(library, deps.registry), ...(report ? { check: report } : {}) }, 200);
  });
}
