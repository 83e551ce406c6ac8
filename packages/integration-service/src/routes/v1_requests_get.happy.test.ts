import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/{id} (happy)', () => {
  it('shows the request with its circulation history and per-step state', async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good.primaryId;
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', patronId: patron } });
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request).toMatchObject({
      id,
      status: 'new-for-review',
      patronExpiry: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      steps: [{ key: `${id}:lookup-patron:${patron}`, state: 'succeeded', attempts: 1, lastOutcome: { kind: 'done' }, retryable: false }],
      history: [
        { kind: 'created', text: `Borrowing loan request created for patron ${patron}: "Dracula".` },
        { kind: 'pending', stepKey: `${id}:lookup-patron:${patron}` },
        {
          kind: 'outcome',
          outcome: 'done',
          text: expect.stringMatching(new RegExp(`^Patron ${patron} verified in the circulation system: .+, active, expires `)),
        },
      ],
    });
  });
});
