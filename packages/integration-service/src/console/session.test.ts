import { describe, expect, it } from 'vitest';
import { type Harness, snapshot, useHarness } from '../testutil/harness.ts';

/**
 * The console's sign-in, session cookie and CSRF protection, in-process. A forged POST (no token,
 * a wrong one, another site's Origin) is refused and changes nothing; no cookie means the
 * sign-in page; a revoked key ends its sessions.
 */
type Jar = Map<string, string>;

function remember(jar: Jar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, ...rest] = pair!.split('=');
    const value = rest.join('=');
    if (value === '' || /max-age=0/i.test(line)) jar.delete(name!.trim());
    else jar.set(name!.trim(), value);
  }
}

async function browse(h: Harness, jar: Jar, method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await h.service.app.request(`http://127.0.0.1${path}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...headers,
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  remember(jar, response);
  return { status: response.status, location: response.headers.get('location'), text: await response.text(), headers: response.headers };
}

const tokenIn = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1];

async function signIn(h: Harness, key: string): Promise<{ jar: Jar; csrf: string }> {
  const jar: Jar = new Map();
  const form = await browse(h, jar, 'GET', '/console/sign-in');
  const signed = await browse(h, jar, 'POST', '/console/sign-in', { _csrf: tokenIn(form.text)!, key });
  expect(signed.status).toBe(303);
  const queues = await browse(h, jar, 'GET', signed.location!);
  expect(queues.status).toBe(200);
  return { jar, csrf: tokenIn(queues.text)! };
}

async function newRequest(h: Harness, title = 'Emma'): Promise<string> {
  const created = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title, patronId: 'P-1', pickupLocation: 'MAIN', lenders: ['LENDA'] } });
  return created.id;
}

describe('console sign-in', () => {
  it('sends a visitor without a session to the sign-in page, remembering where they were going', async () => {
    const h = await useHarness();
    const response = await browse(h, new Map(), 'GET', '/console/queues?queue=borrowing-sent');
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/console/sign-in?next=${encodeURIComponent('/console/queues?queue=borrowing-sent')}`);
    const post = await browse(h, new Map(), 'POST', '/console/requests/1000017/actions/review', { _csrf: 'x' });
    expect(post.status).toBe(401);
  });

  it('signs in with a library key: an HttpOnly, SameSite=Strict session cookie that does not carry the key', async () => {
    const h = await useHarness();
    const jar: Jar = new Map();
    const form = await browse(h, jar, 'GET', '/console/sign-in');
    expect(form.status).toBe(200);
    const response = await h.service.app.request('http://127.0.0.1/console/sign-in?next=%2Fconsole%2Fnotices', {
      method: 'POST',
      headers: { cookie: `bookstrap_sign_in=${jar.get('bookstrap_sign_in')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: tokenIn(form.text)!, key: h.keys.TULSA }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/notices');
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('bookstrap_console='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).not.toContain(h.keys.TULSA);
  });

  it('refuses an unknown key, a sign-in form without its token, and a next= that leaves the console', async () => {
    const h = await useHarness();
    const jar: Jar = new Map();
    const form = await browse(h, jar, 'GET', '/console/sign-in');
    const unknown = await browse(h, jar, 'POST', '/console/sign-in', { _csrf: tokenIn(form.text)!, key: 'bks_not-a-key' });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('That key is not known');
    const forged = await browse(h, new Map(), 'POST', '/console/sign-in', { key: h.keys.TULSA });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie().some((line) => line.startsWith('bookstrap_console='))).toBe(false);
    const offsite = await browse(h, jar, 'POST', '/console/sign-in?next=//evil.example/', { _csrf: tokenIn(form.text)!, key: h.keys.TULSA });
    expect(offsite.location).toBe('/console/queues');
  });

  it('keeps the admin view for the admin key and requests for library keys', async () => {
    const h = await useHarness();
    const admin = await signIn(h, h.adminKey);
    const libraries = await browse(h, admin.jar, 'GET', '/console/admin');
    expect(libraries.status).toBe(200);
    expect(libraries.text).toContain('TULSA');
    expect(libraries.text).toContain('PARTNR');
    expect((await browse(h, admin.jar, 'GET', '/console/queues')).status).toBe(403);
    const library = await signIn(h, h.keys.TULSA);
    expect((await browse(h, library.jar, 'GET', '/console/admin')).status).toBe(403);
    expect((await browse(h, library.jar, 'GET', '/console/admin/libraries/PARTNR')).status).toBe(403);
  });
});

describe('console CSRF protection', () => {
  it('refuses a POST without the token, with a wrong one or from another site, and changes nothing', async () => {
    const h = await useHarness();
    const id = await newRequest(h);
    const { jar, csrf } = await signIn(h, h.keys.TULSA);
    const before = await snapshot(h);
    const missing = await browse(h, jar, 'POST', `/console/requests/${id}/actions/review`, {});
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Form refused');
    expect((await browse(h, jar, 'POST', `/console/requests/${id}/actions/review`, { _csrf: `${csrf}x` })).status).toBe(403);
    // another session's token is not this session's
    const other = await signIn(h, h.keys.TULSA);
    expect((await browse(h, jar, 'POST', `/console/requests/${id}/actions/review`, { _csrf: other.csrf })).status).toBe(403);
    expect((await browse(h, jar, 'POST', `/console/requests/${id}/actions/review`, { _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await snapshot(h)).toBe(before);

    const done = await browse(h, jar, 'POST', `/console/requests/${id}/actions/review`, { _csrf: csrf }, { origin: 'http://127.0.0.1' });
    expect(done.status).toBe(303);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('reviewed');
  });

  it('ends the session on sign-out and when its key is revoked', async () => {
    const h = await useHarness();
    const first = await signIn(h, h.keys.TULSA);
    const out = await browse(h, first.jar, 'POST', '/console/sign-out', { _csrf: first.csrf });
    expect(out.location).toBe('/console/sign-in');
    expect((await browse(h, first.jar, 'GET', '/console/queues')).status).toBe(303);

    const second = await signIn(h, h.keys.TULSA);
    const keys = await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.adminKey });
    for (const key of keys.keys) await h.ok(200, 'POST', `/v1/libraries/TULSA/keys/${key.id}/revoke`, { key: h.adminKey });
    const after = await browse(h, second.jar, 'GET', '/console/queues');
    expect(after.status).toBe(303);
    expect(after.location).toContain('/console/sign-in');
  });
});

describe('console pages escape what they show', () => {
  it('renders a hostile title as text on the queue and the request page', async () => {
    const h = await useHarness();
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & \u202Eevil';
    const id = await newRequest(h, hostile);
    const { jar } = await signIn(h, h.keys.TULSA);
    for (const path of ['/console/queues', `/console/requests/${id}`, `/console/queues?q=${encodeURIComponent('<script>')}`]) {
      const page = await browse(h, jar, 'GET', path);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const flash = await browse(h, jar, 'GET', `/console/queues?error=${encodeURIComponent('<b>bold</b>')}`);
    expect(flash.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(flash.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
