import type { Connection, TemporaryItemInput } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';
import { SierraNcipAdapter } from './sierra-ncip.ts';
import { host, sierra, sierraContractSubject, sierraRestConnection } from './test-support.ts';

/**
 * Never touch what isn't yours, over NCIP: DeleteItem ends an item's holds with it, so the
 * request's temporary item goes only when nobody but the request's patron holds it. The holds
 * are read back through Sierra REST (staff's view), never through the adapter.
 */
// Importing sierra-ncip.contract.test.ts would run its whole contract here too.
const sierraNcipConnection: Connection = {
  ...sierraRestConnection,
  protocol: 'ncip',
  ncipUrl: `${host}${sierra.ncipPath}`,
  ncip: { toAgencyId: sierra.ncipAgencyId, fromAgencyId: 'TULSA' },
};
const good = sierra.patrons.good;
const other = sierra.patrons.faculty;

const ncipKind = (t: { url: string; requestBody?: string | undefined }) =>
  t.url.endsWith(sierra.ncipPath) ? /<(\w+)>\s*<InitiationHeader>/.exec(t.requestBody ?? '')?.[1] : 'REST';

async function setUp(requestId: string, barcode: string, patronId?: string) {
  const made = sierraContractSubject((context) => new SierraNcipAdapter(sierraNcipConnection, context));
  const item: TemporaryItemInput = {
    requestId,
    barcode,
    title: 'Ownership test: The Name of the Rose',
    note: `ILL request ${requestId} from LENDA`,
    lendingLibrary: 'LENDA',
    location: sierra.illLocation,
    inLibraryUseOnly: false,
    dueDate: '2025-04-16',
    ...(patronId ? { patronId, pickupLocation: 'main' } : {}),
  };
  expect(await made.system.createTemporaryItem(item)).toMatchObject({ kind: 'done' });
  const itemId = String((await made.rest.get(`/items?barcode=${barcode}&fields=id`)).body.entries[0].id);
  /** Every active hold on the item, as staff see it through Sierra REST: holder's record and note. */
  const holdsOnItem = async () => {
    const all = await made.rest.get('/patrons/holds?limit=2000&fields=id,record,patron,note');
    return (all.body.entries as { id: string; record: string; patron: string; note?: string }[])
      .filter((hold) => hold.record.endsWith(`/${itemId}`))
      .map((hold) => ({ id: hold.id.split('/').pop(), patron: hold.patron.split('/').pop(), note: hold.note ?? '' }));
  };
  /** A hold placed at the desk (Sierra REST `POST /patrons/{id}/holds/requests`), as another patron's would be. */
  const deskHold = (patronRecord: number, note: string) =>
    made.rest.call('POST', `/patrons/${patronRecord}/holds/requests`, { recordType: 'i', recordNumber: Number(itemId), pickupLocation: 'main', note });
  return { ...made, holdsOnItem, deskHold };
}

describe("Sierra NCIP delete-temporary-item: another patron's hold keeps the item", () => {
  it("leaves the item and another patron's hold alone (needs staff, naming how many holds are not the request's)", async () => {
    const { system, probe, holdsOnItem, deskHold, traffic } = await setUp('9410001', 'DEL-9410001', good.barcode);
    expect((await deskHold(other.id, 'wants it next')).status).toBe(204);
    const before = await holdsOnItem();
    expect(before.map((hold) => hold.patron).sort()).toEqual([String(good.id), String(other.id)].sort());
    traffic.length = 0;

    const outcome = await system.deleteTemporaryItem({ requestId: '9410001', itemBarcode: 'DEL-9410001', patronId: good.barcode });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('has 1 hold(s) request 9410001 did not place') });
    expect(await probe.countItems('DEL-9410001')).toBe(1);
    expect(await holdsOnItem()).toEqual(before);
    expect(traffic.map(ncipKind)).not.toContain('DeleteItem');
  });

  it("keeps the item when the step names no patron and someone holds it: no hold can be shown to be the request's", async () => {
    const { system, probe, holdsOnItem } = await setUp('9410002', 'DEL-9410002', good.barcode);
    const before = await holdsOnItem();
    expect(before).toHaveLength(1);
    const outcome = await system.deleteTemporaryItem({ requestId: '9410002', itemBarcode: 'DEL-9410002' });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining("does not name the request's patron") });
    expect(await probe.countItems('DEL-9410002')).toBe(1);
    expect(await holdsOnItem()).toEqual(before);
  });

  it("deletes the item with only the request's patron's hold on it, and one nobody holds", async () => {
    const { system, probe, holdsOnItem, traffic } = await setUp('9410003', 'DEL-9410003', good.barcode);
    expect(await holdsOnItem()).toHaveLength(1);
    traffic.length = 0;
    expect(await system.deleteTemporaryItem({ requestId: '9410003', itemBarcode: 'DEL-9410003', patronId: good.barcode })).toMatchObject({ kind: 'done' });
    expect(await probe.countItems('DEL-9410003')).toBe(0);
    expect(traffic.map(ncipKind)).toEqual(['LookupItem', 'DeleteItem']);

    const bare = await setUp('9410004', 'DEL-9410004');
    expect(await bare.holdsOnItem()).toEqual([]);
    expect(await bare.system.deleteTemporaryItem({ requestId: '9410004', itemBarcode: 'DEL-9410004', patronId: good.barcode })).toMatchObject({
      kind: 'done',
    });
    expect(await bare.probe.countItems('DEL-9410004')).toBe(0);
  });
});
