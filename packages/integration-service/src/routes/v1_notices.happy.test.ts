import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { historyOf } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';
import { receivedWithNotice } from '../testutil/notices.ts';

describe('GET /v1/notices, POST /v1/notices/{id}/sent (happy)', () => {
  it('queues the pickup notice on receive, makes it due after the delay, and records when it is sent', async () => {
    const h = await useHarness();
    const id = await receivedWithNotice(h);
    const patron = demo.alma.patrons.good.primaryId;

    expect((await h.ok(200, 'GET', '/v1/notices')).notices).toEqual([]);
    const [scheduled] = (await h.ok(200, 'GET', '/v1/notices?state=scheduled')).notices;
    expect(scheduled).toMatchObject({
      requestId: id,
      kind: 'loan-available-for-pickup',
      patronId: patron,
      text: expect.stringContaining('"Dracula" is available for pickup at MAIN'),
    });

    h.clock.advance(61 * 60_000);
    const due = (await h.ok(200, 'GET', '/v1/notices?state=due')).notices;
    expect(due.map((n: { id: number }) => n.id)).toEqual([scheduled.id]);

    const sent = await h.ok(200, 'POST', `/v1/notices/${scheduled.id}/sent`);
    expect(sent.sentAt).toBeDefined();
    expect((await h.ok(200, 'GET', '/v1/notices')).notices).toEqual([]);
    expect((await h.ok(200, 'GET', '/v1/notices?state=sent')).notices).toHaveLength(1);
    const history = await historyOf(h, id);
    expect(history).toContain(`Loan available for pickup notice to patron ${patron} queued, due ${scheduled.dueAt}.`);
    expect(history).toContain(`Loan available for pickup notice sent to patron ${patron}.`);
  });

  it('queues nothing when the ILS sends the pickup notice (the default)', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: demo.alma.patrons.good.primaryId, lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    h.clock.advance(7 * 86_400_000);
    expect((await h.ok(200, 'GET', '/v1/notices')).notices).toEqual([]);
  });
});
