import { demo } from '@bookstrap/ils-simulators';
import { expect, it } from 'vitest';
import { useHarness } from './testutil/harness.ts';

it('smoke', async () => {
  const h = await useHarness();
  const good = demo.alma.patrons.good.primaryId;
  const created = await h.request('POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', author: 'Stoker, Bram', patronId: good, pickupLocation: 'MAIN', lenders: ['LENDA'] } });
  console.log(created.status, JSON.stringify(created.body, null, 1).slice(0, 3000));
  await h.drain();
  const id = created.body.id;
  for (const [action, body] of [['send', undefined], ['supplier-shipped', { lenderDueDate: '2025-04-30' }], ['receive', undefined]] as const) {
    const r = await h.request('POST', `/v1/requests/${id}/${action}`, body ? { body } : {});
    console.log(action, r.status, r.body.status ?? JSON.stringify(r.body));
  }
  await h.drain();
  const got = await h.request('GET', `/v1/requests/${id}`);
  console.log(JSON.stringify(got.body.history.map((e: any) => e.text), null, 1), JSON.stringify(got.body.steps, null, 1));
  const log = await h.request('GET', `/v1/requests/${id}/protocol-log`);
  console.log(JSON.stringify(log.body.exchanges.slice(0, 3), null, 1));
  expect(got.status).toBe(200);
});
