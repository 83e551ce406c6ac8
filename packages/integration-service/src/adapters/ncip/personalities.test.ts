import type { Connection } from '@bookstrap/core';
import type { Personality } from '@bookstrap/ils-simulators/control/personality';
import { createNcipResponder } from '@bookstrap/ils-simulators/ncip/index';
import { profiles } from '@bookstrap/ncip';
import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../types.ts';
import { NcipAdapter, ncipOptionsOf } from './ncip.ts';
import { alma, almaNcipConnection, almaRestProbe, almaSim, host } from './test-support.ts';

/**
 * The generic NCIP adapter against each responder personality the simulators offer
 * (ils-simulators src/control/personality.ts): the edge cases where real responders disagree
 * must each end in an outcome that is true to what the ILS did, and never overwrite or lose a record.
 */
const url = `${host}/ncip-personality`;
const taken = alma.lendableItems.find((item) => item.library === 'MAIN')?.barcode as string;

function ilsWith(personality: Partial<Personality>) {
  const { sim, context: simContext } = almaSim();
  sim.personality.update(personality);
  const responder = createNcipResponder({
    profile: profiles.sierra,
    runtime: { engine: sim.engine, personality: sim.personality },
    config: {
      agencyIds: ['GENERIC'],
      temporaryItems: { library: 'MAIN', location: alma.illLocation, policy: alma.itemPolicies.interlibraryLoan },
      circulation: { library: 'MAIN', desk: 'DEFAULT_CIRC_DESK' },
    },
  });
  const context: AdapterContext = { ...simContext, fetch: (input, init) => (input !== url ? simContext.fetch(input, init) : responder.app.request('/', init)) };
  const connection: Connection = { ils: 'sierra', protocol: 'ncip', ncipUrl: url, ncip: { toAgencyId: 'GENERIC', fromAgencyId: 'TULSA' }, credentials: {} };
  return { system: new NcipAdapter(ncipOptionsOf(connection, profiles.sierra), context), rest: almaRestProbe(sim) };
}

const temporaryItem = (requestId: string) => ({
  requestId,
  barcode: taken,
  title: 'A taken barcode',
  note: `ILL request ${requestId} from LENDA`,
  lendingLibrary: 'LENDA',
  location: 'ILL',
  inLibraryUseOnly: false,
  patronId: alma.patrons.good.primaryId,
  pickupLocation: 'MAIN',
});

describe('NCIP adapter against responder personalities', () => {
  it('duplicate-item: needs staff, with a free barcode suggested; the existing item is untouched', async () => {
    const { system, rest } = ilsWith({ duplicateBarcode: 'duplicate-item' });
    const notesBefore = await rest.probe.itemNotes(taken);
    const outcome = await system.createTemporaryItem(temporaryItem('9300001'));
    expect(outcome).toMatchObject({ kind: 'needs-staff', suggestion: expect.stringContaining(`${taken}-1`) });
    expect(await rest.probe.itemNotes(taken)).toEqual(notesBefore);
    expect(await rest.probe.countItems(`${taken}-1`)).toBe(0);
  });

  it('new-barcode: done, and the step records the barcode the ILS really gave (later steps act on that one)', async () => {
    const { system, rest } = ilsWith({ duplicateBarcode: 'new-barcode' });
    const outcome = await system.createTemporaryItem(temporaryItem('9300002'));
    expect(outcome).toMatchObject({ kind: 'done', value: { itemId: `${taken}-1` }, reference: `${taken}-1` });
    expect(await rest.probe.holds(`${taken}-1`)).toEqual([{ patronId: alma.patrons.good.primaryId, pickupLocation: 'MAIN' }]);
    expect(await rest.probe.holds(taken)).toEqual([]);
  });

  it('rollback: needs staff (never retried forever), nothing created', async () => {
    const { system, rest } = ilsWith({ duplicateBarcode: 'rollback' });
    const outcome = await system.createTemporaryItem(temporaryItem('9300003'));
    expect(outcome.kind).toBe('needs-staff');
    expect(await rest.probe.countItems(`${taken}-1`)).toBe(0);
    expect(await rest.probe.holds(taken)).toEqual([]);
  });

  it.each(['problem', 'success'] as const)('check-in of an item not on loan (%s): already done or done, the item unchanged', async (checkInNotOnLoan) => {
    const { system, rest } = ilsWith({ checkInNotOnLoan });
    const locationBefore = await rest.probe.itemLocation(taken);
    const outcome = await system.checkIn({ requestId: '9300004', itemBarcode: taken });
    expect(['done', 'already-done']).toContain(outcome.kind);
    expect(await rest.probe.itemLocation(taken)).toBe(locationBefore);
    expect(await rest.probe.loan(taken)).toBeNull();
  });
});

describe("the responders' own words for a Problem (personality problemWording), classified per vendor", () => {
  const blocked = alma.patrons.blocked.primaryId;
  const lendable = alma.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode);

  it.each(['vendor', 'niso', 'folio'] as const)(
    '%s: a check-out to a blocked patron needs staff (never retried), and nothing is lent',
    async (problemWording) => {
      const { system, rest } = ilsWith({ problemWording });
      const barcode = lendable[1] as string;
      const outcome = await system.checkOut({ requestId: '9300010', itemBarcode: barcode, patronId: blocked, dueDate: '2025-04-16' });
      expect(outcome.kind).toBe('needs-staff');
      // The ILS's words reach staff: FOLIO's own phrase, or NISO's.
      expect(outcome).toMatchObject({ reason: expect.stringMatching(problemWording === 'folio' ? /Problem performing checkout/ : /blocked/i) });
      expect(await rest.probe.loan(barcode)).toBeNull();
    },
  );

  it.each(['vendor', 'niso', 'folio'] as const)('%s: an unknown barcode at check-out needs staff, not a retry', async (problemWording) => {
    const { system } = ilsWith({ problemWording });
    const outcome = await system.checkOut({ requestId: '9300011', itemBarcode: 'NO-SUCH-ITEM', patronId: alma.patrons.good.primaryId, dueDate: '2025-04-16' });
    expect(outcome.kind).toBe('needs-staff');
  });

  it('Alma: a service its responder does not offer is "Service is not known", a configuration error (turn the step off), nothing deleted', async () => {
    const { sim, context } = almaSim();
    const rest = almaRestProbe(sim);
    // An adapter configured as if Alma's NCIP had DeleteItem (and the LookupItem the delete reads the
    // item's requesters with first): Alma's own words must still stop it cleanly.
    const system = new NcipAdapter(ncipOptionsOf(almaNcipConnection, profiles.alma, ['LookupUser', 'LookupItem', 'AcceptItem', 'DeleteItem']), context);
    const barcode = lendable[2] as string;
    const outcome = await system.deleteTemporaryItem({ requestId: '9300012', itemBarcode: barcode });
    expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('does not offer this NCIP service') });
    expect(await rest.probe.countItems(barcode)).toBe(1);
  });
});
