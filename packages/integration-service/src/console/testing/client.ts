import type { Harness } from '../../testutil/harness.ts';

/** A signed-in console session in-process: cookies kept, the CSRF token read from the pages. */
export interface ConsoleClient {
  csrf: string;
  get(path: string): Promise<{ status: number; text: string; bytes: Uint8Array; headers: Headers }>;
  post(path: string, form: Record<string, string>): Promise<{ status: number; location: string | null; text: string }>;
}

export async function consoleClient(h: Harness, key: string): Promise<ConsoleClient> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
  };
  const get: ConsoleClient['get'] = async (path) => {
    const response = await h.service.app.request(`http://127.0.0.1${path}`, { headers: { cookie: cookie() } });
    keep(response);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, bytes, text: new TextDecoder().decode(bytes), headers: response.headers };
  };
  const post: ConsoleClient['post'] = async (path, form) => {
    const response = await h.service.app.request(`http://127.0.0.1${path}`, {
      method: 'POST',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    keep(response);
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };
  const signInForm = await get('/console/sign-in');
  const signed = await post('/console/sign-in', { _csrf: /name="_csrf" value="([^"]+)"/.exec(signInForm.text)![1]!, key });
  if (signed.status !== 303) throw new Error(`sign-in failed: ${signed.status}`);
  const home = await get(signed.location!);
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)![1]!, get, post };
}
