import type { TemporaryItemInput } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../types.ts';
import { SierraRestAdapter, sierraOptions } from './sierra.ts';
import { sierra, sierraContractSubject, sierraRestConnection } from './test-support.ts';

/**
 * Issue 14, round trips: a Sierra REST receive (temporary item + item-level hold) on its steps'
 * first runs costs the protocol minimum — POST bibs, POST items, POST patrons/{id}/holds/requests —
 * counted at the simulator. The look-ups that find a crashed run's records (the barcode, the
 * patron's holds) run only on a step's later runs, and those still find the run's own records
 * and never act on another patron's.
 */
const v6 = '/iii/sierra-api/v6';
const patron = sierra.patrons.good.barcode;
const other = sierra.otherPatrons[1]!.barcode;

function subject() {
  // one context object the test flips between a step's first run and its later runs
  let context: AdapterContext | undefined;
  const s = sierraContractSubject((c) => {
    context = c;
    return new SierraRestAdapter(sierraOptions(sierraRestConnection), c);
  });
  const run = (firstRun: boolean) => {
    (context as AdapterContext).firstRun = firstRun;
    return s.system as SierraRestAdapter;
  };
  /** the calls made by `action`, without the token grant (cached per library across jobs) */
  const counted = async <T>(action: () => Promise<T>) => {
    const from = s.calls.length;
    const result = await action();
    return { result, calls: s.calls.slice(from).filter((call) => call !== `POST ${v6}/token`) };
  };
  return { ...s, run, counted };
}

const item = (requestId: string, barcode = `TMP${requestId}`): TemporaryItemInput => ({
  requestId,
  barcode,
  title: 'Round trips: Middlemarch',
  note: `ILL request ${requestId} from LENDA`,
  lendingLibrary: 'LENDA',
  location: sierra.illLocation,
  inLibraryUseOnly: false,
  itemPolicy: String(sierra.itemTypes.ILL),
});

const hold = (requestId: string, itemId: string | undefined, ilsPatronId?: string) => ({
  requestId,
  patronId: patron,
  itemBarcode: `TMP${requestId}`,
  pickupLocation: 'main',
  inLibraryUseOnly: false,
  itemId,
  ...(ilsPatronId ? { ilsPatronId } : {}),
});

describe('Sierra REST receive: round trips', () => {
  it('first runs: bib, item, hold on the patron record the look-up found — three calls, no read-back', async () => {
    const s = subject();
    const looked = await s.run(true).lookupPatron({ patronId: patron });
    expect(looked).toMatchObject({ kind: 'done', value: { ilsPatronId: expect.stringMatching(/^\d+$/) } });
    const record = looked.kind === 'done' ? looked.value.ilsPatronId : undefined;

    const created = await s.counted(() => s.run(true).createTemporaryItem(item('9700001')));
    expect(created.result).toMatchObject({ kind: 'done', value: { itemId: expect.stringMatching(/^\d+$/) } });
    const itemId = created.result.kind === 'done' ? created.result.value.itemId : '';
    const placed = await s.counted(() => s.run(true).placeHold(hold('9700001', itemId, record)));
    expect(placed.result).toEqual({ kind: 'done', value: {} });

    expect([...created.calls, ...placed.calls]).toEqual([`POST ${v6}/bibs`, `POST ${v6}/items`, `POST ${v6}/patrons/${record}/holds/requests`]);
    expect(await s.probe.countItems('TMP9700001')).toBe(1);
    expect(await s.probe.holds('TMP9700001')).toEqual([{ patronId: patron, pickupLocation: 'main' }]);
  });

  it('first run without a recorded patron record: one patrons/find more, nothing else', async () => {
    const s = subject();
    await s.run(true).lookupPatron({ patronId: other }); // the token, as the library's earlier jobs left it
    const created = await s.run(true).createTemporaryItem(item('9700002'));
    const itemId = created.kind === 'done' ? created.value.itemId : '';
    const placed = await s.counted(() => s.run(true).placeHold(hold('9700002', itemId)));
    expect(placed.result.kind).toBe('done');
    expect(placed.calls).toEqual([`GET ${v6}/patrons/find`, expect.stringMatching(/^POST .*\/patrons\/\d+\/holds\/requests$/)]);
  });

  it("a later run after the item POST's answer was lost finds the run's own item: no second item, no second bib", async () => {
    const s = subject();
    const send = s.context.fetch;
    let lose = true;
    s.context.fetch = async (input, init) => {
      const response = await send(input, init);
      // Sierra made the item; the answer never reached Bookstrap (the worker died, the line dropped).
      if (lose && init?.method === 'POST' && new URL(input).pathname === `${v6}/items`) {
        lose = false;
        throw new TypeError('fetch failed');
      }
      return response;
    };
    await expect(s.run(true).createTemporaryItem(item('9700003'))).rejects.toThrow('fetch failed');
    const again = await s.counted(() => s.run(false).createTemporaryItem(item('9700003')));
    expect(again.result).toMatchObject({ kind: 'already-done', value: { itemId: expect.stringMatching(/^\d+$/) } });
    expect(again.calls).toEqual([`GET ${v6}/items`]);
    expect(await s.probe.countItems('TMP9700003')).toBe(1);
    // the bib stayed with its item (Sierra deletes no bib with items attached); none was made twice
    expect(s.calls.filter((call) => call === `POST ${v6}/bibs`)).toHaveLength(1);
  });

  it("a lost answer to the item POST before Sierra made it takes the run's bib away again", async () => {
    const s = subject();
    const send = s.context.fetch;
    let cut = true;
    s.context.fetch = async (input, init) => {
      if (cut && init?.method === 'POST' && new URL(input).pathname === `${v6}/items`) {
        cut = false;
        throw new TypeError('fetch failed');
      }
      return send(input, init);
    };
    await expect(s.run(true).createTemporaryItem(item('9700004'))).rejects.toThrow('fetch failed');
    const bibDeleted = s.calls.find((call) => call.startsWith(`DELETE ${v6}/bibs/`));
    expect(bibDeleted).toBeDefined();
    expect((await s.rest.get(bibDeleted!.replace(`DELETE ${v6}`, ''))).status).toBe(404);
    expect(await s.probe.countItems('TMP9700004')).toBe(0);
  });

  it("a later run of a hold whose answer was lost finds the patron's hold: no second one, another patron's hold untouched", async () => {
    const s = subject();
    const created = await s.run(true).createTemporaryItem(item('9700005'));
    const itemId = created.kind === 'done' ? created.value.itemId : '';
    // another patron holds the same item (the desk placed it): it must stay as it is
    expect((await s.run(false).placeHold({ ...hold('9700099', itemId), patronId: other, itemBarcode: 'TMP9700005' })).kind).toBe('done');
    const send = s.context.fetch;
    let lose = true;
    s.context.fetch = async (input, init) => {
      const response = await send(input, init);
      if (lose && init?.method === 'POST' && new URL(input).pathname.endsWith('/holds/requests')) {
        lose = false;
        throw new TypeError('fetch failed');
      }
      return response;
    };
    await expect(s.run(true).placeHold(hold('9700005', itemId))).rejects.toThrow('fetch failed');
    const again = await s.run(false).placeHold(hold('9700005', itemId));
    expect(again).toMatchObject({ kind: 'already-done', value: { holdId: expect.stringMatching(/^\d+$/) } });
    expect(await s.probe.holds('TMP9700005')).toEqual([
      { patronId: other, pickupLocation: 'main' },
      { patronId: patron, pickupLocation: 'main' },
    ]);
  });

  it('a first run refused because the patron already holds the item reads the long way: already done, still one hold', async () => {
    const s = subject();
    const created = await s.run(true).createTemporaryItem(item('9700006'));
    const itemId = created.kind === 'done' ? created.value.itemId : '';
    expect((await s.run(true).placeHold(hold('9700006', itemId))).kind).toBe('done');
    // a staff retry of the step whose first outcome was lost: Sierra refuses the second hold
    const again = await s.run(true).placeHold(hold('9700006', itemId));
    expect(again.kind).toBe('already-done');
    expect(await s.probe.holds('TMP9700006')).toEqual([{ patronId: patron, pickupLocation: 'main' }]);
  });

  it("a first run whose barcode is another item's leaves that item alone and no bib behind: needs staff, with a free barcode", async () => {
    const s = subject();
    const taken = s.fixture.lendableBarcodes[0]!;
    const before = await s.rest.get(`/items?barcode=${taken}&fields=id,bibIds,location,status,varFields,barcode`);
    const created = await s.run(true).createTemporaryItem(item('9700007', taken));
    expect(created).toMatchObject({
      kind: 'needs-staff',
      reason: expect.stringContaining('already used by another item'),
      suggestion: expect.stringContaining('use barcode'),
    });
    expect((await s.rest.get(`/items?barcode=${taken}&fields=id,bibIds,location,status,varFields,barcode`)).body).toEqual(before.body);
    const bibDeleted = s.calls.find((call) => call.startsWith(`DELETE ${v6}/bibs/`));
    expect((await s.rest.get(bibDeleted!.replace(`DELETE ${v6}`, ''))).status).toBe(404);
  });
});

describe('Sierra REST receive: a refusal that is not about the barcode', () => {
  it('keeps its refusal, takes the bib away and tries nothing twice (a location Sierra does not know)', async () => {
    const s = subject();
    await s.run(true).lookupPatron({ patronId: patron });
    const refused = await s.counted(() => s.run(true).createTemporaryItem({ ...item('9700011'), location: 'nowhere' }));
    expect(refused.result).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('location nowhere') });
    expect(refused.calls).toEqual([`POST ${v6}/bibs`, `POST ${v6}/items`, expect.stringMatching(/^DELETE .*\/bibs\/\d+$/), `GET ${v6}/items`]);
    expect((await s.rest.get(refused.calls[2]!.replace(`DELETE ${v6}`, ''))).status).toBe(404);
    expect(await s.probe.countItems('TMP9700011')).toBe(0);
  });
});

describe('Sierra REST manual charge: round trips', () => {
  it("first run: patron, charge, the fee's id read back — no look for an earlier charge; a later run finds its own and charges nothing", async () => {
    const s = subject();
    await s.run(true).lookupPatron({ patronId: patron });
    const fee = { requestId: '9700010', patronId: patron, feeType: sierra.manualChargeType, amount: 4, comment: 'ILL fee for request 9700010' };
    const first = await s.counted(() => s.run(true).chargeFee(fee));
    expect(first.result).toMatchObject({ kind: 'done', value: { feeId: expect.stringMatching(/^\d+$/) } });
    expect(first.calls).toEqual([`GET ${v6}/patrons/find`, expect.stringMatching(/^POST .*\/fines\/charge$/), expect.stringMatching(/^GET .*\/fines$/)]);
    const again = await s.run(false).chargeFee(fee);
    expect(again).toMatchObject({ kind: 'already-done', value: { feeId: first.result.kind === 'done' ? first.result.value.feeId : '' } });
    expect((await s.probe.fees(patron)).filter((f) => f.comment === fee.comment)).toHaveLength(1);
  });
});
