/** Test helpers: the simulated WMS in-process, an adapter context that keeps the traffic, a WMS desk probe. */
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

/**
 * Reads ILS state as WMS staff see it, through the simulator's desk (`/_sim/desk`, control plane:
 * OCLC has no API for item details, holds or bills), as the conformance probe does. Never what the
 * adapter under test uses.
 */
export function wmsCirculationProbe(sim: Simulator) {
  // biome-ignore lint/suspicious/noExplicitAny: WMS bodies are asserted field by field
  const desk = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await sim.app.request(`${host}/_sim/desk${path}`, {
      method,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  };
  const item = async (barcode: string) => {
    const found = await desk('GET', `/items/${encodeURIComponent(barcode)}`);
    return found.status === 200 ? found.body : undefined;
  };
  const probe: ContractProbe = {
    countItems: async (barcode) => ((await item(barcode)) ? 1 : 0),
    itemNotes: async (barcode) => (await item(barcode))?.notes.join(' | '),
    itemLocation: async (barcode) => (await item(barcode))?.holdingLocation,
    holds: async (barcode) => {
      const list = await desk('GET', `/items/${encodeURIComponent(barcode)}/holds`);
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
      const list = await desk('GET', `/patrons/${encodeURIComponent(patronId)}/fines`);
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
    const routed = await desk('POST', '/check-in', { itemBarcode: barcode, branchId: mainBranch });
    if (routed.status !== 200) throw new Error(`desk check-in of ${barcode}: ${routed.status} ${JSON.stringify(routed.body)}`);
  };
  return { probe, desk, item, faults, deskCheckIn };
}

export { type Recorded, testNow };
