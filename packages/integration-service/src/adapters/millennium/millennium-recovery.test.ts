import type { Connection } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { profiles } from '@bookstrap/ncip';
import { describe, expect, it } from 'vitest';
import type { ContractSubject } from '../contract.ts';
import { NcipAdapter, ncipOptionsOf } from '../ncip/ncip.ts';
import { basicPreflight } from '../preflight.ts';
import { expectPatronLoansFindOnlyIllItems } from '../recovery-contract.ts';
import { innovativeNcipServices } from '../sierra/sierra-ncip.ts';
import { simulatedIls } from '../testing.ts';

/**
 * NCIP only (Millennium, Innovative's responder): recovery through LookupUser's LoanedItems and
 * LookupItem's RequestId (NCIP carries no item note); the connection check through a LookupUser.
 */
const millennium = demo.millennium;
const connection: Connection = {
  ils: 'millennium',
  protocol: 'ncip',
  ncipUrl: `http://millennium.sim.test${millennium.ncipPath}`,
  ncip: { toAgencyId: millennium.ncipAgencyId, fromAgencyId: 'TULSA' },
  credentials: {},
};

function subject(services = innovativeNcipServices, toAgencyId = millennium.ncipAgencyId) {
  const simulated = simulatedIls('millennium');
  const system = new NcipAdapter(ncipOptionsOf({ ...connection, ncip: { ...connection.ncip!, toAgencyId } }, profiles.millennium, services), simulated.context);
  const fixture = {
    patronId: millennium.patrons.good.barcode,
    unknownPatronId: '23999999999999',
    lendableBarcodes: millennium.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode),
    pickupLocation: 'main',
    illLocation: millennium.illLocation,
  };
  return { ...simulated, system, fixture } as unknown as ContractSubject & typeof simulated;
}

describe('Millennium over NCIP: strap recovery and the connection check', () => {
  it("lists the patron's loans the responder knows as accepted for an ILL request, never their other books", async () => {
    await expectPatronLoansFindOnlyIllItems(subject());
  });

  it('declares recovery impossible on a responder without LookupItem, rather than guessing from the loans', async () => {
    const { system } = subject(innovativeNcipServices.filter((service) => service !== 'LookupItem'));
    expect(await system.patronLoans!({ patronId: millennium.patrons.good.barcode })).toMatchObject({
      kind: 'configuration-error',
      reason: expect.stringContaining('does not offer LookupItem'),
    });
  });

  it('checks the connection with a LookupUser: the right agency passes, a wrong one fails in the responder’s words', async () => {
    const good = await basicPreflight(subject().system, { testPatronId: millennium.patrons.good.barcode, pickupLocations: ['main'], illLocations: ['ill'] });
    expect(good.map((check) => [check.name, check.status])).toEqual([
      ['authenticate', 'passed'],
      ['test-patron', 'passed'],
      ['test-item', 'skipped'],
      ['pickup-locations', 'skipped'],
      ['ill-location', 'skipped'],
    ]);
    const wrong = await basicPreflight(subject(innovativeNcipServices, 'NOT-AN-AGENCY').system, { pickupLocations: [], illLocations: [] });
    expect(wrong[0]).toMatchObject({ name: 'authenticate', status: 'failed' });
  });
});
