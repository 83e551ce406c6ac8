import { createRoute } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { libraryListSchema, pagingQuerySchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toLibraryView } from '../http/views.ts';
import { listLibraries } from '../store/libraries.ts';

export const route = createRoute({
  method: 'get',
  path: '/v1/libraries',
  tags: ['libraries'],
  summary: 'All libraries, by symbol',
  security: [{ bearerAuth: [] }],
  request: { query: pagingQuerySchema },
  responses: {
    200: { description: 'A page of libraries.', content: { 'application/json': { schema: libraryListSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesList(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const page = c.req.valid('query');
    const { libraries, total } = await listLibraries(deps.db, page);
    return c.json({ libraries: libraries.map((library) => toLibraryView(library, deps.registry)), total, ...page }, 200);
  });
}
