import { describe, expect, it } from 'vitest';
import { circulationSystemContract } from '../contract.ts';
import { AlmaRestAdapter } from './alma.ts';
import { simulatedIls } from '../testing.ts';
import { alma, almaContractFixture, almaContractSubject, almaRestProbe, host } from './test-support.ts';

/**
 * The shared adapter contract against the simulated Alma, in-process: the adapter talks to it
 * through `fetch` exactly as to a real Alma, and the probe reads state through the Alma API.
 */
const connection = { baseUrl: `${host}/almaws/v1`, apiKey: alma.apiKey, library: 'MAIN', circulationDesk: 'DEFAULT_CIRC_DESK' };
const almaSubject = async () => almaContractSubject((context) => new AlmaRestAdapter(connection, context));

circulationSystemContract('Alma REST (simulated)', almaSubject, {
  // Alma takes no hold on a requested item for lending (Tipasa: Horizon and Symphony only).
  unsupported: ['lending hold'],
});

describe('Alma REST adapter: declared gaps and Alma-specific behaviour', () => {
  it('refuses a lending hold as a configuration error, never a fake success', async () => {
    const { system, fixture } = await almaSubject();
    expect(system.capabilities.lendingHold).toBe(false);
    const outcome = await system.placeLendingHold({ requestId: '9000020', title: 'x', patronId: fixture.accountId });
    expect(outcome.kind).toBe('configuration-error');
  });

  it("does not claim a hold it did not place (the desk's, another request's) when Alma refuses a second one: needs staff, that hold unchanged", async () => {
    const { system, fixture, sim } = await almaSubject();
    const rest = almaRestProbe(sim);
    const barcode = fixture.lendableBarcodes[5] as string;
    const found = await rest.item(barcode);
    const pid = found.item_data.pid as string;
    const requestsOfPatron = async () =>
      // biome-ignore lint/suspicious/noExplicitAny: Alma bodies are asserted field by field
      ((await rest.get(`/users/${fixture.patronId}/requests?user_id_type=all_unique&status=active`)).body.user_request ?? []).map((r: any) => ({
        id: r.request_id,
        barcode: r.barcode,
        comment: r.comment,
      }));
    const desk = await sim.app.request(`${host}/almaws/v1/users/${fixture.patronId}/requests?user_id_type=all_unique&item_pid=${pid}`, {
      method: 'POST',
      headers: { authorization: `apikey ${alma.apiKey}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ request_type: 'HOLD', pickup_location_type: 'LIBRARY', pickup_location_library: 'MAIN', comment: 'placed at the desk' }),
    });
    expect(desk.status).toBe(200);
    const before = await requestsOfPatron();
    expect(before).toEqual([{ id: expect.any(String), barcode, comment: 'placed at the desk' }]);
    const hold = { requestId: '9000030', patronId: fixture.patronId, itemBarcode: barcode, pickupLocation: 'MAIN', inLibraryUseOnly: false };
    expect(await system.placeHold(hold)).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('that request 9000030 did not place') });
    expect(await requestsOfPatron()).toEqual(before);

    // The request's own hold, placed and then asked for again (a lost answer), is still recognised.
    const other = fixture.lendableBarcodes[6] as string;
    const placed = await system.placeHold({ ...hold, itemBarcode: other });
    expect(placed).toMatchObject({ kind: 'done', value: { holdId: expect.any(String) } });
    expect(await system.placeHold({ ...hold, itemBarcode: other })).toMatchObject({
      kind: 'already-done',
      value: { holdId: (placed as { value: { holdId: string } }).value.holdId },
    });
    expect((await requestsOfPatron()).map((r: { comment: string }) => r.comment)).toEqual(['placed at the desk', 'ILL request 9000030']);
  });

  it("names the bib it could not undo when the item POST fails, reuses it on a retry, and the delete removes only this request's marked bibs", async () => {
    const { sim, context } = simulatedIls('alma', { perSecond: 100_000 });
    const rest = almaRestProbe(sim);
    // Alma refuses every item POST and every bib DELETE while `broken` (a stand-in for a refusal
    // and an undo that also fails; the simulator itself would accept both).
    let broken = true;
    const refusal = () =>
      new Response(JSON.stringify({ errorsExist: true, errorList: { error: [{ errorCode: '402459', errorMessage: 'refused for the test' }] } }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const adapter = (firstRun: boolean) =>
      new AlmaRestAdapter(connection, {
        ...context,
        firstRun,
        fetch: async (input, init) => {
          const url = new URL(String(input));
          const method = (init?.method ?? 'GET').toUpperCase();
          if (broken && method === 'POST' && /\/items$/.test(url.pathname)) return refusal();
          if (broken && method === 'DELETE' && /\/bibs\/\d+$/.test(url.pathname)) return refusal();
          return context.fetch(input, init);
        },
      });
    const input = (requestId: string, barcode: string) => ({
      requestId,
      barcode,
      title: 'Orphan test',
      note: `ILL request ${requestId} from LENDA`,
      lendingLibrary: 'LENDA',
      location: almaContractFixture.illLocation,
      inLibraryUseOnly: false,
    });
    const marked = async (requestId: string, barcode: string) =>
      // biome-ignore lint/suspicious/noExplicitAny: Alma bodies are read field by field
      ((await rest.get(`/bibs?other_system_id=${encodeURIComponent(`(BOOKSTRAP)${requestId}-${barcode}`)}&view=brief`)).body.bib ?? []).map(
        (b: any) => b.mms_id,
      );

    // Another request's temporary item, which nothing here may touch.
    broken = false;
    expect((await adapter(true).createTemporaryItem(input('9000041', 'ORPH-9000041'))).kind).toBe('done');
    const othersBibs = await marked('9000041', 'ORPH-9000041');
    expect(othersBibs).toHaveLength(1);
    broken = true;

    const failed = await adapter(true).createTemporaryItem(input('9000040', 'ORPH-9000040'));
    const left = await marked('9000040', 'ORPH-9000040');
    expect(left).toHaveLength(1);
    expect(failed).toMatchObject({
      kind: 'needs-staff',
      reason: expect.stringContaining(`could not delete the bib it had just made (MMS id ${left[0]}, 035 (BOOKSTRAP)9000040-ORPH-9000040)`),
    });
    expect(await rest.item('ORPH-9000040')).toBeUndefined();

    // The retry reuses the bib: still one bib with the marker, now with the item.
    broken = false;
    expect((await adapter(false).createTemporaryItem(input('9000040', 'ORPH-9000040'))).kind).toBe('done');
    expect(await marked('9000040', 'ORPH-9000040')).toEqual(left);
    expect((await rest.item('ORPH-9000040'))?.bib_data.mms_id).toBe(left[0]);

    // The clean-up removes this request's marked bib and nothing of the other request's.
    expect(await adapter(false).deleteTemporaryItem({ requestId: '9000040', itemBarcode: 'ORPH-9000040' })).toMatchObject({
      kind: 'done',
      value: { bibsDeleted: left },
    });
    expect(await marked('9000040', 'ORPH-9000040')).toEqual([]);
    expect(await marked('9000041', 'ORPH-9000041')).toEqual(othersBibs);
    expect(await rest.item('ORPH-9000041')).toBeDefined();
  });

  it("deletes a temporary item with the request's own hold on it, but not one another patron holds (needs staff, item and requests kept)", async () => {
    const { system, fixture, sim } = await almaSubject();
    const rest = almaRestProbe(sim);
    const make = async (requestId: string, barcode: string) => {
      const created = await system.createTemporaryItem({
        requestId,
        barcode,
        title: 'Delete test',
        note: `ILL request ${requestId} from LENDA`,
        lendingLibrary: 'LENDA',
        location: fixture.illLocation,
        inLibraryUseOnly: true,
      });
      expect(created.kind).toBe('done');
      expect(
        (await system.placeHold({ requestId, patronId: fixture.patronId, itemBarcode: barcode, pickupLocation: 'MAIN', inLibraryUseOnly: true })).kind,
      ).toBe('done');
    };
    await make('9000050', 'DEL-9000050');
    await make('9000051', 'DEL-9000051');
    const pid = (await rest.item('DEL-9000051')).item_data.pid as string;
    const other = fixture.accountId;
    const desk = await sim.app.request(`${host}/almaws/v1/users/${other}/requests?user_id_type=all_unique&item_pid=${pid}`, {
      method: 'POST',
      headers: { authorization: `apikey ${alma.apiKey}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ request_type: 'HOLD', pickup_location_type: 'LIBRARY', pickup_location_library: 'MAIN', comment: 'next in line' }),
    });
    expect(desk.status).toBe(200);
    const holdsOf51 = async () => {
      const found = await rest.item('DEL-9000051');
      const list = await rest.get(`/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}/requests`);
      // biome-ignore lint/suspicious/noExplicitAny: Alma bodies are read field by field
      return (list.body.user_request ?? []).map((r: any) => ({ id: r.request_id, user: r.user_primary_id, comment: r.comment }));
    };
    const held = await holdsOf51();
    expect(held).toHaveLength(2);

    const kept = await system.deleteTemporaryItem({ requestId: '9000051', itemBarcode: 'DEL-9000051', patronId: fixture.patronId });
    expect(kept).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('has 1 request(s) request 9000051 did not place') });
    expect(await rest.item('DEL-9000051')).toBeDefined();
    expect(await holdsOf51()).toEqual(held);

    expect(await system.deleteTemporaryItem({ requestId: '9000050', itemBarcode: 'DEL-9000050', patronId: fixture.patronId })).toMatchObject({ kind: 'done' });
    expect(await rest.item('DEL-9000050')).toBeUndefined();
  });

  it('answers a refused API key with a configuration error', async () => {
    const { context } = simulatedIls('alma');
    const system = new AlmaRestAdapter({ ...connection, apiKey: 'wrong-key' }, context);
    const outcome = await system.lookupPatron({ patronId: alma.patrons.good.primaryId });
    expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('UNAUTHORIZED') });
  });

  it('treats an Alma rate limit (429 PER_SECOND_THRESHOLD) as retryable and backs the library off', async () => {
    const { sim, context, backOffs } = simulatedIls('alma');
    await sim.app.request(`${host}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitPerSecond: 1 }),
    });
    const system = new AlmaRestAdapter(connection, context);
    expect((await system.lookupPatron({ patronId: alma.patrons.good.primaryId })).kind).toBe('done');
    const limited = await system.lookupPatron({ patronId: alma.patrons.good.primaryId });
    expect(limited).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('PER_SECOND_THRESHOLD') });
    // Sent three times in the step (two short in-step retries, each after a back-off; this
    // context's throttle does not wait, so the same second refuses them), then retryable.
    expect(backOffs).toEqual([1000, 1000, 1000]);
  });

  it('a per-second 429 that clears within the step does not surface: the call goes again after the pause', async () => {
    const { sim, context, backOffs, calls } = simulatedIls('alma');
    let refused = 0;
    const system = new AlmaRestAdapter(connection, {
      ...context,
      fetch: async (input, init) => {
        if (refused === 0) {
          refused += 1;
          return new Response(JSON.stringify({ errorsExist: true, errorList: { error: [{ errorCode: 'PER_SECOND_THRESHOLD', errorMessage: 'too many' }] } }), {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '1' },
          });
        }
        return context.fetch(input, init);
      },
    });
    expect((await system.lookupPatron({ patronId: alma.patrons.good.primaryId })).kind).toBe('done');
    expect(backOffs).toEqual([1000]);
    expect(calls).toHaveLength(1); // the one that reached Alma
    expect(sim.engine).toBeDefined();
  });

  it('a daily-threshold 429 is not retried in the step: the limiter is told to wait for Retry-After', async () => {
    const { context, backOffs } = simulatedIls('alma');
    let sent = 0;
    const remaining: number[] = [];
    const outcome = await new AlmaRestAdapter(connection, {
      ...context,
      quotaRemaining: (n) => void remaining.push(n),
      fetch: async (input, init) => {
        sent += 1;
        return new Response(
          JSON.stringify({
            errorsExist: true,
            errorList: { error: [{ errorCode: 'DAILY_THRESHOLD', errorMessage: 'Daily API Request Threshold has been reached' }] },
          }),
          {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '3600', 'x-exl-api-remaining': '0' },
          },
        );
      },
    }).lookupPatron({ patronId: alma.patrons.good.primaryId });
    expect(outcome).toMatchObject({ kind: 'retryable', retryAfterMs: 3_600_000 });
    expect(sent).toBe(1);
    expect(backOffs).toEqual([3_600_000]);
    expect(remaining).toEqual([0]);
  });

  it('gives up on a call that hangs after the per-call timeout (retryable)', async () => {
    const { context } = simulatedIls('alma');
    const system = new AlmaRestAdapter(connection, { ...context, fetch: () => new Promise<Response>(() => {}), timeoutMs: 50 });
    const { runStep } = await import('@bookstrap/core');
    const outcome = await runStep(system, { name: 'lookup-patron', key: 'k', input: { requestId: '1', patronId: 'p' } });
    expect(outcome.kind).toBe('retryable');
  });
});
