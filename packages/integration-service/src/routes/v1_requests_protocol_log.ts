import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { requestIdParamSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { protocolLogOf } from '../store/protocol-log.ts';
import { requireOwnRequest } from './load.ts';

const exchangeSchema = z
  .object({
    at: z.string(),
    stepKey: z.string().optional(),
    method: z.string(),
    url: z.string(),
    requestHeaders: z.record(z.string(), z.string()).optional(),
    requestBody: z.string().optional(),
    status: z.number().int().optional(),
    responseBody: z.string().optional(),
    durationMs: z.number().int().optional(),
    error: z.string().optional(),
  })
  .openapi('ProtocolExchange');

export const route = createRoute({
  method: 'get',
  path: '/v1/requests/{id}/protocol-log',
  tags: ['requests'],
  summary: 'Raw ILS traffic of a request (secrets masked)',
  security: [{ bearerAuth: [] }],
  request: { params: requestIdParamSchema },
  responses: {
    200: {
      description: 'Every exchange with the ILS, oldest first.',
      content: { 'application/json': { schema: z.object({ exchanges: z.array(exchangeSchema) }) } },
    },
    ...commonErrorResponses,
  },
});

const opt = <T>(value: T | null) => (value === null ? undefined : value);

export function registerV1RequestsProtocolLog(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const request = await requireOwnRequest(deps, c.get('library'), c.req.valid('param').id);
    const exchanges = (await protocolLogOf(deps.db, request.id)).map((row) => ({
      at: row.at.toISOString(),
      stepKey: opt(row.stepKey),
      method: row.method,
      url: row.url,
      requestHeaders: opt(row.requestHeaders),
      requestBody: opt(row.requestBody),
      status: opt(row.status),
      responseBody: opt(row.responseBody),
      durationMs: opt(row.durationMs),
      error: opt(row.error),
    }));
    return c.json({ exchanges }, 200);
  });
}
