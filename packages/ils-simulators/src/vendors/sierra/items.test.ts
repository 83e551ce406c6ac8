import { describe, expect, it, onTestFinished } from 'vitest';
import { fixedClock } from '../../clock.ts';
import { createSimulator } from '../../simulator.ts';
import { testNow } from '../../testing.ts';
import { createSierraApp } from './app.ts';
import { sierraRoles } from './auth.ts';
import { demo, sierraSimulator, v6 } from './test-support.ts';

function setup() {
  const sierra = sierraSimulator();
  onTestFinished(() => sierra.sim.close());
  return sierra;
}

describe('Sierra items and bibs', () => {
  it('creates a bib and an item on it, both answered with {link}, and reads the item back', async () => {
    const { json } = setup();
    const bib = await json('/bibs', {
      method: 'POST',
      body: { titles: ['The name of the rose'], authors: ['Eco, Umberto'], fixedFields: { '31': { label: 'BCODE3', value: 'n' } } },
    });
    expect(bib.status).toBe(200);
    expect(bib.body.link).toMatch(/\/iii\/sierra-api\/v6\/bibs\/\d+$/u);
    const bibId = Number(bib.body.link.split('/').pop());
    expect((await json(`/bibs/${bibId}`)).body).toMatchObject({ title: 'The name of the rose', author: 'Eco, Umberto', suppressed: true });

    const created = await json('/items', {
      method: 'POST',
      body: {
        bibIds: [bibId],
        itemType: demo.itemTypes.ILL,
        location: demo.illLocation,
        barcodes: ['ILL-1001'],
        varFields: [{ fieldTag: 'x', content: 'ILL request 1001 from LENDA' }],
        messages: ['Return to the ILL office'],
      },
    });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(['link']);
    const itemId = created.body.link.split('/').pop();
    const item = await json(`/items/${itemId}?fields=id,bibIds,location,status,barcode,itemType,varFields`);
    expect(item.body).toMatchObject({
      id: itemId,
      bibIds: [String(bibId)],
      location: { code: demo.illLocation },
      status: { code: '-', display: 'AVAILABLE' },
      barcode: 'ILL-1001',
      itemType: demo.itemTypes.ILL,
    });
    expect(item.body.varFields).toContainEqual({ fieldTag: 'x', content: 'ILL request 1001 from LENDA' });
    expect(item.body.varFields).toContainEqual({ fieldTag: 'm', content: 'Return to the ILL office' });
  });

  it('requires bibIds to create an item (400, 130) and refuses a barcode already in use', async () => {
    const { json, createItem } = setup();
    const missing = await json('/items', { method: 'POST', body: { location: demo.illLocation, barcodes: ['X1'] } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 130 });
    const { bibId } = await createItem('ILL-2001');
    const duplicate = await json('/items', {
      method: 'POST',
      body: { bibIds: [bibId], location: demo.illLocation, barcodes: [demo.lendableItems[0]!.barcode] },
    });
    expect(duplicate.status).toBe(400);
    expect((await json(`/items?barcode=${demo.lendableItems[0]!.barcode}`)).body.total).toBe(1);
  });

  it('lists items by barcode, by id list and by id range, in a {total, start, entries} set', async () => {
    const { json } = setup();
    const [first, second, third] = demo.lendableItems;
    const byBarcode = await json(`/items?barcode=${first!.barcode}`);
    expect(byBarcode.body).toMatchObject({ total: 1, start: 0 });
    expect(byBarcode.body.entries[0]).toMatchObject({ id: String(first!.id), barcode: first!.barcode, location: { code: first!.location } });
    const byList = await json(`/items?id=${first!.id},${third!.id}`);
    expect(byList.body.entries.map((entry: { id: string }) => entry.id)).toEqual([String(first!.id), String(third!.id)]);
    const byRange = await json(`/items?id=[${first!.id},${third!.id}]&limit=2`);
    expect(byRange.body.entries.map((entry: { id: string }) => entry.id)).toEqual([String(first!.id), String(second!.id)]);
    expect((await json('/items?barcode=nothing-like-this')).body).toEqual({ total: 0, start: 0, entries: [] });
  });

  it('moves an item to another location with PUT and back again', async () => {
    const { json } = setup();
    const item = demo.lendableItems[0]!;
    expect((await json(`/items/${item.id}`, { method: 'PUT', body: { location: demo.lendingTemporaryLocation } })).status).toBe(204);
    expect((await json(`/items/${item.id}?fields=location`)).body.location.code).toBe(demo.lendingTemporaryLocation);
    expect((await json(`/items/${item.id}`, { method: 'PUT', body: { location: item.location } })).status).toBe(204);
    expect((await json(`/items/${item.id}?fields=location`)).body.location.code).toBe(item.location);
    expect((await json(`/items/${item.id}`, { method: 'PUT', body: { location: 'zzzz' } })).status).toBe(400);
  });

  it('rewrites internal notes with PUT varFields', async () => {
    const { json, createItem } = setup();
    const { itemId } = await createItem('ILL-3001', { varFields: [{ fieldTag: 'x', content: 'first' }] });
    await json(`/items/${itemId}`, {
      method: 'PUT',
      body: {
        varFields: [
          { fieldTag: 'x', content: 'first' },
          { fieldTag: 'x', content: 'second' },
        ],
      },
    });
    const notes = (await json(`/items/${itemId}?fields=varFields`)).body.varFields.filter((field: { fieldTag: string }) => field.fieldTag === 'x');
    expect(notes).toEqual([
      { fieldTag: 'x', content: 'first' },
      { fieldTag: 'x', content: 'second' },
    ]);
    // An empty list clears them; a PUT without varFields leaves notes alone.
    await json(`/items/${itemId}`, { method: 'PUT', body: { location: demo.illLocation } });
    expect((await json(`/items/${itemId}?fields=varFields`)).body.varFields.filter((field: { fieldTag: string }) => field.fieldTag === 'x')).toHaveLength(2);
    await json(`/items/${itemId}`, { method: 'PUT', body: { varFields: [] } });
    expect((await json(`/items/${itemId}?fields=varFields`)).body.varFields.filter((field: { fieldTag: string }) => field.fieldTag === 'x')).toEqual([]);
  });

  it('deletes an item (204, then 404) and then its bib; a bib with items is refused', async () => {
    const { json, createItem } = setup();
    const { bibId, itemId } = await createItem('ILL-4001');
    expect((await json(`/bibs/${bibId}`, { method: 'DELETE' })).status).toBe(400);
    expect((await json(`/items/${itemId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/items/${itemId}`)).status).toBe(404);
    expect((await json(`/bibs/${bibId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/bibs/${bibId}`)).body).toMatchObject({ code: 107 });
  });

  it('answers an unknown endpoint with 404', async () => {
    const { json } = setup();
    const response = await json('/items/1000001/whatever');
    expect(response.status).toBe(404);
    expect(response.body.httpStatus).toBe(404);
  });
});

describe('Sierra read-after-create lag', () => {
  it('does not show a new item by id until the lag has passed (DCB retries its GET for this)', async () => {
    const sim = createSimulator({ vendor: 'sierra', clock: fixedClock(testNow) });
    onTestFinished(() => sim.close());
    const lagged = createSierraApp(
      { engine: sim.engine, clock: sim.clock, dataset: sim.dataset, limits: {} },
      { clients: { k: { secret: 's', roles: sierraRoles } }, itemVisibilityLagMs: 150 },
    );
    const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
      const response = await lagged.app.request(`${v6}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), 'Content-Type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    const grant = await lagged.app.request(`${v6}/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('k:s').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const token = ((await grant.json()) as { access_token: string }).access_token;
    const bib = await call('/bibs', { method: 'POST', token, body: { titles: ['Lagging'] } });
    const item = await call('/items', {
      method: 'POST',
      token,
      body: { bibIds: [Number(bib.body.link.split('/').pop())], location: demo.illLocation, barcodes: ['LAG-1'] },
    });
    const itemId = item.body.link.split('/').pop();
    expect((await call(`/items/${itemId}`, { token })).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await call(`/items/${itemId}`, { token })).status).toBe(200);
  });
});
