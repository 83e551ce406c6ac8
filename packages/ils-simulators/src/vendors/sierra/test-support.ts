/** Shared helpers for the Sierra façade tests: an in-process simulator, a token, JSON calls. */
import { fixedClock } from '../../clock.ts';
import { createSimulator, type SimulatorOptions } from '../../simulator.ts';
import { testNow } from '../../testing.ts';
import { sierraDemo } from './demo.ts';

export const demo = sierraDemo;
export const v6 = '/iii/sierra-api/v6';

/** Response bodies in tests: asserted field by field, so loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type LooseBody = Record<string, any>;

export const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

export function sierraSimulator(options: Partial<SimulatorOptions> = {}) {
  const sim = createSimulator({ vendor: 'sierra', clock: fixedClock(testNow), ...options });

  const tokenFor = async (key = demo.clientKey, secret = demo.clientSecret): Promise<string> => {
    const response = await sim.app.request(`${v6}/token`, {
      method: 'POST',
      headers: { Authorization: basic(key, secret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  let cached: string | undefined;
  /** JSON in, JSON out, with the demo key's token (renewed on 401, as clients do) or the one given. */
  const json = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: LooseBody }> => {
    if (init.token === undefined && cached === undefined) cached = await tokenFor();
    const reply = await once(path, init, init.token ?? (cached as string));
    if (reply.status === 401 && init.token === undefined) {
      cached = await tokenFor();
      return once(path, init, cached);
    }
    return reply;
  };
  const once = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> }, token: string) => {
    const response = await sim.app.request(`${v6}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as LooseBody };
  };

  /** Creates a bib and an item on it; returns the item's record number. */
  const createItem = async (barcode: string, extra: Record<string, unknown> = {}) => {
    const bib = await json('/bibs', { method: 'POST', body: { titles: [`Temporary: ${barcode}`], authors: ['Lender, A.'] } });
    const bibId = Number(String(bib.body.link).split('/').pop());
    const item = await json('/items', {
      method: 'POST',
      body: { bibIds: [bibId], location: demo.illLocation, barcodes: [barcode], itemType: demo.itemTypes.ILL, ...extra },
    });
    if (item.status !== 200) throw new Error(`create item: ${item.status} ${JSON.stringify(item.body)}`);
    return { bibId, itemId: Number(String(item.body.link).split('/').pop()) };
  };

  const control = (path: string, init: { method?: string; body?: unknown } = {}) =>
    sim.app.request(`/_sim${path}`, {
      method: init.method ?? 'GET',
      headers: { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  return { sim, tokenFor, json, createItem, control };
}
