import { createRoute } from '@hono/zod-openapi';
import type { App, AppDeps } from '../http/types.ts';
import { revokeKey, route as revokeRoute } from './v1_libraries_keys_revoke.ts';

/**
 * `DELETE /v1/libraries/{symbol}/keys/{keyId}`: the REST spelling of revoke, for clients that
 * manage keys as a collection. It is revoke, not a delete: the key's metadata stays listed (who
 * had which key when is an audit record), marked revoked, and the answer is the key as it now
 * stands — the same checks and the same answer as `POST …/revoke`.
 */
export const route = createRoute({
  ...revokeRoute,
  method: 'delete',
  path: '/v1/libraries/{symbol}/keys/{keyId}',
  summary: 'Revoke one of a library’s API keys now (alias of POST …/keys/{keyId}/revoke)',
  description: `Same as \`POST /v1/libraries/{symbol}/keys/{keyId}/revoke\`. ${revokeRoute.description ?? ''} The key stays in the list, revoked.`,
});

export function registerV1LibrariesKeysDelete(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => c.json(await revokeKey(deps, c.get('caller'), c.req.valid('param')), 200));
}
