import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import type { App, AppDeps } from '../http/types.ts';
import { registerAdmin } from './admin.ts';
import { registerConformance } from './conformance.ts';
import { type ConsoleApp, type ConsoleContext, type ConsoleEnv, problemPage } from './context.ts';
import { consoleCss, consoleJs } from './layout.ts';
import { registerNewRequest } from './new-request.ts';
import { registerNotices } from './notices.ts';
import { registerQueues } from './queues.ts';
import { registerReceive } from './receive.ts';
import { registerRecovery } from './recovery.ts';
import { registerRequestPage } from './request.ts';
import { clearSessionCookie, crossSite, csrfField, identify, readSessionToken, SessionStore, sameToken } from './session.ts';
import { registerSettings } from './settings.ts';
import { registerSignIn } from './sign-in.ts';
import { registerStrap } from './strap.ts';

/**
 * The staff console at /console: server-rendered pages over the same API (called in-process with
 * the session's key, so authorization and validation are the API's own), one file per page.
 */
export function registerConsole(api: App, deps: AppDeps, sessions: SessionStore = new SessionStore(deps.db)): void {
  const app: ConsoleApp = new Hono<ConsoleEnv>();
  const ctx: ConsoleContext = { api, deps, sessions };

  // Security headers on every console answer: no framing (clickjacking), no sniffing, and a
  // policy that allows only this service's own scripts and styles.
  app.use('*', async (c, next) => {
    await next();
    c.header('x-frame-options', 'DENY');
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    c.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
    if (!c.res.headers.get('cache-control')) c.header('cache-control', 'no-store');
  });
  app.use('*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text('The form is larger than 256 KB', 413) }));

  app.get('/assets/console.css', (c) => c.body(consoleCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }));
  app.get('/assets/console.js', (c) => c.body(consoleJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=300' }));

  registerSignIn(app, ctx);

  // Everything else needs a session whose key is still good; a POST also needs the session's
  // CSRF token in the form and no foreign Origin.
  app.use('*', async (c, next) => {
    const now = deps.clock.now();
    const session = await sessions.find(readSessionToken(c), now);
    const signed = session ? await identify(deps, session, now) : undefined;
    if (!signed) {
      if (session) await sessions.close(session.token);
      clearSessionCookie(c);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const next = `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`;
        return c.redirect(`/console/sign-in?next=${encodeURIComponent(next)}`, 303);
      }
      return problemPage(c, undefined, 401, 'Signed out', 'Your session has ended. Sign in again and repeat what you were doing.');
    }
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      const token = typeof form[csrfField] === 'string' ? (form[csrfField] as string) : undefined;
      if (crossSite(c) || !sameToken(token, signed.session.csrf)) {
        deps.logger.warn({ path: c.req.path }, 'console form refused: CSRF token missing or wrong');
        return problemPage(
          c,
          signed,
          403,
          'Form refused',
          'This form did not come from this console (its security token is missing or out of date). Reload the page and try again.',
        );
      }
    }
    c.set('signed', signed);
    return next();
  });

  app.get('/', (c) => c.redirect(c.get('signed').kind === 'admin' ? '/console/admin' : '/console/queues', 303));

  registerAdmin(app, ctx);
  registerQueues(app, ctx);
  registerNewRequest(app, ctx);
  registerReceive(app, ctx);
  registerStrap(app, ctx);
  registerRequestPage(app, ctx);
  registerRecovery(app, ctx);
  registerSettings(app, ctx);
  registerNotices(app, ctx);
  registerConformance(app, ctx);

  app.notFound((c) => problemPage(c, c.get('signed'), 404, 'Not found', html`There is no page ${c.req.path}.`));
  app.onError((error, c) => {
    deps.logger.error({ err: error, path: c.req.path }, 'console page failed');
    return problemPage(c, c.get('signed'), 500 as never, 'Something went wrong', 'The page could not be shown. The error is in the service log.');
  });

  api.route('/console', app);
}
