/** Test helpers: the simulated Sierra in-process, an adapter context keeping the traffic, a Sierra REST probe. */
import type { CirculationSystem, Connection } from '@bookstrap/core';
import { demo, type Simulator } from '@bookstrap/ils-simulators';
import type { ContractProbe, ContractSubject } from '../contract.ts';
import type { AdapterContext } from '../types.ts';
import { type Recorded, type SimulatedIls, simulatedIls, testNow } from '../testing.ts';

export const host = 'http://sierra.sim.test';
export const sierra = demo.sierra;

export function sierraSim(): SimulatedIls {
  return simulatedIls('sierra');
}

export const sierraRestConnection: Connection = {
  ils: 'sierra',
  protocol: 'rest',
  baseUrl: `${host}/iii/sierra-api/v6`,
  credentials: { clientKey: sierra.clientKey, clientSecret: sierra.clientSecret },
};

/** Reads ILS state through Sierra's REST API only (its own token), as the conformance probe does. */
export function sierraRestProbe(sim: Simulator) {
  let token: string | undefined;
  const authorize = async () => {
    const response = await sim.app.request(`${host}/iii/sierra-api/v6/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sierra.clientKey}:${sierra.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = ((await response.json()) as { access_token: string }).access_token;
    return token;
  };
  // biome-ignore lint/suspicious/noExplicitAny: Sierra bodies are asserted field by field
  const call = async (method: string, path: string, json?: unknown): Promise<{ status: number; body: any }> => {
    const send = async () =>
      sim.app.request(`${host}/iii/sierra-api/v6${path}`, {
        method,
        headers: { authorization: `Bearer ${token ?? (await authorize())}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    let response = await send();
    if (response.status === 401) {
      // Tokens live an hour of the simulator's clock, which tests move: ask again, as any client does.
      token = undefined;
      response = await send();
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const get = (path: string) => call('GET', path);
  const last = (link: string) => String(link).split('/').pop() ?? '';
  const item = async (barcode: string) => {
    const found = await get(`/items?barcode=${encodeURIComponent(barcode)}&fields=id,bibIds,location,status,varFields,holdCount`);
    return found.body?.entries?.[0];
  };
  const barcodeOf = async (patronLink: string) => (await get(`/patrons/${last(patronLink)}?fields=barcodes`)).body.barcodes?.[0];
  const knownHome = new Map(
    [...sierra.lendableItems, sierra.referenceItem, sierra.libraryUseOnlyItem, sierra.checkedOutItem].map((i) => [i.barcode, i.location]),
  );

  const probe: ContractProbe = {
    countItems: async (barcode) => (await get(`/items?barcode=${encodeURIComponent(barcode)}`)).body.total,
    itemNotes: async (barcode) => {
      const found = await item(barcode);
      if (!found) return undefined;
      return (found.varFields ?? [])
        .filter((f: { fieldTag: string }) => f.fieldTag === 'x' || f.fieldTag === 'm')
        .map((f: { content: string }) => f.content)
        .join(' | ');
    },
    itemLocation: async (barcode) => (await item(barcode))?.location.code,
    holds: async (barcode) => {
      const found = await item(barcode);
      if (!found) return [];
      const all = await get('/patrons/holds?limit=2000');
      const mine = all.body.entries.filter((h: { record: string }) => last(h.record) === found.id);
      return Promise.all(
        mine.map(async (h: { patron: string; pickupLocation: { code: string } }) => ({
          patronId: await barcodeOf(h.patron),
          pickupLocation: h.pickupLocation.code,
        })),
      );
    },
    loan: async (barcode) => {
      const found = await item(barcode);
      if (!found) return null;
      const loan = (await get(`/items/${found.id}/checkouts`)).body.entries?.[0];
      return loan ? { patronId: await barcodeOf(loan.patron), dueDate: String(loan.dueDate).slice(0, 10) } : null;
    },
    fees: async (patronBarcode) => {
      const patron = await get(`/patrons/find?varFieldTag=b&varFieldContent=${encodeURIComponent(patronBarcode)}`);
      const fines = await get(`/patrons/${patron.body.id}/fines`);
      return fines.body.entries.map((f: { itemCharge: number; chargeType: { code: string }; description: string }) => ({
        amount: f.itemCharge,
        feeType: f.chargeType.code,
        comment: f.description,
      }));
    },
    // Sierra shows one location: a lent item is "in a temporary location" when it is not where the seed shelves it.
    temporaryLocation: async (barcode) => {
      const found = await item(barcode);
      const home = knownHome.get(barcode);
      return found && home !== undefined && found.location.code !== home ? found.location.code : undefined;
    },
  };

  const faults = async (body: unknown) => {
    await sim.app.request(`${host}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  /** Circulation staff check an item in (Sierra REST, the key's statistics group). */
  const deskCheckIn = async (barcode: string) => {
    await call('DELETE', `/items/checkouts/${encodeURIComponent(barcode)}`);
  };
  return { probe, faults, deskCheckIn, get, call };
}

export { type Recorded, testNow };

/** The contract subject for a Sierra adapter (REST or NCIP): a fresh simulated Sierra, read over REST. */
export function sierraContractSubject(
  system: (context: AdapterContext) => CirculationSystem,
): ContractSubject & SimulatedIls & { rest: ReturnType<typeof sierraRestProbe> } {
  const simulated = sierraSim();
  const rest = sierraRestProbe(simulated.sim);
  return {
    ...simulated,
    rest,
    system: system(simulated.context),
    probe: rest.probe,
    fixture: {
      patronId: sierra.patrons.good.barcode,
      unknownPatronId: '22999999999999',
      blockedPatronId: sierra.patrons.blocked.barcode,
      expiredPatronId: sierra.patrons.expired.barcode,
      accountId: sierra.institutionalPatrons.PARTNR.barcode,
      lendableBarcodes: sierra.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode),
      pickupLocation: 'main',
      illLocation: sierra.illLocation,
      temporaryLocation: sierra.lendingTemporaryLocation,
      feeType: sierra.manualChargeType,
      today: '2025-03-12',
      futureDueDate: '2025-04-16',
      laterDueDate: '2025-04-30',
      itemPolicy: String(sierra.itemTypes.ILL),
    },
    ilsDown: () => rest.faults({ down: true }),
    ilsUp: () => rest.faults({}),
    deskCheckIn: rest.deskCheckIn,
  };
}
