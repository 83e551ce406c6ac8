import { connectionSchema, integrationSettingsSchema, pickupLocationSchema } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { borrowerIdentifiersSchema, checkQuerySchema, libraryWithKeySchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { assertLibraryConfig, createLibrary } from '../workflow/libraries.ts';
import { runPreflight } from '../workflow/preflight.ts';

export const createLibraryBodySchema = z
  .object({
    symbol: symbolSchema,
    name: z.string().trim().min(1).max(200),
    connection: connectionSchema,
    settings: integrationSettingsSchema.default(integrationSettingsSchema.parse({})),
    pickupLocations: z.array(pickupLocationSchema).max(200).default([]),
    borrowerIdentifiers: borrowerIdentifiersSchema.optional().openapi({
      description:
        'Lending: borrowing library symbol → ILS patron ID of its institutional account, and a default account. Same as settings.lending.borrowerIdentifiers.',
    }),
  })
  .strict()
  .openapi('NewLibrary');

export const route = createRoute({
  method: 'post',
  path: '/v1/libraries',
  tags: ['libraries'],
  summary: 'Configure a library',
  description:
    'Creates a library with its ILS connection, integration settings, pickup locations and borrower identifier map. The response carries the library API key once. Every configuration problem is listed in one 400. Then the connection check (`POST /v1/libraries/{symbol}/check`) runs against the ILS: a failed check (a wrong API key, an unknown pickup location…) is a 422 `CONNECTION_CHECK_FAILED` with the report in `details`, and nothing is stored — unless `?check=false`. Unknown fields, at any depth, are a 400 naming them.',
  security: [{ bearerAuth: [] }],
  request: { query: checkQuerySchema, body: { required: true, content: { 'application/json': { schema: createLibraryBodySchema } } } },
  responses: {
    201: { description: 'Created; `apiKey` is shown this once.', content: { 'application/json': { schema: libraryWithKeySchema } } },
    ...commonErrorResponses,
    409: { description: 'The symbol is taken.', content: { 'application/json': { schema: errorBodySchema } } },
    422: {
      description: 'The connection check failed; `details` is the report. Nothing was stored.',
      content: { 'application/json': { schema: errorBodySchema } },
    },
  },
});

export function registerV1LibrariesCreate(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { check } = c.req.valid('query');
    const settings = body.borrowerIdentifiers
      ? { ...body.settings, lending: { ...body.settings.lending, borrowerIdentifiers: body.borrowerIdentifiers } }
      : body.settings;
    const config = { connection: body.connection, settings, pickupLocations: body.pickupLocations };
    // configuration problems first (400), then the ILS is asked, then stored: a refusal stores nothing
    assertLibraryConfig(deps.registry, config);
    const report = check ? await runPreflight(deps, config) : undefined;
    if (report && !report.ok) {
      const failed = report.checks.filter((entry) => !entry.ok);
      throw new ApiError(
        'CONNECTION_CHECK_FAILED',
        `The connection check failed: ${failed.map((entry) => `${entry.name}: ${entry.detail}`).join('; ')} (nothing was stored; fix the connection or send ?check=false)`,
        report,
      );
    }
    const { library, apiKey } = await createLibrary(deps, { symbol: body.symbol, name: body.name, ...config });
    deps.logger.info({ library: library.symbol, ils: library.connection.ils, protocol: library.connection.protocol }, 'library created');
    return c.json({ ...toLibraryView(library, deps.registry), apiKey, ...(report ? { check: report } : {}) }, 201);
  });
}
