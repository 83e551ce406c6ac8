import { demo } from '@bookstrap/ils-simulators';
import type { Harness } from './harness.ts';

/**
 * A TULSA loan for the good Alma patron, sent, shipped by LENDA (due 2025-04-30) and received,
 * with its ILS steps run: a temporary item and a hold that are the request's own.
 */
export async function receivedLoan(h: Harness, title = 'Dracula'): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title, patronId: demo.alma.patrons.good.primaryId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  await h.drain();
  await h.ok(200, 'POST', `/v1/requests/${id}/send`);
  await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
  await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
  await h.drain();
  return id as string;
}
