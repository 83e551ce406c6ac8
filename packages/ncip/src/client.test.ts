import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskNcipSecrets, ncipExchange, ncipPost } from './client.ts';
import { alma } from './profiles.ts';
import { header } from './testing.ts';
import { buildRequest } from './wire/build-request.ts';
import { buildResponse, responseHeaderFor } from './wire/build-response.ts';
import { parseRequest } from './wire/parse-request.ts';

interface Seen {
  method?: string;
  contentType?: string;
  authorization?: string;
  body: string;
}
const seen: Seen[] = [];

/** A tiny NCIP responder: the path picks the behaviour. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  const entry: Seen = { body };
  if (req.method) entry.method = req.method;
  if (req.headers['content-type']) entry.contentType = req.headers['content-type'];
  if (req.headers.authorization) entry.authorization = req.headers.authorization;
  seen.push(entry);
  const path = req.url ?? '/';
  const status = /^\/status\/(\d+)$/.exec(path);
  if (status) {
    res.writeHead(Number(status[1]), { 'content-type': 'text/html' }).end('<html><title>error</title></html>');
  } else if (path === '/hang') {
    // never answers; the client's timeout must fire
  } else if (path === '/ncip') {
    const parsed = parseRequest(body);
    if (!parsed.ok || parsed.request.service !== 'CheckInItem') {
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(buildResponse({ problems: [parsed.ok ? { type: 'Unsupported Service' } : parsed.problem] }, alma));
      return;
    }
    const itemId = parsed.request.itemId;
    const reply =
      itemId === 'gone'
        ? buildResponse(
            { service: 'CheckInItem', header: responseHeaderFor(parsed.request.header), problems: [{ type: 'Item Not Checked Out', value: itemId }] },
            alma,
          )
        : buildResponse({ service: 'CheckInItem', header: responseHeaderFor(parsed.request.header), itemId }, alma);
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(reply);
  } else {
    res.writeHead(200).end('ok');
  }
}

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const checkIn = (itemId: string) => buildRequest({ service: 'CheckInItem', header, itemId }, alma);

describe('ncipPost against a local responder', () => {
  it('POSTs application/xml in UTF-8 with the caller headers and returns the body', async () => {
    const xml = checkIn('日本-1');
    const r = await ncipPost(`${base}/ncip`, xml, { headers: { authorization: 'Bearer t0k3n' } });
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(r.ok && r.body).toContain('<ItemIdentifierValue>日本-1</ItemIdentifierValue>');
    const last = seen.at(-1);
    expect(last).toMatchObject({ method: 'POST', contentType: 'application/xml; charset=utf-8', authorization: 'Bearer t0k3n', body: xml });
  });

  it.each([
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [429, 'retryable'],
    [401, 'configuration-error'],
    [403, 'configuration-error'],
    [404, 'configuration-error'],
    [400, 'configuration-error'],
  ] as const)('HTTP %d is %s', async (status, kind) => {
    const r = await ncipPost(`${base}/status/${status}`, checkIn('1'));
    expect(r).toMatchObject({ ok: false, status, error: { kind, reason: 'http', httpStatus: status } });
    expect(!r.ok && r.body).toContain('<html>');
  });

  it('404 says there is no NCIP responder at the URL', async () => {
    const r = await ncipPost(`${base}/status/404`, checkIn('1'));
    expect(!r.ok && r.error.message).toBe(`No NCIP responder at ${base}/status/404 (HTTP 404); check the NCIP server address.`);
  });

  it('a responder that never answers times out as retryable', async () => {
    const started = Date.now();
    const r = await ncipPost(`${base}/hang`, checkIn('1'), { timeoutMs: 150 });
    expect(r).toMatchObject({ ok: false, error: { kind: 'retryable', reason: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a refused connection is a retryable network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await ncipPost(`http://127.0.0.1:${port}/ncip`, checkIn('1'));
    expect(r).toMatchObject({ ok: false, error: { kind: 'retryable', reason: 'network' } });
    expect(!r.ok && r.error.message).toContain('ECONNREFUSED');
  });

  it('the caller can cancel', async () => {
    const controller = new AbortController();
    const pending = ncipPost(`${base}/hang`, checkIn('1'), { signal: controller.signal, timeoutMs: 5000 });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'retryable', reason: 'network', message: expect.stringMatching(/cancelled/) } });
  });
});

describe('ncipPost with an injected fetch', () => {
  it('uses it, and classifies a thrown TimeoutError', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      calls.push(String(url));
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as typeof fetch;
    const r = await ncipPost('https://ils.example/ncip', checkIn('1'), { fetch: fakeFetch });
    expect(calls).toEqual(['https://ils.example/ncip']);
    expect(r).toMatchObject({ ok: false, error: { kind: 'retryable', reason: 'timeout' } });
  });

  it('returns 2xx bodies untouched (parsing is parseResponse’s job)', async () => {
    const fakeFetch = (async () => new Response('<html>login</html>', { status: 200 })) as typeof fetch;
    expect(await ncipPost('https://ils.example/ncip', checkIn('1'), { fetch: fakeFetch })).toMatchObject({ ok: true, status: 200, body: '<html>login</html>' });
  });
});

describe('ncipExchange', () => {
  it('builds, sends and reads: success', async () => {
    const r = await ncipExchange(`${base}/ncip`, { service: 'CheckInItem', header, itemId: '100234' }, alma);
    expect(r).toMatchObject({ ok: true, response: { service: 'CheckInItem', itemId: '100234', header: { fromAgencyId: 'TULSA', toAgencyId: 'BOOKSTRAP' } } });
    expect(r.traffic).toMatchObject({ url: `${base}/ncip`, responseStatus: 200 });
    expect(r.traffic.requestBody).toContain('<ItemIdentifierValue>100234</ItemIdentifierValue>');
    expect(r.traffic.responseBody).toContain('<CheckInItemResponse>');
  });

  it('a Problem on HTTP 200 comes back classified (already checked in)', async () => {
    const r = await ncipExchange(`${base}/ncip`, { service: 'CheckInItem', header, itemId: 'gone' }, alma);
    expect(r).toMatchObject({ ok: false, error: { kind: 'already-done', reason: 'problem', service: 'CheckInItem' } });
  });

  it('HTTP errors keep the service and the raw traffic', async () => {
    const r = await ncipExchange(`${base}/status/503`, { service: 'CheckInItem', header, itemId: '1' }, alma);
    expect(r).toMatchObject({ ok: false, error: { kind: 'retryable', service: 'CheckInItem' }, traffic: { responseStatus: 503 } });
  });

  it('masks FromAgencyAuthentication in the stored request', async () => {
    const r = await ncipExchange(`${base}/ncip`, { service: 'CheckInItem', header: { ...header, fromAgencyAuthentication: 's3cret' }, itemId: '1' }, alma);
    expect(seen.at(-1)?.body).toContain('<FromAgencyAuthentication>s3cret</FromAgencyAuthentication>');
    expect(r.traffic.requestBody).toContain('<FromAgencyAuthentication>****</FromAgencyAuthentication>');
    expect(r.traffic.requestBody).not.toContain('s3cret');
  });
});

describe('maskNcipSecrets', () => {
  it('masks prefixed and unprefixed elements', () => {
    expect(maskNcipSecrets('<a><ns1:FromAgencyAuthentication>x</ns1:FromAgencyAuthentication><FromAgencyAuthentication>y</FromAgencyAuthentication></a>')).toBe(
      '<a><ns1:FromAgencyAuthentication>****</ns1:FromAgencyAuthentication><FromAgencyAuthentication>****</FromAgencyAuthentication></a>',
    );
  });
});
