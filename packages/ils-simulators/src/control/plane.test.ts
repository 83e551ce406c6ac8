import { describe, expect, it } from 'vitest';
import { almaSimulator, demo, type LooseBody } from '../vendors/alma/test-support.ts';

const good = demo.patrons.good;
const userPath = `/users/${good.primaryId}`;

async function body(response: Response) {
  return (await response.json()) as LooseBody;
}

describe('control plane', () => {
  it('reports health without vendor auth', async () => {
    const { control } = almaSimulator();
    const response = await control('/health');
    expect(response.status).toBe(200);
    expect(await body(response)).toMatchObject({ status: 'ok', vendor: 'alma', now: '2025-03-12T10:00:00.000Z' });
  });

  it('resets data, clock and faults to the seed', async () => {
    const api = almaSimulator();
    const lendable = demo.lendableItems[0]!;
    await api.json(`${userPath}/loans?item_barcode=${lendable.barcode}`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } },
    });
    await api.control('/clock', { method: 'POST', body: { advanceDays: 3 } });
    await api.control('/faults', { method: 'POST', body: { failNext: 5 } });
    const reset = await api.control('/reset', { method: 'POST' });
    expect(await body(reset)).toMatchObject({ status: 'reset', now: '2025-03-12T10:00:00.000Z' });
    expect((await api.json(`${userPath}/loans`)).body.total_record_count).toBe(0);
    const state = await body(await api.control('/state'));
    expect(state.faults.failNext).toBe(0);
    expect(state.tables.items.length).toBeGreaterThanOrEqual(20);
    expect(state.tables.loans).toHaveLength(1);
  });

  it('takes the vendor API down and back up, leaving the control plane reachable', async () => {
    const api = almaSimulator();
    await api.control('/faults', { method: 'POST', body: { down: true } });
    expect((await api.request(userPath)).status).toBe(503);
    expect((await api.control('/health')).status).toBe(200);
    await api.control('/faults', { method: 'DELETE' });
    expect((await api.request(userPath)).status).toBe(200);
  });

  it('fails exactly the next N calls with the chosen status', async () => {
    const api = almaSimulator();
    await api.control('/faults', { method: 'POST', body: { failNext: 2, errorStatus: 502 } });
    const statuses = [];
    for (let n = 0; n < 3; n += 1) statuses.push((await api.request(userPath)).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('fails every call at errorRate 1 and none at 0', async () => {
    const api = almaSimulator();
    await api.control('/faults', { method: 'POST', body: { errorRate: 1 } });
    const failed = await api.json(userPath);
    expect(failed.status).toBe(500);
    expect(failed.body.errorsExist).toBe(true);
    await api.control('/faults', { method: 'POST', body: { errorRate: 0 } });
    expect((await api.request(userPath)).status).toBe(200);
  });

  it('applies an injected rate limit as the vendor renders it (Alma: 429 PER_SECOND_THRESHOLD)', async () => {
    const api = almaSimulator();
    await api.control('/faults', { method: 'POST', body: { rateLimitPerSecond: 2 } });
    const statuses = [];
    for (let n = 0; n < 3; n += 1) statuses.push((await api.request(userPath)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await api.json(userPath);
    expect(refused.body.errorList.error[0].errorCode).toBe('PER_SECOND_THRESHOLD');
  });

  it('adds latency', async () => {
    const api = almaSimulator();
    await api.control('/faults', { method: 'POST', body: { latencyMs: 60 } });
    const started = performance.now();
    expect((await api.request(userPath)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('moves the simulated clock, and due dates follow it', async () => {
    const api = almaSimulator();
    expect(await body(await api.control('/clock', { method: 'POST', body: { advanceDays: 2 } }))).toEqual({
      now: '2025-03-14T10:00:00.000Z',
      expiredHolds: 0,
    });
    const loan = await api.json(`${userPath}/loans?item_barcode=${demo.lendableItems[0]!.barcode}`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } },
    });
    expect(loan.body.due_date).toBe('2025-04-11T23:59:00Z');
    expect(await body(await api.control('/clock', { method: 'POST', body: { now: '2026-01-01T08:00:00Z' } }))).toMatchObject({
      now: '2026-01-01T08:00:00.000Z',
    });
    expect((await body(await api.control('/clock'))).now).toBe('2026-01-01T08:00:00.000Z');
  });

  it('expires holds left on the hold shelf when the clock passes their expiry', async () => {
    const api = almaSimulator();
    const lendable = demo.lendableItems[5]!;
    await api.json(`${userPath}/requests?item_pid=${lendable.item_pid}`, {
      method: 'POST',
      body: { request_type: 'HOLD', pickup_location_library: 'MAIN' },
    });
    await api.json(`/bibs/${lendable.mms_id}/holdings/${lendable.holding_id}/items/${lendable.item_pid}?op=scan&library=MAIN&circ_desk=DEFAULT_CIRC_DESK`, {
      method: 'POST',
    });
    expect((await api.json(`${userPath}/requests`)).body.user_request[0].expiry_date).toBe('2025-03-19Z');
    expect((await body(await api.control('/clock', { method: 'POST', body: { advanceDays: 7 } }))).expiredHolds).toBe(0);
    expect((await body(await api.control('/clock', { method: 'POST', body: { advanceDays: 1 } }))).expiredHolds).toBe(1);
    expect((await api.json(`${userPath}/requests`)).body.total_record_count).toBe(0);
    const item = await api.json(`/bibs/${lendable.mms_id}/holdings/${lendable.holding_id}/items/${lendable.item_pid}`);
    expect(item.body.item_data.base_status.value).toBe('1');
  });

  it('answers bad input with 400 {error:{code,message}} and never crashes', async () => {
    const { control, sim } = almaSimulator();
    const invalidJson = await sim.app.request('/_sim/faults', { method: 'POST', body: '{nope' });
    expect(invalidJson.status).toBe(400);
    expect((await body(invalidJson)).error.code).toBe('INVALID_JSON');
    for (const bad of [{ errorRate: 2 }, { latencyMs: -1 }, { failNext: 'many' }, { surprise: true }, { errorStatus: 200 }]) {
      const response = await control('/faults', { method: 'POST', body: bad });
      expect(response.status, JSON.stringify(bad)).toBe(400);
      const problem = await body(response);
      expect(problem.error.code).toBe('INVALID_REQUEST');
      expect(typeof problem.error.message).toBe('string');
    }
    for (const bad of [{}, { now: 'tomorrow' }, { advanceDays: 'x' }, { now: '2025-01-01T00:00:00Z', advanceDays: 1 }]) {
      expect((await control('/clock', { method: 'POST', body: bad })).status, JSON.stringify(bad)).toBe(400);
    }
    const unknown = await control('/nothing');
    expect(unknown.status).toBe(404);
    expect((await body(unknown)).error.code).toBe('NOT_FOUND');
    expect((await control('/health')).status).toBe(200);
  });
});
