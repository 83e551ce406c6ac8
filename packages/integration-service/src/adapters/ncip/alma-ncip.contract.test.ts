import { describe, expect, it } from 'vitest';
import { circulationSystemContract } from '../contract.ts';
import { AlmaNcipAdapter } from './alma-ncip.ts';
import { almaContractSubject } from '../alma/test-support.ts';
import { alma, almaNcipConnection, almaSim } from './test-support.ts';

/**
 * The shared adapter contract against the simulated Alma in NCIP mode: NCIP to
 * `/view/NCIPServlet` for LookupUser, AcceptItem, CheckOutItem and CheckInItem, Alma REST for
 * the rest; the probe reads state over Alma REST only.
 */
const almaNcipSubject = async () => almaContractSubject((context) => new AlmaNcipAdapter(almaNcipConnection, context));

circulationSystemContract('Alma NCIP + REST (simulated)', almaNcipSubject, {
  // Alma takes no hold on a requested item for lending (Tipasa: Horizon and Symphony only).
  unsupported: ['lending hold'],
});

describe('Alma in NCIP mode: which protocol each step speaks', () => {
  const services = (traffic: { url: string; requestBody?: string | undefined }[]) =>
    traffic.map((t) => (t.url.endsWith('/view/NCIPServlet') ? `NCIP ${/<(\w+)>\s*<InitiationHeader>/.exec(t.requestBody ?? '')?.[1]}` : 'REST'));

  it('creates the temporary item and the hold with one AcceptItem, and finds the hold over REST', async () => {
    const { system, traffic, probe, fixture } = await almaNcipSubject();
    const item = {
      requestId: '9100001',
      barcode: '9100001',
      title: 'The Name of the Rose',
      author: 'Eco, Umberto',
      note: 'ILL request 9100001 from LENDA',
      lendingLibrary: 'LENDA',
      location: fixture.illLocation,
      inLibraryUseOnly: false,
      dueDate: '2025-04-09',
      patronId: fixture.patronId,
      pickupLocation: 'MAIN',
    };
    expect((await system.createTemporaryItem(item)).kind).toBe('done');
    expect(await probe.holds('9100001')).toEqual([{ patronId: fixture.patronId, pickupLocation: 'MAIN' }]);
    const hold = await system.placeHold({
      requestId: '9100001',
      patronId: fixture.patronId,
      itemBarcode: '9100001',
      pickupLocation: 'MAIN',
      inLibraryUseOnly: false,
    });
    expect(hold).toMatchObject({ kind: 'already-done' });
    expect(await probe.holds('9100001')).toHaveLength(1);
    expect(services(traffic)[0]).toBe('NCIP AcceptItem');
    expect(
      services(traffic)
        .slice(1)
        .every((s) => s === 'REST'),
    ).toBe(true);
    // A retried AcceptItem finds the item it made: "Duplicate Request" is already-done.
    expect((await system.createTemporaryItem(item)).kind).toBe('already-done');
    expect(await probe.countItems('9100001')).toBe(1);
  });

  it('checks out and in over NCIP, and changes the due date, charges fees and deletes over REST', async () => {
    const { system, traffic, fixture } = await almaNcipSubject();
    const barcode = fixture.lendableBarcodes[10] as string;
    await system.checkOut({ requestId: '9100002', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.futureDueDate });
    await system.checkIn({ requestId: '9100002', itemBarcode: barcode });
    const ncip = services(traffic);
    expect(ncip).toEqual(['NCIP CheckOutItem', 'NCIP CheckInItem']);
    traffic.length = 0;
    await system.chargeFee({ requestId: '9100002', patronId: fixture.patronId, feeType: fixture.feeType, amount: 2, comment: 'ILL fee for request 9100002' });
    expect(new Set(services(traffic))).toEqual(new Set(['REST']));
  });

  it('names the partner code problem a configuration error ("Unknown partner")', async () => {
    const { context } = almaSim();
    const system = new AlmaNcipAdapter({ ...almaNcipConnection, ncip: { toAgencyId: alma.institutionCode, applicationProfileType: 'NOT_A_PARTNER' } }, context);
    const outcome = await system.lookupPatron({ patronId: alma.patrons.good.primaryId });
    expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringMatching(/partner/i) });
  });

  it('names a wrong To Agency ID a configuration error', async () => {
    const { context } = almaSim();
    const system = new AlmaNcipAdapter({ ...almaNcipConnection, ncip: { toAgencyId: 'OTHER_INST', applicationProfileType: alma.ncipPartnerCode } }, context);
    expect(await system.lookupPatron({ patronId: alma.patrons.good.primaryId })).toMatchObject({ kind: 'configuration-error' });
  });
});
