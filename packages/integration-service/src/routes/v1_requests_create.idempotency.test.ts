import { sql } from 'drizzle-orm';
import { rawAll } from '../store/dialect.ts';
import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

// POST /v1/requests with an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header; Stripe's
// semantics): an ILL system that retries a create after a timeout must not make a second request.
const patron = demo.alma.patrons.good.primaryId;
const body = { role: 'borrowing', title: 'Dracula', patronId: patron, lenders: ['LENDA'] };

describe('POST /v1/requests with Idempotency-Key', () => {
  it('the same key and body answer the request made the first time, and nothing more is written', async () => {
    const h = await useHarness();
    const first = await h.request('POST', '/v1/requests', { body, headers: { 'idempotency-key': 'tipasa-884213' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const after = await snapshot(h);
    // the retry's fields in another order: still the same body
    const again = await h.request('POST', '/v1/requests', {
      body: { lenders: ['LENDA'], patronId: patron, title: 'Dracula', role: 'borrowing' },
      headers: { 'idempotency-key': 'tipasa-884213' },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.steps).toEqual(first.body.steps);
    expect(await snapshot(h)).toBe(after);
    expect((await h.ok(200, 'GET', '/v1/requests')).total).toBe(1);
  });

  it('a replay after the request moved on answers its current state (one request, one patron check)', async () => {
    const h = await useHarness();
    const first = await h.ok(201, 'POST', '/v1/requests', { body, headers: { 'idempotency-key': 'k-1' } });
    await h.drain();
    const again = await h.request('POST', '/v1/requests', { body, headers: { 'idempotency-key': 'k-1' } });
    expect(again.body.id).toBe(first.id);
    expect(again.body.steps.filter((s: { name: string }) => s.name === 'lookup-patron')).toHaveLength(1);
    expect(again.body.steps[0].state).not.toBe('pending');
  });

  it('different keys, or no key, make different requests', async () => {
    const h = await useHarness();
    const a = await h.ok(201, 'POST', '/v1/requests', { body, headers: { 'idempotency-key': 'k-a' } });
    const b = await h.ok(201, 'POST', '/v1/requests', { body, headers: { 'idempotency-key': 'k-b' } });
    const c = await h.ok(201, 'POST', '/v1/requests', { body });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('the same key with another body is a 422 naming the request it made, and writes nothing', async () => {
    const h = await useHarness();
    const first = await h.ok(201, 'POST', '/v1/requests', { body, headers: { 'idempotency-key': 'k-1' } });
    const before = await snapshot(h);
    const reused = await h.request('POST', '/v1/requests', { body: { ...body, title: 'Emma' }, headers: { 'idempotency-key': 'k-1' } });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: { requestId: first.id } });
    expect(reused.body.error.message).toContain('k-1');
    expect(await snapshot(h)).toBe(before);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'two words'],
    ['too long', 'x'.repeat(256)],
  ])('a key %s is a 400 naming the header, and nothing is created', async (_name, key) => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/requests', { body, headers: { 'idempotency-key': key } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
    expect(JSON.stringify(response.body.error)).toContain('idempotency-key');
    expect(await snapshot(h)).toBe(before);
  });

  it("a key is the library's own: another library's same key makes its own request and never sees the first", async () => {
    const h = await useHarness();
    const tulsa = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body, headers: { 'idempotency-key': 'shared' } });
    const partner = await h.request('POST', '/v1/requests', {
      key: h.keys.PARTNR,
      body: { role: 'borrowing', title: 'Other' },
      headers: { 'idempotency-key': 'shared' },
    });
    expect(partner.status).toBe(201);
    expect(partner.headers.get('idempotent-replayed')).toBeNull();
    expect(partner.body.id).not.toBe(tulsa.id);
    expect(partner.body.library).toBe('PARTNR');
  });

  it('keys older than 24 hours are pruned by the retention work; a newer one still replays', async () => {
    const h = await useHarness();
    await h.ok(201, 'POST', '/v1/requests', { body, headers: { 'idempotency-key': 'old' } });
    h.clock.advance(25 * 60 * 60_000);
    await h.ok(201, 'POST', '/v1/requests', { body, headers: { 'idempotency-key': 'new' } });
    await h.service.sweep();
    const keys = await rawAll<{ key: string }>(h.service.database.db, sql`select key from request_idempotency_keys`);
    expect(keys.map((row) => row.key)).toEqual(['new']);
  });
});
