import { almaDesk } from './alma-desk.ts';
import { almaHost, type Harness } from './harness.ts';
import { receivedLoan } from './received.ts';

/** A TULSA loan whose hold expired on the Alma hold shelf, seen by the ILS sync: an ILS finding waiting for staff. */
export async function expiredHoldLoan(h: Harness): Promise<string> {
  const id = await receivedLoan(h);
  await almaDesk(h).checkIn(id, 'MAIN');
  await h.ok(200, 'POST', '/v1/ils-sync');
  await h.sim.app.request(`${almaHost}/_sim/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceDays: 30 }),
  });
  await h.ok(200, 'POST', '/v1/ils-sync');
  return id;
}
