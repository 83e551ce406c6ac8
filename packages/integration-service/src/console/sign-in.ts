import { html } from 'hono/html';
import type { Context } from 'hono';
import { isAdminKey } from '../http/auth.ts';
import { libraryForApiKey } from '../store/libraries.ts';
import type { ConsoleApp, ConsoleContext } from './context.ts';
import { page } from './layout.ts';
import { clearSessionCookie, crossSite, csrfField, readSessionToken, readSignInCookie, sameToken, setSessionCookie, signInToken } from './session.ts';

/**
 * Sign in with a library's API key (or the admin key for the admin view). The key is checked
 * exactly as the API checks a bearer key; the browser gets a session cookie, never the key.
 */
const safeNext = (next: string | undefined) => (next && /^\/console(\/[^\s]*)?$/.test(next) && !next.startsWith('//') ? next : undefined);

function signInPage(c: Context, message?: string, status: 200 | 401 | 403 = 200) {
  const token = signInToken(c);
  const next = safeNext(c.req.query('next'));
  return page(
    c,
    { title: 'Sign in', ...(message ? { flash: { kind: 'error' as const, text: message } } : {}) },
    html`<h1>Sign in to the Bookstrap console</h1>
<p>Use your library's API key. Administrators use the admin key.</p>
<form method="post" action="/console/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}" class="panel">
  <input type="hidden" name="${csrfField}" value="${token}">
  <label for="key">API key</label>
  <input type="password" id="key" name="key" autocomplete="current-password" required autofocus>
  <p><button type="submit">Sign in</button></p>
</form>`,
    status,
  );
}

export function registerSignIn(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/sign-in', (c) => signInPage(c));

  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form[csrfField] === 'string' ? form[csrfField] : undefined;
    if (crossSite(c) || !sameToken(token, readSignInCookie(c))) {
      return signInPage(c, 'The sign-in form was out of date or came from another site. Try again.', 403);
    }
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const now = ctx.deps.clock.now();
    const kind = key && isAdminKey(ctx.deps, key) ? 'admin' : key && (await libraryForApiKey(ctx.deps.db, key, now)) ? 'library' : undefined;
    if (!kind) {
      ctx.deps.logger.info('console sign-in refused');
      return signInPage(c, key ? 'That key is not known, or it was revoked.' : 'Enter an API key.', 401);
    }
    // A new session token on every sign-in: a token planted before sign-in is worth nothing.
    await ctx.sessions.close(readSessionToken(c));
    const session = await ctx.sessions.open(kind, key, now);
    setSessionCookie(c, session);
    // An administrator is not sent to a library page (it would only say "library staff only").
    const next = safeNext(c.req.query('next'));
    const fits = next && (kind === 'library' ? !next.startsWith('/console/admin') : /^\/console\/(admin|conformance)(\/|\?|$)/.test(next));
    return c.redirect(fits ? next : kind === 'admin' ? '/console/admin' : '/console/queues', 303);
  });

  // Sign-out is a POST with the session's token (checked in the session middleware too) — but it
  // must work when the session is already gone, so it is handled before that middleware.
  app.post('/sign-out', async (c) => {
    const form = await c.req.parseBody();
    const session = await ctx.sessions.find(readSessionToken(c), ctx.deps.clock.now());
    if (session && sameToken(typeof form[csrfField] === 'string' ? form[csrfField] : undefined, session.csrf) && !crossSite(c)) {
      await ctx.sessions.close(session.token);
      clearSessionCookie(c);
      return c.redirect('/console/sign-in', 303);
    }
    if (!session) {
      clearSessionCookie(c);
      return c.redirect('/console/sign-in', 303);
    }
    return signInPage(c, 'Sign-out refused: the form did not come from this console.', 403);
  });
}
