import type { Harness } from './harness.ts';

/** A library's console session (sign-in with its key, cookies kept): GET a page, POST a form with the page's CSRF token. */
export async function consoleSession(h: Harness, key: string) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
  };
  let csrf = '';
  const get = async (path: string) => {
    const response = await h.service.app.request(`http://127.0.0.1${path}`, { headers: { cookie: cookie() } });
    keep(response);
    const text = await response.text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrf;
    return { status: response.status, text };
  };
  const post = async (path: string, fields: Record<string, string>) => {
    const response = await h.service.app.request(`http://127.0.0.1${path}`, {
      method: 'POST',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
    keep(response);
    return { status: response.status, location: response.headers.get('location') ?? undefined };
  };
  await get('/console/sign-in');
  await post('/console/sign-in', { key });
  return { get, post };
}
