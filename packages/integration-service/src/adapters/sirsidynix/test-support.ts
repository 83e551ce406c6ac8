/** Test helpers: a simulated Symphony or Horizon in-process, a recording adapter context, a Web Services probe. */
import type { Connection } from '@bookstrap/core';
import { demo, type Simulator } from '@bookstrap/ils-simulators';
import type { ContractFixture, ContractProbe, ContractSubject } from '../contract.ts';
import { type Recorded, type SimulatedIls, simulatedIls, testNow } from '../testing.ts';
import type { AdapterContext } from '../types.ts';

export type Product = 'symphony' | 'horizon';

export const hostOf = (product: Product) => `http://${product}.sim.test`;

export function sirsiSim(product: Product): SimulatedIls {
  return simulatedIls(product);
}

/** A library working in MAIN over Web Services with the demo client id and staff login. */
export function wsConnection(product: Product, extra: Partial<Connection> = {}): Connection {
  const d = demo[product];
  return {
    ils: product,
    protocol: 'rest',
    baseUrl: `${hostOf(product)}${d.basePath}`,
    credentials: { clientId: d.clientId, username: d.staff.login, password: d.staff.password },
    library: 'MAIN',
    ...extra,
  };
}

/** The default set-up: NCIP 1.0 to the product's responder, Web Services for what NCIP lacks. */
export function ncipConnection(product: Product): Connection {
  const d = demo[product];
  return {
    ...wsConnection(product),
    protocol: 'ncip',
    ncipUrl: `${hostOf(product)}${d.ncip.path}`,
    ncip: { toAgencyId: d.ncip.agencyId, fromAgencyId: 'TULSA' },
  };
}

/**
 * Reads ILS state through the product's own Web Services with a staff session — never the
 * simulator's database — as the conformance probe does.
 */
export function wsProbe(sim: Simulator, product: Product) {
  const d = demo[product];
  const base = `${hostOf(product)}${d.basePath}`;
  const headers = { 'x-sirs-clientID': d.clientId, 'User-Agent': 'bookstrap-probe', Accept: 'application/json', 'Content-Type': 'application/json' };
  let token: string | undefined;
  const session = async () => {
    if (!token) {
      const login = await sim.app.request(`${base}/user/staff/login`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ login: d.staff.login, password: d.staff.password }),
      });
      token = ((await login.json()) as { sessionToken: string }).sessionToken;
    }
    return { ...headers, 'x-sirs-sessionToken': token };
  };
  // biome-ignore lint/suspicious/noExplicitAny: Web Services bodies are read field by field
  const ws = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<{ status: number; body: any }> => {
    const response = await sim.app.request(`${base}${path}`, {
      method,
      headers: { ...(await session()), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const fields =
    'barcode,homeLocation,currentLocation,customInformation{itemExtendedInformation,data},holdRecordList{status,patron{barcode},pickupLibrary},circRecord{dueDate,patron{barcode}}';
  const item = async (barcode: string) => {
    const found = await ws('GET', `/catalog/item/barcode/${encodeURIComponent(barcode)}?includeFields=${fields}`);
    return found.status === 200 ? found.body.fields : undefined;
  };
  const probe: ContractProbe = {
    countItems: async (barcode) => ((await item(barcode)) ? 1 : 0),
    itemNotes: async (barcode) => {
      const found = await item(barcode);
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return found ? found.customInformation.map((note: any) => note.fields.data).join(' | ') : undefined;
    },
    itemLocation: async (barcode) => (await item(barcode))?.homeLocation.key,
    holds: async (barcode) => {
      const found = await item(barcode);
      return (
        (found?.holdRecordList ?? [])
          // biome-ignore lint/suspicious/noExplicitAny: see above
          .filter((hold: any) => ['PLACED', 'BEING_HELD', 'TRANSIT'].includes(hold.fields.status))
          // biome-ignore lint/suspicious/noExplicitAny: see above
          .map((hold: any) => ({ patronId: hold.fields.patron.fields.barcode, pickupLocation: hold.fields.pickupLibrary.key }))
      );
    },
    loan: async (barcode) => {
      const circ = (await item(barcode))?.circRecord;
      return circ ? { patronId: circ.fields.patron.fields.barcode, dueDate: String(circ.fields.dueDate).slice(0, 10) } : null;
    },
    fees: async (patronId) => {
      const patron = await ws('GET', `/user/patron/barcode/${encodeURIComponent(patronId)}?includeFields=blockList{block,amount,comment}`);
      return (
        (patron.body.fields?.blockList ?? [])
          // biome-ignore lint/suspicious/noExplicitAny: see above
          .filter((block: any) => Number(block.fields.amount.amount) > 0)
          // biome-ignore lint/suspicious/noExplicitAny: see above
          .map((block: any) => ({ amount: Number(block.fields.amount.amount), feeType: block.fields.block.key, comment: block.fields.comment }))
      );
    },
    temporaryLocation: async (barcode) => {
      const found = await item(barcode);
      const current = found?.currentLocation.key;
      return found && current !== found.homeLocation.key && !['CHECKEDOUT', 'INTRANSIT', 'HOLDS'].includes(current) ? current : undefined;
    },
  };
  const faults = async (body: unknown) => {
    await sim.app.request(`${hostOf(product)}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  const deskCheckIn = async (barcode: string) => {
    await ws('POST', '/circulation/circRecord/checkIn', { itemBarcode: barcode }, { 'SD-Working-LibraryID': 'MAIN' });
  };
  return { probe, ws, faults, deskCheckIn };
}

export function contractFixture(product: Product): ContractFixture {
  const d = demo[product];
  return {
    patronId: d.patrons.good.barcode,
    unknownPatronId: `${d.patrons.good.barcode.slice(0, 2)}999999999999`,
    blockedPatronId: d.patrons.blocked.barcode,
    expiredPatronId: d.patrons.expired.barcode,
    accountId: d.institutionalPatrons.PARTNR.barcode,
    lendableBarcodes: d.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode),
    pickupLocation: 'MAIN',
    illLocation: d.illLocation,
    temporaryLocation: d.illLocation,
    feeType: 'ILLFEE',
    today: '2025-03-12',
    futureDueDate: '2025-04-16',
    laterDueDate: '2025-04-30',
    itemPolicy: d.itemTypes.interlibraryLoan,
  };
}

export function contractSubject(
  product: Product,
  system: (context: AdapterContext) => ContractSubject['system'],
): ContractSubject & { traffic: Recorded[]; sim: Simulator } {
  const { sim, context, traffic } = sirsiSim(product);
  const ws = wsProbe(sim, product);
  return {
    sim,
    traffic,
    system: system(context),
    probe: ws.probe,
    fixture: contractFixture(product),
    ilsDown: () => ws.faults({ down: true }),
    ilsUp: () => ws.faults({}),
    deskCheckIn: ws.deskCheckIn,
  };
}

export { type Recorded, testNow };
