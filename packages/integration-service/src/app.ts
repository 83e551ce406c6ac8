import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, errorBody, toErrorResponse, validationHook } from './http/errors.ts';
import { bearerKey, isAdminKey, requireAdmin, requireAdminOrLibrary, requireLibrary } from './http/auth.ts';
import type { App, AppDeps, AppEnv } from './http/types.ts';
import { registerDocs } from './routes/docs.ts';
import { registerV1IlsSync } from './routes/v1_ils_sync.ts';
import { registerV1LibrariesCheck } from './routes/v1_libraries_check.ts';
import { registerV1LibrariesCreate } from './routes/v1_libraries_create.ts';
import { registerV1LibrariesGet } from './routes/v1_libraries_get.ts';
import { registerV1LibrariesKeysList } from './routes/v1_libraries_keys_list.ts';
import { registerV1LibrariesKeysDelete } from './routes/v1_libraries_keys_delete.ts';
import { registerV1LibrariesKeysRevoke } from './routes/v1_libraries_keys_revoke.ts';
import { registerV1LibrariesKeysRotate } from './routes/v1_libraries_keys_rotate.ts';
import { registerV1LibrariesList } from './routes/v1_libraries_list.ts';
import { registerV1LibrariesUpdate } from './routes/v1_libraries_update.ts';
import { registerV1RequestsActions } from './routes/v1_requests_actions.ts';
import { registerV1RequestsAttentionCounts } from './routes/v1_requests_attention_counts.ts';
import { registerV1RequestsCorrect } from './routes/v1_requests_correct.ts';
import { registerV1RequestsCreate } from './routes/v1_requests_create.ts';
import { registerV1RequestsGet } from './routes/v1_requests_get.ts';
import { registerV1RequestsList } from './routes/v1_requests_list.ts';
import { registerV1RequestsProtocolLog } from './routes/v1_requests_protocol_log.ts';
import { registerV1RequestsStepsRetry } from './routes/v1_requests_steps_retry.ts';
import { registerV1RequestsStepsSettle } from './routes/v1_requests_steps_settle.ts';
import { registerV1RequestsFindingResolve } from './routes/v1_requests_finding_resolve.ts';
import { registerV1Notices } from './routes/v1_notices.ts';
import { registerV1TemporaryItemsSearch } from './routes/v1_temporary_items_search.ts';
import { checkStorage } from './store/health.ts';
import { registerConsole } from './console/index.ts';

export type { AppDeps } from './http/types.ts';

/**
 * The HTTP API: one OpenAPIHono app, every route validated by zod and documented in
 * /openapi.json, every error `{error: {code, message}}`. Dependencies come in; nothing is global.
 */
export function createApp(deps: AppDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError((error, c) => {
    const { status, body, unexpected } = toErrorResponse(error);
    // Stack traces go to the log, never to the client.
    if (unexpected) deps.logger.error({ err: error, path: c.req.path, method: c.req.method }, 'unexpected error');
    return c.json(body, status);
  });
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), 404));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin key for /v1/libraries; a library API key for everything else.',
  });

  // No request body of this API comes near 1 MB; a larger one is refused before it is read.
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MB');
      },
    }),
  );
  app.use('/v1/libraries', requireAdmin(deps));
  // A library's own key may manage its keys, read its configuration, change its integration
  // settings and run its connection check (each route checks the symbol and what may change);
  // creating and listing libraries is admin only.
  const admin = requireAdmin(deps);
  const adminOrLibrary = requireAdminOrLibrary(deps);
  const ownLibraryRoute = (method: string, path: string) =>
    /^\/v1\/libraries\/[^/]+\/keys(\/|$)/.test(path) ||
    (/^\/v1\/libraries\/[^/]+\/?$/.test(path) && (method === 'GET' || method === 'PATCH')) ||
    (/^\/v1\/libraries\/[^/]+\/check\/?$/.test(path) && method === 'POST');
  app.use('/v1/libraries/*', (c, next) => (ownLibraryRoute(c.req.method, c.req.path) ? adminOrLibrary(c, next) : admin(c, next)));
  app.use('/v1/requests', requireLibrary(deps));
  const libraryKey = requireLibrary(deps);
  app.use('/v1/requests/*', (c, next) =>
    // The queue counts are for a library, or for every library with the admin key.
    c.req.path === '/v1/requests/attention-counts' && isAdminKey(deps, bearerKey(c) ?? '') ? next() : libraryKey(c, next),
  );
  app.use('/v1/temporary-items', requireLibrary(deps));
  app.use('/v1/ils-sync', requireLibrary(deps));
  app.use('/v1/notices', requireLibrary(deps));
  app.use('/v1/notices/*', requireLibrary(deps));

  registerV1LibrariesCreate(app, deps);
  registerV1LibrariesList(app, deps);
  registerV1LibrariesGet(app, deps);
  registerV1LibrariesUpdate(app, deps);
  registerV1LibrariesCheck(app, deps);
  registerV1LibrariesKeysList(app, deps);
  registerV1LibrariesKeysRotate(app, deps);
  registerV1LibrariesKeysRevoke(app, deps);
  registerV1LibrariesKeysDelete(app, deps);
  registerV1RequestsCreate(app, deps);
  registerV1RequestsList(app, deps);
  // before GET /v1/requests/{id}, which would take "attention-counts" for an ID
  registerV1RequestsAttentionCounts(app, deps);
  registerV1RequestsGet(app, deps);
  registerV1RequestsCorrect(app, deps);
  registerV1RequestsActions(app, deps);
  registerV1RequestsStepsRetry(app, deps);
  registerV1RequestsFindingResolve(app, deps);
  registerV1RequestsStepsSettle(app, deps);
  registerV1RequestsProtocolLog(app, deps);
  registerV1TemporaryItemsSearch(app, deps);
  registerV1IlsSync(app, deps);
  registerV1Notices(app, deps);

  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Bookstrap integration service',
      version: '1.0.0',
      description:
        'Interlibrary loan ↔ ILS circulation. Libraries (admin key) and their ILL requests (library key): every workflow action is an endpoint; the ILS steps it triggers run in the background and are reported in the request’s circulation history.',
    },
    tags: [
      {
        name: 'libraries',
        description:
          "Tenants: ILS connection and integration settings (admin key; a library's own key reads its configuration, changes its settings and runs its connection check).",
      },
      { name: 'keys', description: "A library's API keys: list, rotate (old key kept for a grace period), revoke (admin key, or the library's own)." },
      { name: 'requests', description: 'Borrowing and lending requests (library key).' },
      { name: 'notices', description: 'Patron notices queued for the library’s mailer (library key).' },
      { name: 'actions', description: 'Workflow actions on a request.' },
      { name: 'recovery', description: 'Finding things again.' },
    ],
  });
  registerDocs(app);
  // The staff console: server-rendered pages over this same API (src/console/).
  registerConsole(app, deps);
  app.get('/', (c) => c.json({ name: 'bookstrap-integration-service', console: '/console', docs: '/docs', openapi: '/openapi.json' }));
  // Healthy means the database answers a write lock and a read; a fault is a 503 via onError.
  app.get('/health', async (c) => {
    await checkStorage(deps.db);
    return c.json({ status: 'ok' });
  });
  return app;
}

export { ApiError };
