import { demo } from '@bookstrap/ils-simulators';
import type { Harness } from './harness.ts';

/** A TULSA loan received with Bookstrap sending the pickup notice an hour later. */
export async function receivedWithNotice(h: Harness): Promise<string> {
  await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
    key: h.adminKey,
    body: { settings: { borrowing: { pickupNoticeFrom: 'bookstrap', pickupNoticeDelayMinutes: 60 } } },
  });
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'Dracula', patronId: demo.alma.patrons.good.primaryId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
  return id;
}
