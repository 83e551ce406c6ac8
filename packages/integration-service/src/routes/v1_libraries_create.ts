import { connectionSchema, integrationSettingsSchema, pickupLocationSchema } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { borrowerIdentifiersSchema, libraryWithKeySchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { createLibrary } from '../workflow/libraries.ts';

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
    'Creates a library with its ILS connection, integration settings, pickup locations and borrower identifier map. The response carries the library API key once. Every configuration problem is listed in one 400.',
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: createLibraryBodySchema } } } },
  responses: {
    201: { description: 'Created; `apiKey` is shown this once.', content: { 'application/json': { schema: libraryWithKeySchema } } },
    ...commonErrorResponses,
    409: { description: 'The symbol is taken.', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

export function registerV1LibrariesCreate(app: App, deps: AppDeps) {
  app.openapi(route, (c) => {
    const body = c.req.valid('json');
    const settings = body.borrowerIdentifiers
      ? { ...body.settings, lending: { ...body.settings.lending, borrowerIdentifiers: body.borrowerIdentifiers } }
      : body.settings;
    const { library, apiKey } = createLibrary(deps, {
      symbol: body.symbol,
      name: body.name,
      connection: body.connection,
      settings,
      pickupLocations: body.pickupLocations,
    });
    deps.logger.info({ library: library.symbol, ils: library.connection.ils, protocol: library.connection.protocol }, 'library created');
    return c.json({ ...toLibraryView(library, deps.registry), apiKey }, 201);
  });
}
