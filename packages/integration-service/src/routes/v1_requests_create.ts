import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { newRequestSchema, requestDetailSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { bodyFingerprint } from '../store/idempotency.ts';
import { createRequestOnce } from '../workflow/requests.ts';
import { requestDetail } from './load.ts';

export const route = createRoute({
  method: 'post',
  path: '/v1/requests',
  tags: ['requests'],
  summary: 'Create a borrowing or lending request',
  description:
    'Borrowing (`role: borrowing`): our patron wants another library\'s item; the patron is verified in the ILS when the library says so. Lending (`role: lending`): another library asks for ours ("Can you supply?"). The response is the request with its history and queued ILS steps.',
  security: [{ bearerAuth: [] }],
  request: {
    headers: z.object({
      'idempotency-key': z
        .string()
        // draft-ietf-httpapi-idempotency-key-header: an opaque string; printable ASCII keeps it loggable
        .regex(/^[\x21-\x7e]{1,255}$/, '1 to 255 printable ASCII characters, no spaces')
        .optional()
        .openapi({
          description:
            'Send the same key again (within 24 hours) to get the request it made instead of a second one — e.g. after a timeout. The same key with another body is a 422.',
          example: 'tipasa-884213-create',
        }),
    }),
    body: { required: true, content: { 'application/json': { schema: newRequestSchema } } },
  },
  responses: {
    201: {
      description: 'Created; or, for an Idempotency-Key seen before with the same body, the request it made then (header `Idempotent-Replayed: true`).',
      content: { 'application/json': { schema: requestDetailSchema } },
    },
    ...commonErrorResponses,
  },
});

export function registerV1RequestsCreate(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const { request, replayed } = await createRequestOnce(deps, library, body, key ? { key, bodyHash: bodyFingerprint(body) } : undefined);
    if (replayed) {
      // Stripe's header: the client can tell a replay from a new create
      c.header('Idempotent-Replayed', 'true');
      deps.logger.info({ library: library.symbol, requestId: request.id }, 'request create replayed (idempotency key)');
    } else {
      deps.logger.info({ library: library.symbol, requestId: request.id, role: request.role }, 'request created');
    }
    return c.json(await requestDetail(deps, library, request), 201);
  });
}
