import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { libraryViewSchema, symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { ownLibrary } from '../http/keys.ts';

export const route = createRoute({
  method: 'get',
  path: '/v1/libraries/{symbol}',
  tags: ['libraries'],
  summary: 'A library (credentials masked)',
  description: "The admin key reads any library, a library's own key its own.",
  security: [{ bearerAuth: [] }],
  request: { params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }) },
  responses: {
    200: { description: 'The library.', content: { 'application/json': { schema: libraryViewSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesGet(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = await ownLibrary(deps.db, c.get('caller'), c.req.valid('param').symbol, 'A library key reads only its own library');
    return c.json(toLibraryView(library, deps.registry), 200);
  });
}
