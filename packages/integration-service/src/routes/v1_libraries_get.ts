import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses } from '../http/errors.ts';
import { libraryViewSchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { findLibraryBySymbol } from '../store/libraries.ts';

export const route = createRoute({
  method: 'get',
  path: '/v1/libraries/{symbol}',
  tags: ['libraries'],
  summary: 'A library (credentials masked)',
  security: [{ bearerAuth: [] }],
  request: { params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }) },
  responses: {
    200: { description: 'The library.', content: { 'application/json': { schema: libraryViewSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesGet(app: App, deps: AppDeps) {
  app.openapi(route, (c) => {
    const library = findLibraryBySymbol(deps.db, c.req.valid('param').symbol);
    if (!library) throw new ApiError('NOT_FOUND', `No library ${c.req.valid('param').symbol}`);
    return c.json(toLibraryView(library, deps.registry), 200);
  });
}
