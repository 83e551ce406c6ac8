import { transaction } from '../store/connection.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses } from '../http/errors.ts';
import { apiKeyMetadataSchema, defaultKeyGracePeriodMs, keyOwner, toKeyView } from '../http/keys.ts';
import { symbolSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { listApiKeys, rotateApiKey } from '../store/libraries.ts';

export const route = createRoute({
  method: 'post',
  path: '/v1/libraries/{symbol}/keys/rotate',
  tags: ['keys'],
  summary: "Rotate a library's API key",
  description:
    "Issues a new key, shown this once. The library's other keys keep working for a grace period (the service's, 24 h unless `BOOKSTRAP_KEY_GRACE_HOURS` says otherwise, or `graceHours` here; 0 stops them now), so clients can switch without an outage; revoke one to stop it sooner. The admin key rotates any library's key; a library key its own.",
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ symbol: symbolSchema.openapi({ param: { name: 'symbol', in: 'path' } }) }),
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z
            .object({
              graceHours: z
                .number()
                .min(0)
                .max(720)
                .optional()
                .openapi({ description: 'How long the old keys keep working, in hours (default: the service setting, 24 h).' }),
            })
            .strict()
            .openapi('KeyRotation'),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'The new key (shown once) and every key of the library as it now stands.',
      content: {
        'application/json': {
          schema: z
            .object({
              apiKey: z.string().openapi({ description: 'The new key. Shown once: store it now.' }),
              key: apiKeyMetadataSchema,
              oldKeysExpireAt: z.string(),
              keys: z.array(apiKeyMetadataSchema),
            })
            .openapi('RotatedKey'),
        },
      },
    },
    ...commonErrorResponses,
  },
});

export function registerV1LibrariesKeysRotate(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const caller = c.get('caller');
    const library = await keyOwner(deps.db, caller, c.req.valid('param').symbol);
    // A body is optional: `c.req.valid('json')` is only there when one was sent.
    const graceHours = (c.req.valid('json') as { graceHours?: number } | undefined)?.graceHours;
    const graceMs = graceHours === undefined ? (deps.keyGracePeriodMs ?? defaultKeyGracePeriodMs) : graceHours * 60 * 60_000;
    const now = deps.clock.now();
    const { rotated, keys } = await transaction(
      deps.db,
      async (tx) => {
        const rotated = await rotateApiKey(tx, library.id, now, graceMs);
        return { rotated, keys: await listApiKeys(tx, library.id) };
      },
      { behavior: 'immediate' },
    );
    deps.logger.info({ library: library.symbol, keyId: rotated.id, by: caller.kind }, 'library key rotated');
    const views = keys.map((key) => toKeyView(key, now, caller));
    return c.json(
      {
        apiKey: rotated.key,
        key: views.find((view) => view.id === rotated.id) ?? views[views.length - 1]!,
        oldKeysExpireAt: rotated.oldKeysExpireAt.toISOString(),
        keys: views,
      },
      201,
    );
  });
}
