import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustableClock, createSimulator, fixedClock } from '@bookstrap/ils-simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, testNow } from '../testutil/harness.ts';

/**
 * Console sessions behind a load balancer: two service instances on one database file. A
 * session opened on one is honoured by the other (its CSRF token too), a signed-out or expired
 * one by neither, and the store holds neither the session token nor the key.
 */
type Jar = Map<string, string>;
const made: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of made.splice(0)) await h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function twoInstances(): Promise<[Harness, Harness]> {
  const dir = mkdtempSync(join(tmpdir(), 'bookstrap-sessions-'));
  dirs.push(dir);
  const clock = adjustableClock(fixedClock(testNow));
  const sim = createSimulator({ vendor: 'alma', clock, limits: { perSecond: 100_000 } });
  const dbPath = join(dir, 'service.sqlite');
  const a = await createHarness({ sim, clock, dbPath });
  const b = await createHarness({ sim, clock, dbPath });
  made.push(b, a);
  return [a, b];
}

async function browse(h: Harness, jar: Jar, method: string, path: string, form?: Record<string, string>) {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await h.service.app.request(`http://127.0.0.1${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, ...rest] = pair!.split('=');
    if (rest.join('=') === '' || /max-age=0/i.test(line)) jar.delete(name!.trim());
    else jar.set(name!.trim(), rest.join('='));
  }
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

const tokenIn = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1];

async function signIn(h: Harness, key: string): Promise<{ jar: Jar; csrf: string }> {
  const jar: Jar = new Map();
  const form = await browse(h, jar, 'GET', '/console/sign-in');
  const signed = await browse(h, jar, 'POST', '/console/sign-in', { _csrf: tokenIn(form.text)!, key });
  expect(signed.status).toBe(303);
  const page = await browse(h, jar, 'GET', signed.location!);
  expect(page.status).toBe(200);
  return { jar, csrf: tokenIn(page.text)! };
}

describe('console sessions shared by two instances on one database', () => {
  it('a session opened on one instance works on the other, its CSRF token included', async () => {
    const [a, b] = await twoInstances();
    const { jar, csrf } = await signIn(a, a.keys.TULSA);
    const queues = await browse(b, jar, 'GET', '/console/queues');
    expect(queues.status).toBe(200);
    // the same session's form token, checked by the other instance
    expect(tokenIn(queues.text)).toBe(csrf);
    const { id } = await a.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: 'P-1', pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    expect((await browse(b, jar, 'POST', `/console/requests/${id}/actions/review`, { _csrf: `${csrf}x` })).status).toBe(403);
    expect((await a.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('new-for-review');
    const reviewed = await browse(b, jar, 'POST', `/console/requests/${id}/actions/review`, { _csrf: csrf });
    expect(reviewed.status).toBe(303);
    expect((await a.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('reviewed');
  });

  it('signed out on one instance: refused by both; another session is untouched', async () => {
    const [a, b] = await twoInstances();
    const first = await signIn(a, a.keys.TULSA);
    const second = await signIn(b, b.adminKey);
    const out = await browse(b, new Map(first.jar), 'POST', '/console/sign-out', { _csrf: first.csrf });
    expect(out.location).toBe('/console/sign-in');
    for (const h of [a, b]) {
      const page = await browse(h, new Map(first.jar), 'GET', '/console/queues');
      expect(page.status).toBe(303);
      expect(page.location).toBe(`/console/sign-in?next=${encodeURIComponent('/console/queues')}`);
    }
    expect((await browse(a, second.jar, 'GET', '/console/admin')).status).toBe(200);
  });

  it('stores only the token’s digest, with the key and the CSRF token sealed: the database alone opens nothing', async () => {
    const [a] = await twoInstances();
    const { jar, csrf } = await signIn(a, a.keys.TULSA);
    const token = jar.get('bookstrap_console')!;
    const rows = a.service.database.sqlite.prepare('select * from console_sessions').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    for (const secret of [token, a.keys.TULSA, csrf]) expect(stored).not.toContain(secret);
    expect(rows[0]).toMatchObject({ kind: 'library', token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // a forged cookie naming the stored digest is no session
    const forged = await browse(a, new Map([['bookstrap_console', String(rows[0]!.token_hash).slice(0, 43)]]), 'GET', '/console/queues');
    expect(forged.status).toBe(303);
  });

  it('an idle session expires on both instances after a working day, and its row goes', async () => {
    const [a, b] = await twoInstances();
    const { jar } = await signIn(a, a.keys.TULSA);
    a.clock.advance(7 * 60 * 60_000);
    // used within the day: the idle time starts again (written at most once a minute)
    expect((await browse(b, jar, 'GET', '/console/queues')).status).toBe(200);
    a.clock.advance(7 * 60 * 60_000);
    expect((await browse(a, jar, 'GET', '/console/queues')).status).toBe(200);
    a.clock.advance(8 * 60 * 60_000 + 1);
    expect((await browse(b, jar, 'GET', '/console/queues')).status).toBe(303);
    expect((await browse(a, jar, 'GET', '/console/queues')).status).toBe(303);
    expect(a.service.database.sqlite.prepare('select count(*) as n from console_sessions').get()).toEqual({ n: 0 });
  });
});
