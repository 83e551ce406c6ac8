import type { TemporaryItemInput } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { horizonProduct, horizonWsPath } from '../horizon/horizon.ts';
import { symphonyProduct, symphonyWsPath } from '../symphony/symphony.ts';
import type { AdapterContext } from '../types.ts';
import { SirsiDynixWsAdapter, sirsiDynixOptions } from './adapter.ts';
import { type Product, sirsiSim, wsConnection, wsProbe } from './test-support.ts';

/**
 * Issue 14, round trips: a SirsiDynix Web Services receive (temporary item + copy hold) on its
 * steps' first runs costs the protocol minimum — one POST /catalog/bib (title, call number and
 * item in one record) and one POST /circulation/holdRecord/placeHold — counted at the simulator,
 * the staff session kept from the library's earlier jobs. The look-ups that find a crashed run's
 * records run only on a step's later runs (or after a refusal), and they still find the run's own
 * records and never act on another patron's.
 */
const setups = {
  symphony: { product: symphonyProduct, path: symphonyWsPath },
  horizon: { product: horizonProduct, path: horizonWsPath },
} as const;

function subject(product: Product) {
  const s = sirsiSim(product);
  // the Web Services client keeps its own copy of the context: the test's transport is a lever behind it
  const transport = { fetch: s.context.fetch };
  const context: AdapterContext = { ...s.context, fetch: (input, init) => transport.fetch(input, init) };
  const system = new SirsiDynixWsAdapter(setups[product].product, sirsiDynixOptions(wsConnection(product), setups[product].path), context);
  const run = (firstRun: boolean) => {
    context.firstRun = firstRun;
    return system;
  };
  /** the calls made by `action`, without the staff login (kept per library across jobs) */
  const counted = async <T>(action: () => Promise<T>) => {
    const from = s.calls.length;
    const result = await action();
    return { result, calls: s.calls.slice(from).filter((call) => !call.endsWith('/user/staff/login')) };
  };
  return { ...s, transport, run, counted, ws: wsProbe(s.sim, product) };
}

describe.each(['symphony', 'horizon'] as const)('%s Web Services receive: round trips', (product) => {
  const d = demo[product];
  const base = new URL(wsConnection(product).baseUrl ?? '').pathname.replace(/\/+$/, '');
  const patron = d.patrons.good.barcode;
  const other = d.otherPatrons[1]!.barcode;
  const item = (requestId: string, barcode = `TMP${requestId}`): TemporaryItemInput => ({
    requestId,
    barcode,
    title: 'Round trips: Middlemarch',
    note: `ILL request ${requestId} from LENDA`,
    lendingLibrary: 'LENDA',
    location: d.illLocation,
    inLibraryUseOnly: false,
    itemPolicy: d.itemTypes.interlibraryLoan,
  });
  const hold = (requestId: string, patronId = patron) => ({
    requestId,
    patronId,
    itemBarcode: `TMP${requestId}`,
    pickupLocation: 'MAIN',
    inLibraryUseOnly: false,
  });

  it('first runs: one title POST, one placeHold — two calls', async () => {
    const s = subject(product);
    await s.run(true).lookupPatron({ patronId: patron }); // the session, as the library's earlier jobs left it
    const created = await s.counted(() => s.run(true).createTemporaryItem(item('9700001')));
    expect(created.result).toMatchObject({ kind: 'done', value: { itemId: expect.any(String) } });
    const placed = await s.counted(() => s.run(true).placeHold(hold('9700001')));
    expect(placed.result).toMatchObject({ kind: 'done', value: { holdId: expect.any(String) } });
    expect([...created.calls, ...placed.calls]).toEqual([`POST ${base}/catalog/bib`, `POST ${base}/circulation/holdRecord/placeHold`]);
    expect(await s.ws.probe.countItems('TMP9700001')).toBe(1);
    expect(await s.ws.probe.holds('TMP9700001')).toEqual([{ patronId: patron, pickupLocation: 'MAIN' }]);
  });

  it("a later run after the title POST's answer was lost finds the run's own item: no second title", async () => {
    const s = subject(product);
    const send = s.transport.fetch;
    let lose = true;
    s.transport.fetch = async (input, init) => {
      const response = await send(input, init);
      if (lose && init?.method === 'POST' && new URL(input).pathname.endsWith('/catalog/bib')) {
        lose = false;
        throw new TypeError('fetch failed');
      }
      return response;
    };
    await expect(s.run(true).createTemporaryItem(item('9700002'))).rejects.toThrow('fetch failed');
    const again = await s.counted(() => s.run(false).createTemporaryItem(item('9700002')));
    expect(again.result).toMatchObject({ kind: 'already-done', value: { itemId: expect.any(String) } });
    expect(again.calls).toEqual([`GET ${base}/catalog/item/barcode/TMP9700002`]);
    expect(s.calls.filter((call) => call === `POST ${base}/catalog/bib`)).toHaveLength(1);
    const titles = await s.ws.ws('GET', `/catalog/bib/search?q=TITLE:Middlemarch&includeFields=title`);
    expect(titles.body.totalResults).toBe(1);
  });

  it("a later run of a hold whose answer was lost finds the patron's hold: no second one, another patron's hold untouched", async () => {
    const s = subject(product);
    expect((await s.run(true).createTemporaryItem(item('9700003'))).kind).toBe('done');
    expect((await s.run(false).placeHold(hold('9700003', other))).kind).toBe('done');
    const send = s.transport.fetch;
    let lose = true;
    s.transport.fetch = async (input, init) => {
      const response = await send(input, init);
      if (lose && init?.method === 'POST' && new URL(input).pathname.endsWith('/placeHold')) {
        lose = false;
        throw new TypeError('fetch failed');
      }
      return response;
    };
    await expect(s.run(true).placeHold(hold('9700003'))).rejects.toThrow('fetch failed');
    const again = await s.run(false).placeHold(hold('9700003'));
    expect(again).toMatchObject({ kind: 'already-done', value: { holdId: expect.any(String) } });
    const holds = await s.ws.probe.holds('TMP9700003');
    expect(holds).toHaveLength(2);
    expect(holds).toEqual(
      expect.arrayContaining([
        { patronId: other, pickupLocation: 'MAIN' },
        { patronId: patron, pickupLocation: 'MAIN' },
      ]),
    );
  });

  it('a first run refused because the patron already holds the item reads the long way: already done, still one hold', async () => {
    const s = subject(product);
    expect((await s.run(true).createTemporaryItem(item('9700004'))).kind).toBe('done');
    expect((await s.run(true).placeHold(hold('9700004'))).kind).toBe('done');
    const again = await s.counted(() => s.run(true).placeHold(hold('9700004')));
    expect(again.result.kind).toBe('already-done');
    expect(again.calls).toEqual([`POST ${base}/circulation/holdRecord/placeHold`, `GET ${base}/catalog/item/barcode/TMP9700004`]);
    expect(await s.ws.probe.holds('TMP9700004')).toEqual([{ patronId: patron, pickupLocation: 'MAIN' }]);
  });

  it("a first run whose barcode is another item's changes nothing: needs staff, with a free barcode", async () => {
    const s = subject(product);
    const taken = d.lendableItems.filter((i) => i.library === 'MAIN')[0]!.barcode;
    const read = () => s.ws.ws('GET', `/catalog/item/barcode/${taken}?includeFields=barcode,bib{title},homeLocation,customInformation{data}`);
    const before = await read();
    const created = await s.run(true).createTemporaryItem(item('9700005', taken));
    expect(created).toMatchObject({
      kind: 'needs-staff',
      reason: expect.stringContaining('already used by another item'),
      suggestion: expect.stringContaining('use barcode'),
    });
    expect((await read()).body).toEqual(before.body);
    const titles = await s.ws.ws('GET', `/catalog/bib/search?q=TITLE:Middlemarch&includeFields=title`);
    expect(titles.body.totalResults).toBe(0);
  });

  it('a first-run hold refused for another reason keeps its refusal and places nothing (a blocked patron)', async () => {
    const s = subject(product);
    expect((await s.run(true).createTemporaryItem(item('9700006'))).kind).toBe('done');
    const refused = await s.counted(() => s.run(true).placeHold(hold('9700006', d.patrons.blocked.barcode)));
    expect(refused.result.kind).toBe('needs-staff');
    expect(refused.calls).toEqual([`POST ${base}/circulation/holdRecord/placeHold`, `GET ${base}/catalog/item/barcode/TMP9700006`]);
    expect(await s.ws.probe.holds('TMP9700006')).toEqual([]);
  });
});
