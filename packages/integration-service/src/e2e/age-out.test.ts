import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { historyOf } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';

const item = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[1]!;

describe('the daily sweep ages out lending requests missing for 180 days (L5)', () => {
  it('leaves a request alone until day 180, then closes it and says why', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`);
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/borrower-returned`);
    const missing = await h.ok(200, 'POST', `/v1/requests/${id}/not-returned`);
    expect(missing).toMatchObject({ status: 'returned-but-missing' });

    h.clock.advance(179 * 86_400_000);
    expect(await h.service.sweep()).toEqual([]);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('returned-but-missing');

    h.clock.advance(86_400_000);
    expect(await h.service.sweep()).toEqual([id]);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('closed-missing');
    expect((await historyOf(h, id)).at(-1)).toBe(`Closed: missing for 180 days. Missing since ${missing.missingSince}: aged out automatically.`);
    // A second sweep finds nothing more to do.
    expect(await h.service.sweep()).toEqual([]);
  });
});
