import { createRoute } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { requestDetailSchema, requestIdParamSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { requestDetail, requireOwnRequest } from './load.ts';

export const route = createRoute({
  method: 'get',
  path: '/v1/requests/{id}',
  tags: ['requests'],
  summary: 'A request with its circulation history and ILS steps',
  security: [{ bearerAuth: [] }],
  request: { params: requestIdParamSchema },
  responses: {
    200: { description: 'The request.', content: { 'application/json': { schema: requestDetailSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1RequestsGet(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const request = await requireOwnRequest(deps, library, c.req.valid('param').id);
    return c.json(await requestDetail(deps, library, request), 200);
  });
}
