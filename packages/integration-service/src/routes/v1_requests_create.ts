import { createRoute } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { newRequestSchema, requestDetailSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createBorrowingRequest, createLendingRequest } from '../workflow/requests.ts';
import { requestDetail } from './load.ts';

export const route = createRoute({
  method: 'post',
  path: '/v1/requests',
  tags: ['requests'],
  summary: 'Create a borrowing or lending request',
  description:
    'Borrowing (`role: borrowing`): our patron wants another library\'s item; the patron is verified in the ILS when the library says so. Lending (`role: lending`): another library asks for ours ("Can you supply?"). The response is the request with its history and queued ILS steps.',
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: newRequestSchema } } } },
  responses: {
    201: { description: 'Created.', content: { 'application/json': { schema: requestDetailSchema } } },
    ...commonErrorResponses,
  },
});

export function registerV1RequestsCreate(app: App, deps: AppDeps) {
  app.openapi(route, (c) => {
    const library = c.get('library');
    const body = c.req.valid('json');
    const request =
      body.role === 'borrowing'
        ? createBorrowingRequest(deps, library, body)
        : createLendingRequest(deps, library, { ...body, borrowingLibrary: body.borrowingLibrary });
    deps.logger.info({ library: library.symbol, requestId: request.id, role: request.role }, 'request created');
    return c.json(requestDetail(deps, library, request), 201);
  });
}
