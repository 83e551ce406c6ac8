import { demo } from '@bookstrap/ils-simulators';
import { expect } from 'vitest';
import type { Harness } from './harness.ts';

/**
 * What circulation staff do at an Alma desk, and what a probe reads, through the Alma API only
 * (the conformance suite's desk and probe, for in-process tests).
 */
export function almaDesk(h: Harness) {
  const item = async (barcode: string) => {
    const found = await h.alma('GET', `/items?item_barcode=${encodeURIComponent(barcode)}`);
    return found.status === 200 ? found.body : undefined;
  };
  const itemPath = (found: any) => `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}`;
  return {
    item,
    async countItems(barcode: string) {
      return (await item(barcode)) ? 1 : 0;
    },
    async holds(barcode: string): Promise<{ patronId: string; status: string; pickup: string }[]> {
      const found = await item(barcode);
      if (!found) return [];
      const list = await h.alma('GET', `${itemPath(found)}/requests`);
      return (list.body.user_request ?? []).map((r: any) => ({ patronId: r.user_primary_id, status: r.request_status, pickup: r.pickup_location_library }));
    },
    async loan(barcode: string): Promise<{ patronId: string; dueDate: string } | null> {
      const found = await item(barcode);
      if (!found) return null;
      const list = await h.alma('GET', `${itemPath(found)}/loans`);
      const loan = list.body.item_loan?.[0];
      return loan ? { patronId: loan.user_id, dueDate: String(loan.due_date).slice(0, 10) } : null;
    },
    /** scan the item in at a library's circulation desk */
    async checkIn(barcode: string, library = 'MAIN') {
      const found = await item(barcode);
      const scanned = await h.alma('POST', `${itemPath(found)}?op=scan&library=${library}&circ_desk=${demo.alma.circDesks[library] ?? 'DEFAULT_CIRC_DESK'}`);
      expect(scanned.status).toBe(200);
      return scanned.body;
    },
    async checkOut(barcode: string, patronId: string, library = 'MAIN') {
      const loan = await h.alma('POST', `/users/${encodeURIComponent(patronId)}/loans?item_barcode=${encodeURIComponent(barcode)}`, {
        circ_desk: { value: demo.alma.circDesks[library] ?? 'DEFAULT_CIRC_DESK' },
        library: { value: library },
      });
      expect(loan.status, JSON.stringify(loan.body)).toBe(200);
      return loan.body;
    },
  };
}

/** The circulation history texts of a request, through the service API. */
export async function historyOf(h: Harness, id: string, key?: string): Promise<string[]> {
  const request = await h.ok(200, 'GET', `/v1/requests/${id}`, key ? { key } : {});
  return request.history.map((entry: { text: string }) => entry.text);
}
