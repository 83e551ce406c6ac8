import type { CirculationSystem } from '@bookstrap/core';
import { demo, type Simulator } from '@bookstrap/ils-simulators';
import type { ContractFixture, ContractProbe, ContractSubject } from '../contract.ts';
import { type SimulatedIls, simulatedIls } from '../testing.ts';
import type { AdapterContext } from '../types.ts';

/** The simulated Alma, reached in-process behind a made-up host (tests of the Alma adapters). */
export const host = 'http://alma.sim.test';
export const alma = demo.alma;

/** Reads ILS state through Alma's REST API only, as the conformance probe does. */
export function almaRestProbe(sim: Simulator) {
  const headers = { authorization: `apikey ${alma.apiKey}`, accept: 'application/json' };
  // biome-ignore lint/suspicious/noExplicitAny: Alma bodies are asserted field by field
  const get = async (path: string): Promise<{ status: number; body: any }> => {
    let response = await sim.app.request(`${host}/almaws/v1${path}`, { headers });
    if (response.status === 302) response = await sim.app.request(response.headers.get('location') ?? '', { headers });
    return { status: response.status, body: await response.json() };
  };
  const item = async (barcode: string) => {
    const found = await get(`/items?item_barcode=${encodeURIComponent(barcode)}`);
    return found.status === 200 ? found.body : undefined;
  };
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const itemPath = (found: any) => `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}`;
  const probe: ContractProbe = {
    countItems: async (barcode) => ((await item(barcode)) ? 1 : 0),
    itemNotes: async (barcode) => {
      const found = await item(barcode);
      if (!found) return undefined;
      const d = found.item_data;
      return [d.public_note, d.fulfillment_note, d.internal_note_1, d.internal_note_2, d.internal_note_3].filter(Boolean).join(' | ');
    },
    itemLocation: async (barcode) => (await item(barcode))?.item_data.location.value,
    holds: async (barcode) => {
      const found = await item(barcode);
      if (!found) return [];
      const list = await get(`${itemPath(found)}/requests`);
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (list.body.user_request ?? []).map((r: any) => ({ patronId: r.user_primary_id, pickupLocation: r.pickup_location_library }));
    },
    loan: async (barcode) => {
      const found = await item(barcode);
      if (!found) return null;
      const list = await get(`${itemPath(found)}/loans`);
      const loan = list.body.item_loan?.[0];
      return loan ? { patronId: loan.user_id, dueDate: String(loan.due_date).slice(0, 10) } : null;
    },
    fees: async (patronId) => {
      const list = await get(`/users/${encodeURIComponent(patronId)}/fees?status=ACTIVE`);
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (list.body.fee ?? []).map((f: any) => ({ amount: Number(f.original_amount), feeType: f.type.value, comment: f.comment }));
    },
    temporaryLocation: async (barcode) => {
      const found = await item(barcode);
      return found?.holding_data.in_temp_location ? found.holding_data.temp_location.value : undefined;
    },
  };
  const deskCheckIn = async (barcode: string) => {
    const found = await item(barcode);
    await sim.app.request(`${host}/almaws/v1${itemPath(found)}?op=scan&library=MAIN&circ_desk=DEFAULT_CIRC_DESK`, { method: 'POST', headers });
  };
  const faults = async (body: unknown) => {
    await sim.app.request(`${host}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  return { probe, item, get, deskCheckIn, faults };
}

/** Who and what the contract suite uses in the simulated Alma (the seed's cast, MAIN library). */
export const almaContractFixture: ContractFixture = {
  patronId: alma.patrons.good.primaryId,
  unknownPatronId: 'no.such.patron',
  blockedPatronId: alma.patrons.blocked.primaryId,
  expiredPatronId: alma.patrons.expired.primaryId,
  accountId: alma.institutionalPatrons.PARTNR.primaryId,
  lendableBarcodes: alma.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode),
  pickupLocation: 'MAIN',
  illLocation: alma.illLocation,
  temporaryLocation: alma.illLocation,
  feeType: alma.feeTypes.illFee,
  today: '2025-03-12',
  futureDueDate: '2025-04-16',
  laterDueDate: '2025-04-30',
  itemPolicy: alma.itemPolicies.interlibraryLoan,
};

/** The contract subject for an Alma adapter (REST or NCIP): a fresh simulated Alma, read over REST. */
export function almaContractSubject(system: (context: AdapterContext) => CirculationSystem): ContractSubject & SimulatedIls {
  const simulated = simulatedIls('alma', { perSecond: 100_000 });
  const rest = almaRestProbe(simulated.sim);
  return {
    ...simulated,
    system: system(simulated.context),
    probe: rest.probe,
    fixture: almaContractFixture,
    ilsDown: () => rest.faults({ down: true }),
    ilsUp: () => rest.faults({}),
    deskCheckIn: rest.deskCheckIn,
  };
}
