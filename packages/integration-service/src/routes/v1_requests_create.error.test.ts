import { sqliteOnly } from '../testutil/store.ts';
import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';
import { failStorage } from '../testutil/storage-fault.ts';

describe('POST /v1/requests (errors)', () => {
  it.each([
    ['no title', { role: 'borrowing' }, 'title'],
    ['an unknown role', { role: 'renting', title: 'x' }, 'role'],
    ['a bad lender symbol', { role: 'borrowing', title: 'x', lenders: ['not a symbol'] }, 'lenders.0'],
    ['a lending request without the borrowing library', { role: 'lending', title: 'x' }, 'borrowingLibrary'],
    ['an unusable item barcode', { role: 'lending', title: 'x', borrowingLibrary: 'OKLA', itemBarcode: 'has space' }, 'itemBarcode'],
    ['a bad service type', { role: 'borrowing', title: 'x', serviceType: 'gift' }, 'serviceType'],
  ])('rejects %s with 400 and stores nothing', async (_name, body, path) => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/requests', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await snapshot(h)).toBe(before);
  });

  it.each([
    ['a typo of patronId', { role: 'borrowing', title: 'x', patronID: 'P1' }, 'patronID'],
    ['a lending field on a borrowing request', { role: 'borrowing', title: 'x', itemBarcode: '39000000001' }, 'itemBarcode'],
    ['a borrowing field on a lending request', { role: 'lending', title: 'x', borrowingLibrary: 'OKLA', patronId: 'P1' }, 'patronId'],
  ])('rejects %s with 400 naming the unknown field, and stores nothing', async (_name, body, path) => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/requests', { body });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'INVALID_INPUT', details: [{ path, message: `unknown field "${path}"` }] });
    expect(response.body.error.message).toContain(path);
    expect(await snapshot(h)).toBe(before);
  });

  it("rejects a pickup location that is not one of the library's, listing the valid ones", async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/requests', { body: { role: 'borrowing', title: 'x', pickupLocation: 'MOON' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'INVALID_INPUT', details: [{ path: 'pickupLocation', message: 'use one of: MAIN' }] });
    expect(await snapshot(h)).toBe(before);
  });

  it('rejects malformed JSON', async () => {
    const h = await useHarness();
    const response = await h.request('POST', '/v1/requests', { raw: '{', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
  });

  sqliteOnly('answers 503 STORAGE_UNAVAILABLE naming the cause when the disk is full, and stores nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const restore = failStorage(h.service.database.sqlite, 'SQLITE_FULL', /^\s*(insert|update)/i);
    const response = await h.request('POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula' } });
    restore();
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(response.body.error.message).toContain('the database disk is full');
    expect(await snapshot(h)).toBe(before);
    await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula' } });
  });

  it('rejects a patronEmail that is not an e-mail address, naming the field, and stores nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronEmail: 'not-an-address' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'patronEmail' })]);
    expect(await snapshot(h)).toBe(before);
  });
});
