/** Shared helpers for the WMS façade tests: an in-process simulator, tokens, JSON shortcuts. */
import { fixedClock } from '../../clock.ts';
import { createSimulator, type SimulatorOptions } from '../../simulator.ts';
import { testNow } from '../../testing.ts';
import { wmsDemo } from './demo.ts';

export const demo = wmsDemo;

/** Response bodies in tests: asserted field by field, so loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type LooseBody = Record<string, any>;

export const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

export function wmsSimulator(options: Partial<SimulatorOptions> = {}) {
  const sim = createSimulator({ vendor: 'wms', clock: fixedClock(testNow), ...options });

  const parse = async (response: Response) => {
    const text = await response.text();
    let body: LooseBody | null = null;
    try {
      body = text === '' ? null : (JSON.parse(text) as LooseBody);
    } catch {
      body = null;
    }
    return { status: response.status, headers: response.headers, text, body: body as LooseBody };
  };

  /** A token for the given scopes with the demo WSKey (or another key). */
  const token = async (scope = 'WMS_NCIP SCIM:read_user WMS_CIRCULATION', key = demo.wskey, secret = demo.secret) => {
    const response = await sim.app.request(`/token?grant_type=client_credentials&scope=${encodeURIComponent(scope)}`, {
      method: 'POST',
      headers: { Authorization: basic(key, secret) },
    });
    const { status, body } = await parse(response);
    if (status !== 200) throw new Error(`token: ${status} ${JSON.stringify(body)}`);
    return String(body.access_token);
  };

  let cached: string | undefined;
  const staffToken = async () => {
    cached ??= await token();
    return cached;
  };

  /** The desk (control plane, no vendor auth): what staff do and see in WorldShare Circulation. */
  const desk = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await sim.app.request(`/_sim/desk${path}`, {
      method: init.method ?? 'GET',
      headers: { Accept: 'application/json', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return parse(response);
  };

  /** OCLC's documented WMS Circulation API (`/circ/…`) with a full-scope token. */
  const circ = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const response = await sim.app.request(`/circ${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${init.token ?? (await staffToken())}`,
        Accept: 'application/json',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return parse(response);
  };

  /** SCIM search by External_ID. */
  const scimSearch = async (externalId: string, init: { token?: string; contentType?: string } = {}) => {
    const response = await sim.app.request('/idaas/scim/v2/Users/.search', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${init.token ?? (await staffToken())}`,
        'Content-Type': init.contentType ?? 'application/scim+json',
        Accept: 'application/scim+json',
      },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `External_ID eq "${externalId}"` }),
    });
    return parse(response);
  };

  /** NCIP over HTTP with a bearer token (WMS_NCIP scope). */
  const ncip = async (xml: string, init: { token?: string; path?: string } = {}) => {
    const response = await sim.app.request(init.path ?? '/ncip', {
      method: 'POST',
      headers: { Authorization: `Bearer ${init.token ?? (await staffToken())}`, 'Content-Type': 'application/xml' },
      body: xml,
    });
    return parse(response);
  };

  /**
   * A WMS_NCIP token for one patron (the patron profile's user): the SCIM user's id and namespace
   * as principalID and principalIDNS on the client-credentials grant.
   */
  const userToken = async (barcode: string) => {
    const found = await scimSearch(barcode);
    const user = found.body.Resources?.[0];
    if (!user) throw new Error(`no SCIM user ${barcode}`);
    const namespace = user['urn:mace:oclc.org:eidm:schema:persona:persona:20180305'].oclcNamespace;
    const query = new URLSearchParams({ grant_type: 'client_credentials', scope: 'WMS_NCIP', principalID: user.id, principalIDNS: namespace });
    const response = await sim.app.request(`/token?${query}`, { method: 'POST', headers: { Authorization: basic(demo.wskey, demo.secret) } });
    const { status, body } = await parse(response);
    if (status !== 200) throw new Error(`token: ${status} ${JSON.stringify(body)}`);
    return String(body.access_token);
  };

  const control = (path: string, init: { method?: string; body?: unknown } = {}) =>
    sim.app.request(`/_sim${path}`, {
      method: init.method ?? 'GET',
      headers: { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  return { sim, token, userToken, circ, desk, scimSearch, ncip, control, parse };
}

export const mainBranch = demo.branches.find((branch) => branch.code === 'MAIN')?.branchId as string;
export const scienceBranch = demo.branches.find((branch) => branch.code === 'SCI')?.branchId as string;
