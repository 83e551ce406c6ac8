import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { apiKeyMetadataSchema, keyOwner, toKeyView } from '../http/keys.ts';
import { symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { listApiKeys } from '../store/libraries.ts';

export const route = createRoute({
  method: 'get',
  path: '/v1/libraries/{symbol}/keys',
  tags: ['keys'],
  summary: "A library's API keys (metadata only)",
  description: "Every key the library has had, oldest first: never the key or its hash. The admin key sees any library's keys; a library key its own.",
  security: [{ bearerAuth: [] }],
  request: { params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }) },
  responses: {
    200: { description: 'The keys.', content: { 'application/json': { schema: z.object({ keys: z.array(apiKeyMetadataSchema) }) } } },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesKeysList(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const caller = c.get('caller');
    const library = await keyOwner(deps.db, caller, c.req.valid('param').symbol);
    const now = deps.clock.now();
    return c.json({ keys: (await listApiKeys(deps.db, library.id)).map((key) => toKeyView(key, now, caller)) }, 200);
  });
}
