import { pickupLocationSchema } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { borrowerIdentifiersSchema, libraryViewSchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { patchLibrary } from '../workflow/libraries.ts';

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
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: updateLibraryBodySchema } } },
  },
  responses: {
    200: { description: 'The library as it is now.', content: { 'application/json': { schema: libraryViewSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesUpdate(app: App, deps: AppDeps) {
  app.openapi(route, (c) => {
    const { symbol } = c.req.valid('param');
    const library = patchLibrary(deps, symbol, c.req.valid('json'));
    deps.logger.info({ library: library.symbol }, 'library updated');
    return c.json(toLibraryView(library, deps.registry), 200);
  });
}
