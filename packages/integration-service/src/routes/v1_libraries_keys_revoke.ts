import { transaction } from '../store/connection.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { apiKeyMetadataSchema, keyOwner, toKeyView } from '../http/keys.ts';
import { symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps, Caller } from '../http/types.ts';
import { revokeApiKey } from '../store/libraries.ts';

export const route = createRoute({
  method: 'post',
  path: '/v1/libraries/{symbol}/keys/{keyId}/revoke',
  tags: ['keys'],
  summary: 'Revoke one of a library’s API keys now',
  description:
    'The key is refused from now on, grace period or not. Revoking a revoked key is a no-op. The admin key revokes any key; a library key may revoke its own library’s other keys, never the key it calls with (that would lock the library out: rotate first, then revoke the old key with the new one).',
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({
      symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }),
      keyId: z.coerce
        .number()
        .int()
        .positive()
        .openapi({ param: { name: 'keyId', in: 'path' }, example: 3 }),
    }),
  },
  responses: {
    200: { description: 'The key as it now stands.', content: { 'application/json': { schema: apiKeyMetadataSchema } } },
    ...commonErrorResponses,
    409: { description: 'A library key cannot revoke itself.', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

export function registerV1LibrariesKeysRevoke(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => c.json(await revokeKey(deps, c.get('caller'), c.req.valid('param')), 200));
}

/**
 * Revokes one key for the caller (this route and its REST alias `DELETE …/keys/{keyId}`): the
 * same checks, the same answer, one place.
 */
export async function revokeKey(deps: AppDeps, caller: Caller, { symbol, keyId }: { symbol: string; keyId: number }) {
  const library = await keyOwner(deps.db, caller, symbol);
  if (caller.kind === 'library' && caller.keyId === keyId) {
    throw new ApiError('CONFLICT', 'A key cannot revoke itself: rotate first, then revoke this key with the new one (or ask for the admin key)');
  }
  const now = deps.clock.now();
  const revoked = await transaction(deps.db, async (tx) => await revokeApiKey(tx, library.id, keyId, now), { behavior: 'immediate' });
  if (!revoked) throw new ApiError('NOT_FOUND', `Library ${library.symbol} has no key ${keyId}`);
  deps.logger.info({ library: library.symbol, keyId, by: caller.kind }, 'library key revoked');
  return toKeyView(revoked, now, caller);
}
