import type { Connection } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';
import { type ContractSubject, circulationSystemContract } from '../contract.ts';
import { SierraNcipAdapter, sierraNcipAdapter } from './sierra-ncip.ts';
import { host, sierra, sierraRestConnection, sierraRestProbe, sierraSim, sierraContractSubject } from './test-support.ts';

/**
 * The shared adapter contract against the simulated Sierra in NCIP mode: Innovative's NCIP
 * responder for the circulation steps, Sierra REST for fees and locations; the probe reads state
 * over Sierra REST only.
 */

export const sierraNcipConnection: Connection = {
  ...sierraRestConnection,
  protocol: 'ncip',
  ncipUrl: `${host}${sierra.ncipPath}`,
  ncip: { toAgencyId: sierra.ncipAgencyId, fromAgencyId: 'TULSA' },
};

const subject = async () => sierraContractSubject((context) => new SierraNcipAdapter(sierraNcipConnection, context));

circulationSystemContract('Sierra NCIP + REST (simulated)', subject, {
  // Sierra takes no hold on a requested item for lending (Tipasa: Horizon and Symphony only).
  unsupported: ['lending hold'],
});

describe('Sierra in NCIP mode: which protocol each step speaks', () => {
  const kind = (t: { url: string; requestBody?: string | undefined }) =>
    t.url.endsWith(sierra.ncipPath) ? `NCIP ${/<(\w+)>\s*<InitiationHeader>/.exec(t.requestBody ?? '')?.[1]}` : 'REST';

  it('carries due dates over NCIP (CheckOutItem, RenewItem), fees and locations over REST', async () => {
    const { system, traffic, fixture } = await subject();
    const barcode = fixture.lendableBarcodes[10] as string;
    await system.checkOut({ requestId: '9200001', patronId: fixture.accountId, itemBarcode: barcode, dueDate: '2025-04-16' });
    await system.updateDueDate({ requestId: '9200001', patronId: fixture.accountId, itemBarcode: barcode, dueDate: '2025-04-30' });
    const ncip = traffic.map(kind).filter((k) => k.startsWith('NCIP'));
    expect(ncip).toEqual(['NCIP CheckOutItem', 'NCIP LookupItem', 'NCIP RenewItem']);
    traffic.length = 0;
    await system.chargeFee({ requestId: '9200001', patronId: fixture.patronId, feeType: '1', amount: 2, comment: 'ILL fee for request 9200001' });
    await system.moveToTemporaryLocation({ requestId: '9200001', itemBarcode: barcode, location: sierra.lendingTemporaryLocation });
    expect(traffic.map(kind).every((k) => k === 'REST')).toBe(true);
  });

  it('creates the temporary item and its hold with one AcceptItem when the step names the patron', async () => {
    const { system, traffic, fixture } = await subject();
    const outcome = await system.createTemporaryItem({
      requestId: '9200002',
      barcode: '9200002',
      title: 'The Name of the Rose',
      note: 'ILL request 9200002 from LENDA',
      lendingLibrary: 'LENDA',
      location: fixture.illLocation,
      inLibraryUseOnly: false,
      dueDate: '2025-04-09',
      patronId: fixture.patronId,
      pickupLocation: 'main',
    });
    expect(outcome.kind).toBe('done');
    expect(traffic.map(kind)).toEqual(['NCIP AcceptItem']);
    expect(
      (await system.placeHold({ requestId: '9200002', patronId: fixture.patronId, itemBarcode: '9200002', pickupLocation: 'main', inLibraryUseOnly: false }))
        .kind,
    ).toBe('already-done');
  });

  it('needs the Sierra REST address and client credentials alongside NCIP (configuration time)', () => {
    const problems =
      sierraNcipAdapter.checkConnection?.({
        ils: 'sierra',
        protocol: 'ncip',
        ncipUrl: `${host}${sierra.ncipPath}`,
        ncip: { toAgencyId: 'X' },
        credentials: {},
      }) ?? [];
    expect(problems.map((p) => p.path).sort()).toEqual(['connection.baseUrl', 'connection.credentials']);
    expect(sierraNcipAdapter.checkConnection?.(sierraNcipConnection)).toEqual([]);
  });
});

describe("Innovative's numeric Problem codes (9016, 9022, as NYPL's captures show them)", () => {
  it('a check-in of an item on the shelf (9022) is already done; the item stays as it was', async () => {
    const { system, probe, traffic } = await subject();
    const barcode = sierra.lendableItems[0]!.barcode;
    const before = await probe.loan(barcode);
    expect(await system.checkIn({ requestId: '9400001', itemBarcode: barcode })).toMatchObject({ kind: 'already-done' });
    expect(traffic.some((t) => /<(?:\w+:)?ProblemType[^>]*>9022</.test(t.responseBody ?? ''))).toBe(true);
    expect(await probe.loan(barcode)).toEqual(before);
  });

  it("the sync's read of an unknown barcode (9016) says the item is gone, not a failure", async () => {
    const { system } = await subject();
    expect(await system.readItemCirculation!({ itemBarcode: 'NO-SUCH-ITEM', patronId: sierra.patrons.good.barcode })).toMatchObject({
      kind: 'done',
      value: { exists: false },
    });
  });
});
