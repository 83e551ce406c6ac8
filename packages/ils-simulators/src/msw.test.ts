import http from 'node:http';
import https from 'node:https';
import { buildRequest, type NcipRequest, parseResponse, profiles } from '@bookstrap/ncip';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from './clock.ts';
import { handlersFor, type SimulatorHandlers } from './msw.ts';
import { createSimulator } from './simulator.ts';
import { testNow } from './testing.ts';
import { almaDemo } from './vendors/alma/demo.ts';
import { horizonDemo } from './vendors/horizon/demo.ts';
import { millenniumDemo } from './vendors/millennium/demo.ts';
import { sierraDemo } from './vendors/sierra/demo.ts';
import { symphonyDemo } from './vendors/symphony/demo.ts';
import type { VendorId } from './vendors/types.ts';
import { wmsDemo } from './vendors/wms/demo.ts';

/**
 * The simulators behind msw, reached by the two kinds of client real integrations use: `fetch`
 * and `node:http`/`node:https` (what axios, got and older SDKs sit on). No server, no port: a
 * request that reached the network would fail (`onUnhandledRequest: 'error'`, hosts that do not
 * resolve). Each vendor is driven through its own API only; the loan one call makes must be what
 * the next call reads.
 */

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}
type Send = (method: string, url: string, headers?: Record<string, string>, body?: string) => Promise<Reply>;

const viaFetch: Send = async (method, url, headers = {}, body) => {
  // fetch follows the 302 Alma answers an item-barcode lookup with, as real clients rely on
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

/** node:http(s) does not follow redirects; like the libraries on top of it, this client does. */
const viaNodeHttp: Send = async (method, url, headers = {}, body) => {
  for (let hops = 0, target = url; hops < 5; hops += 1) {
    const reply = await new Promise<Reply>((resolve, reject) => {
      const transport = target.startsWith('https:') ? https : http;
      const request = transport.request(target, { method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const out = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) out.set(name, String(value));
          resolve({ status: response.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      if (body !== undefined) request.write(body);
      request.end();
    });
    const location = reply.headers.get('location');
    if (reply.status < 300 || reply.status >= 400 || !location) return reply;
    target = new URL(location, target).toString();
    method = 'GET';
    body = undefined;
  }
  throw new Error(`too many redirects from ${url}`);
};

const json = (reply: Reply) => {
  if (reply.status >= 300) throw new Error(`${reply.status}: ${reply.text}`);
  return JSON.parse(reply.text);
};
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** One vendor as a client sees it: where it answers, how to lend an item, and who has it now. */
interface VendorClient {
  baseUrl: string | string[];
  item: string;
  patron: string;
  checkOut(send: Send): Promise<void>;
  /** the patron the vendor API says has the item, or null */
  borrower(send: Send): Promise<string | null>;
}

function ncip(send: Send, url: string, request: NcipRequest, profile: (typeof profiles)[keyof typeof profiles], headers: Record<string, string> = {}) {
  return send('POST', url, { 'Content-Type': 'application/xml', ...headers }, buildRequest(request, profile)).then((reply) => {
    expect(reply.status).toBe(200);
    return parseResponse(reply.text, request.service);
  });
}

const alma = (() => {
  const base = 'https://api-na.hosted.exlibrisgroup.com';
  const item = almaDemo.lendableItems.find((i) => i.library === 'MAIN')!.barcode;
  const headers = { Authorization: `apikey ${almaDemo.apiKey}`, Accept: 'application/json' };
  return {
    baseUrl: base,
    item,
    patron: almaDemo.patrons.good.primaryId,
    async checkOut(send) {
      json(
        await send(
          'POST',
          `${base}/almaws/v1/users/${almaDemo.patrons.good.primaryId}/loans?item_barcode=${item}`,
          { ...headers, 'Content-Type': 'application/json' },
          JSON.stringify({ circ_desk: { value: almaDemo.circDesks.MAIN }, library: { value: 'MAIN' } }),
        ),
      );
    },
    async borrower(send) {
      const found = json(await send('GET', `${base}/almaws/v1/items?item_barcode=${item}`, headers));
      const loans = json(await send('GET', `${found.link}/loans`, headers));
      return (loans.item_loan ?? []).find((loan: { loan_status: string }) => loan.loan_status === 'ACTIVE')?.user_id ?? null;
    },
  } satisfies VendorClient;
})();

const sierra = (() => {
  const base = 'https://catalog.sierra.example.edu';
  const api = `${base}${sierraDemo.basePath}`;
  const item = sierraDemo.lendableItems[0]!.barcode;
  const patron = sierraDemo.patrons.good.barcode;
  const token = async (send: Send) =>
    json(
      await send(
        'POST',
        `${api}/token`,
        { Authorization: basic(sierraDemo.clientKey, sierraDemo.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        'grant_type=client_credentials',
      ),
    ).access_token as string;
  return {
    baseUrl: base,
    item,
    patron,
    async checkOut(send) {
      const bearer = { Authorization: `Bearer ${await token(send)}`, 'Content-Type': 'application/json', Accept: 'application/json' };
      const statgroup = sierraDemo.statGroups.find((group) => group.library === 'MAIN')?.number ?? 1;
      json(await send('POST', `${api}/patrons/checkout`, bearer, JSON.stringify({ patronBarcode: patron, itemBarcode: item, statgroup })));
    },
    async borrower(send) {
      const bearer = { Authorization: `Bearer ${await token(send)}`, Accept: 'application/json' };
      const found = json(await send('GET', `${api}/items?barcode=${item}&fields=id`, bearer)).entries[0];
      const checkout = json(await send('GET', `${api}/items/${found.id}/checkouts`, bearer)).entries?.[0];
      if (!checkout) return null;
      const id = String(checkout.patron).split('/').pop();
      return json(await send('GET', `${api}/patrons/${id}?fields=barcodes`, bearer)).barcodes[0];
    },
  } satisfies VendorClient;
})();

const millennium = (() => {
  const base = 'http://millennium.example.edu:8080';
  const url = `${base}${millenniumDemo.ncipPath}`;
  const item = millenniumDemo.lendableItems[0]!.barcode;
  const patron = millenniumDemo.patrons.good.barcode;
  const header = { fromAgencyId: 'BOOKSTRAP', toAgencyId: millenniumDemo.ncipAgencyId };
  return {
    baseUrl: base,
    item,
    patron,
    async checkOut(send) {
      expect(await ncip(send, url, { service: 'CheckOutItem', header, userId: patron, itemId: item } as NcipRequest, profiles.millennium)).toMatchObject({
        ok: true,
      });
    },
    async borrower(send) {
      const reply = await ncip(
        send,
        url,
        { service: 'LookupItem', header, itemId: item, itemElementTypes: ['Circulation Status'], currentBorrowerDesired: true } as NcipRequest,
        profiles.millennium,
      );
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
      return (reply.response as { itemTransaction?: { currentBorrower?: string } }).itemTransaction?.currentBorrower ?? null;
    },
  } satisfies VendorClient;
})();

const wms = (() => {
  // OCLC's hosts: the token from oauth.oclc.org, NCIP at circ.sd00.worldcat.org — one WMS behind both
  const oauth = 'https://oauth.oclc.org';
  const circ = 'https://circ.sd00.worldcat.org';
  const item = wmsDemo.lendableItems[0]!.barcode;
  const patron = wmsDemo.patrons.good.barcode;
  const header = { fromAgencyId: wmsDemo.institutionId, toAgencyId: wmsDemo.institutionId };
  const token = async (send: Send) =>
    json(await send('POST', `${oauth}/token?grant_type=client_credentials&scope=WMS_NCIP`, { Authorization: basic(wmsDemo.wskey, wmsDemo.secret) }))
      .access_token as string;
  return {
    baseUrl: [oauth, circ],
    item,
    patron,
    async checkOut(send) {
      const reply = await ncip(
        send,
        `${circ}${wmsDemo.paths.ncip}`,
        { service: 'CheckOutItem', header, userId: patron, itemId: item } as NcipRequest,
        profiles.wms,
        {
          Authorization: `Bearer ${await token(send)}`,
        },
      );
      expect(reply).toMatchObject({ ok: true });
    },
    async borrower(send) {
      // WMS's NCIP has no LookupItem and the desk screens are the simulator's control plane, so the
      // loan is read from the control plane's state dump — through the same msw origin
      const { tables } = json(await send('GET', `${circ}/_sim/state`));
      const itemId = tables.items.find((row: { barcode: string }) => row.barcode === item)?.id;
      const loan = tables.loans.find((row: { itemId: number; status: string }) => row.itemId === itemId && row.status === 'active');
      return loan ? (tables.patrons.find((row: { id: number }) => row.id === loan.patronId)?.barcode ?? null) : null;
    },
  } satisfies VendorClient;
})();

function sirsi(product: 'symphony' | 'horizon', base: string): VendorClient {
  const sirsiDemo = product === 'symphony' ? symphonyDemo : horizonDemo;
  const api = `${base}${sirsiDemo.basePath}`;
  const item = sirsiDemo.lendableItems.find((i) => i.library === sirsiDemo.illLibrary)!.barcode;
  const patron = sirsiDemo.patrons.good.barcode;
  const headers = {
    'x-sirs-clientID': sirsiDemo.clientId,
    'SD-Originating-App-Id': 'msw-test',
    'User-Agent': 'msw-test',
    Accept: 'application/json',
    'Content-Type': 'application/json',
  };
  const session = async (send: Send) => ({
    ...headers,
    'x-sirs-sessionToken': json(
      await send('POST', `${api}/user/staff/login`, headers, JSON.stringify({ login: sirsiDemo.staff.login, password: sirsiDemo.staff.password })),
    ).sessionToken as string,
  });
  return {
    baseUrl: base,
    item,
    patron,
    async checkOut(send) {
      const staff = { ...(await session(send)), 'SD-Working-LibraryID': sirsiDemo.illLibrary };
      json(await send('POST', `${api}/circulation/circRecord/checkOut`, staff, JSON.stringify({ itemBarcode: item, patronBarcode: patron })));
    },
    async borrower(send) {
      const found = json(await send('GET', `${api}/catalog/item/barcode/${item}?includeFields=circRecord{patron{barcode}}`, await session(send)));
      return found.fields.circRecord?.fields?.patron?.fields?.barcode ?? null;
    },
  };
}

const clients: Record<VendorId, VendorClient> = {
  alma,
  sierra,
  millennium,
  wms,
  symphony: sirsi('symphony', 'https://symws.symphony.example.org'),
  horizon: sirsi('horizon', 'https://hzws.horizon.example.org'),
};

const all = Object.fromEntries(
  Object.entries(clients).map(([vendor, client]) => [vendor, handlersFor(vendor as VendorId, { baseUrl: client.baseUrl, clock: fixedClock(testNow) })]),
) as Record<VendorId, SimulatorHandlers>;
const server = setupServer(...Object.values(all).flat());

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const handlers of Object.values(all)) handlers.simulator.reset();
});
afterAll(() => {
  server.close();
  for (const handlers of Object.values(all)) handlers.simulator.close();
});

const transports = { fetch: viaFetch, 'node:http': viaNodeHttp } as const;

describe.each(Object.keys(clients) as VendorId[])('%s through msw', (vendor) => {
  const client = clients[vendor];

  it.each(Object.keys(transports) as (keyof typeof transports)[])('keeps the loan one %s call made for the next call to read', async (name) => {
    const send = transports[name];
    expect(await client.borrower(send)).toBeNull();
    await client.checkOut(send);
    expect(await client.borrower(send)).toBe(client.patron);
    // the engine behind the handlers holds the same loan (a second window on the same state)
    const loans = all[vendor].simulator.engine.sqlite
      .prepare('SELECT count(*) AS n FROM loans l JOIN items i ON i.id = l.item_id WHERE i.barcode = ? AND l.status = ?')
      .get(client.item, 'active') as { n: number };
    expect(loans.n).toBe(1);
  });

  it('shares one state between a fetch client and a node:http client', async () => {
    await client.checkOut(viaFetch);
    expect(await client.borrower(viaNodeHttp)).toBe(client.patron);
  });

  it('goes back to the seed on reset, through the control plane under the same origin', async () => {
    await client.checkOut(viaNodeHttp);
    const origin = typeof client.baseUrl === 'string' ? client.baseUrl : client.baseUrl[0]!;
    expect((await viaFetch('POST', `${origin}/_sim/reset`)).status).toBe(200);
    expect(await client.borrower(viaFetch)).toBeNull();
  });
});

describe('handlersFor', () => {
  it('renders faults injected through the control plane in the vendor API, as the served simulator does', async () => {
    const base = alma.baseUrl;
    expect((await viaFetch('POST', `${base}/_sim/faults`, { 'Content-Type': 'application/json' }, JSON.stringify({ down: true }))).status).toBe(200);
    const down = await viaNodeHttp('GET', `${base}/almaws/v1/users/${almaDemo.patrons.good.primaryId}`, { Authorization: `apikey ${almaDemo.apiKey}` });
    expect(down.status).toBe(503);
    expect((await viaFetch('DELETE', `${base}/_sim/faults`)).status).toBe(200);
    const up = await viaNodeHttp('GET', `${base}/almaws/v1/users/${almaDemo.patrons.good.primaryId}`, {
      Authorization: `apikey ${almaDemo.apiKey}`,
      Accept: 'application/json',
    });
    expect(json(up).primary_id).toBe(almaDemo.patrons.good.primaryId);
  });

  it('answers only at its origins: another host is not intercepted', async () => {
    // the suite's server errors on anything no handler matched, so this request never gets an answer
    await expect(fetch('https://api-eu.hosted.exlibrisgroup.com/almaws/v1/users/x')).rejects.toThrow();
    await expect(viaNodeHttp('GET', 'https://api-eu.hosted.exlibrisgroup.com/almaws/v1/users/x')).rejects.toThrow();
  });

  it('gives each call its own simulator unless one is passed in', () => {
    const a = handlersFor('sierra', { baseUrl: 'https://a.example' });
    const b = handlersFor('sierra', { baseUrl: 'https://b.example' });
    const shared = createSimulator({ vendor: 'sierra' });
    const c = handlersFor('sierra', { baseUrl: 'https://c.example', simulator: shared });
    try {
      expect(a.simulator).not.toBe(b.simulator);
      expect(c.simulator).toBe(shared);
      expect(() => handlersFor('alma', { baseUrl: 'https://d.example', simulator: shared })).toThrow('the simulator given is sierra, not alma');
    } finally {
      for (const sim of [a.simulator, b.simulator, shared]) sim.close();
    }
  });

  it('refuses a baseUrl that is not an origin, naming it', () => {
    expect(() => handlersFor('alma', { baseUrl: 'not a url' })).toThrow('baseUrl "not a url" is not a URL');
    expect(() => handlersFor('alma', { baseUrl: 'ftp://alma.example' })).toThrow('is not http(s)');
    expect(() => handlersFor('alma', { baseUrl: 'https://alma.example/almaws/v1' })).toThrow('must be an origin');
    expect(() => handlersFor('alma', { baseUrl: [] })).toThrow('lists no origin');
  });
});
