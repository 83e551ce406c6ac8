/** Test helpers: the simulated WMS in-process, an adapter context that keeps the traffic, a WMS circulation probe. */
import type { Connection } from '@bookstrap/core';
import { demo, type Simulator } from '@bookstrap/ils-simulators';
import type { ContractProbe } from '../contract.ts';
import { type Recorded, type SimulatedIls, simulatedIls, testNow } from '../testing.ts';

export const host = 'http://wms.sim.test';
export const wms = demo.wms;
export const mainBranch = wms.branches.find((b) => b.code === 'MAIN')?.branchId as string;

export function wmsSim(): SimulatedIls {
  return simulatedIls('wms');
}

/** A WMS library's connection: NCIP + SCIM + token service, all on the simulator's origin. */
export function wmsConnection(overrides: Partial<Connection['credentials']> = {}): Connection {
  return {
    ils: 'wms',
    protocol: 'ncip',
    baseUrl: host,
    ncipUrl: `${host}/ncip`,
    credentials: { clientKey: wms.wskey, clientSecret: wms.secret, ...overrides },
    ncip: { toAgencyId: wms.institutionId, fromAgencyId: wms.institutionId },
    institutionCode: wms.institutionId,
  };
}

/** Reads ILS state through the WMS circulation API only, as the conformance probe does. */
export function wmsCirculationProbe(sim: Simulator) {
  let token: string | undefined;
  const bearer = async () => {
    if (token) return token;
    const basic = Buffer.from(`${wms.wskey}:${wms.secret}`).toString('base64');
    const response = await sim.app.request(`${host}/token?grant_type=client_credentials&scope=WMS_CIRCULATION`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
    });
    token = ((await response.json()) as { access_token: string }).access_token;
    return token;
  };
  // biome-ignore lint/suspicious/noExplicitAny: WMS bodies are asserted field by field
  const circ = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await sim.app.request(`${host}/circ${path}`, {
      method,
      headers: { authorization: `Bearer ${await bearer()}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  };
  const item = async (barcode: string) => {
    const found = await circ('GET', `/items/${encodeURIComponent(barcode)}`);
    return found.status === 200 ? found.body : undefined;
  };
  const probe: ContractProbe = {
    countItems: async (barcode) => ((await item(barcode)) ? 1 : 0),
    itemNotes: async (barcode) => (await item(barcode))?.notes.join(' | '),
    itemLocation: async (barcode) => (await item(barcode))?.holdingLocation,
    holds: async (barcode) => {
      const list = await circ('GET', `/items/${encodeURIComponent(barcode)}/holds`);
      return (list.body.entries ?? []).map((h: { patronBarcode: string; pickupBranch: { branchId: string } }) => ({
        patronId: h.patronBarcode,
        pickupLocation: h.pickupBranch.branchId,
      }));
    },
    loan: async (barcode) => {
      const found = await item(barcode);
      return found?.currentLoan ? { patronId: found.currentLoan.patronBarcode, dueDate: String(found.currentLoan.dueDate).slice(0, 10) } : null;
    },
    fees: async (patronId) => {
      const list = await circ('GET', `/patrons/${encodeURIComponent(patronId)}/fines`);
      return (list.body.entries ?? [])
        .filter((f: { status: string }) => f.status === 'OUTSTANDING')
        .map((f: { amount: { value: number }; type: string; note: string }) => ({ amount: f.amount.value, feeType: f.type, comment: f.note }));
    },
    temporaryLocation: async (barcode) => (await item(barcode))?.temporaryLocation?.holdingLocation ?? undefined,
  };
  const faults = async (body: unknown) => {
    await sim.app.request(`${host}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  const deskCheckIn = async (barcode: string) => {
    const routed = await circ('POST', '/items/route', { itemBarcode: barcode, branchId: mainBranch });
    if (routed.status !== 200) throw new Error(`desk check-in of ${barcode}: ${routed.status} ${JSON.stringify(routed.body)}`);
  };
  return { probe, circ, item, faults, deskCheckIn };
}

export { type Recorded, testNow };
