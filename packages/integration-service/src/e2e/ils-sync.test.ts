import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { findLibraryBySymbol } from '../store/libraries.ts';
import { createIlsSync } from '../sync/sync.ts';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { almaHost, type Harness, useHarness } from '../testutil/harness.ts';
import { RateLimiter } from '../worker/rate-limit.ts';

const patron = demo.alma.patrons.good.primaryId;
const simState = async (h: Harness) => JSON.stringify(((await (await h.sim.app.request(`${almaHost}/_sim/state`)).json()) as { tables: unknown }).tables);

async function receivedLoan(h: Harness, lenderDueDate: string) {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'The Name of the Rose', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  await h.drain();
  await h.ok(200, 'POST', `/v1/requests/${id}/send`);
  await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate } });
  await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
  await h.drain();
  return id as string;
}

const sync = (h: Harness) => h.ok(200, 'POST', '/v1/ils-sync');
const ilsText = async (h: Harness, id: string) =>
  (await h.ok(200, 'GET', `/v1/requests/${id}`)).history.filter((e: { kind: string }) => e.kind === 'ils').map((e: { text: string }) => e.text);

describe('the ILS sync sees what circulation did first (Alma REST)', () => {
  it('follows pickup check-in and check-out, puts the strap date back over the ILS policy date, flags a circulation renewal and a desk check-in', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    // The lender grants three months: longer than Alma's 21-day ILL policy.
    const id = await receivedLoan(h, '2025-06-30');
    const received = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(received.patronDueDate).toBe('2025-06-23'); // the strap date: lender date less 7 days

    const first = await sync(h);
    expect(first).toMatchObject({ library: 'TULSA', read: 1, noticed: 0, queued: 0, failed: [] });
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).ilsCirculation).toMatchObject({ state: 'awaiting-pickup-check-in', needsIllStaff: false });

    await desk.checkIn(id, 'MAIN');
    expect(await sync(h)).toMatchObject({ noticed: 1 });
    expect(await ilsText(h, id)).toEqual([expect.stringContaining('checked in at the pickup location; the hold is ready')]);

    const loan = await desk.checkOut(id, patron, 'MAIN');
    const policyDate = String(loan.due_date).slice(0, 10);
    expect(policyDate < '2025-06-23').toBe(true); // Alma's own policy date, as at a real desk
    expect(await sync(h)).toMatchObject({ noticed: 2, queued: 1 });
    await h.drain();
    expect(await desk.loan(id)).toEqual({ patronId: patron, dueDate: '2025-06-23' });
    const texts = await ilsText(h, id);
    expect(texts.slice(1)).toEqual([
      `ILS: item ${id} was checked out to patron ${patron} at the desk, due ${policyDate} in the ILS.`,
      `ILS: the check-out gave the ILS's own due date ${policyDate}, not the book strap's 2025-06-23; setting the loan to the strap date 2025-06-23.`,
    ]);
    expect(await historyOf(h, id)).toContain(`Due date of ${id} updated to 2025-06-23.`);

    // Nothing changed: a sync notices nothing and writes nothing to the ILS.
    const before = await simState(h);
    expect(await sync(h)).toMatchObject({ read: 1, noticed: 0, queued: 0 });
    expect(await simState(h)).toBe(before);

    // Circulation extends the loan at the desk (not the lender): flagged for ILL staff, left as is.
    const found = await desk.item(id);
    const loans = await h.alma('GET', `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}/loans`);
    const loanId = loans.body.item_loan[0].loan_id;
    expect((await h.alma('PUT', `/users/${patron}/loans/${loanId}`, { due_date: '2025-07-20T23:59:00Z' })).status).toBe(200);
    expect(await sync(h)).toMatchObject({ noticed: 1, queued: 0 });
    const renewed = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(renewed.ilsCirculation).toMatchObject({ lastFindingKind: 'circulation-renewal', needsIllStaff: true, loanDueDate: '2025-07-20' });
    expect((await desk.loan(id))?.dueDate).toBe('2025-07-20');

    // The patron returns it at the desk before ILL marks it returned.
    await desk.checkIn(id, 'MAIN');
    await sync(h);
    const back = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(back.ilsCirculation).toMatchObject({
      state: 'checked-in',
      lastFindingKind: 'checked-in-at-desk',
      nextAction: expect.stringContaining('Mark the request returned'),
    });
    expect(back.allowedActions).toContain('mark-returned');
    // ILL marks it returned: the check-in is already done, and the sync stops reading it.
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    expect(await historyOf(h, id)).toContainEqual(expect.stringContaining(`Item ${id} was already checked in`));
    expect(await sync(h)).toMatchObject({ read: 0 });
  });

  it('reverts a circulation renewal to the strap date when the library says so', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', { key: h.adminKey, body: { settings: { borrowing: { revertCirculationRenewal: true } } } });
    const desk = almaDesk(h);
    const id = await receivedLoan(h, '2025-04-01');
    await desk.checkIn(id, 'MAIN');
    await desk.checkOut(id, patron, 'MAIN');
    await sync(h);
    await h.drain();
    expect((await desk.loan(id))?.dueDate).toBe('2025-03-25');
    const found = await desk.item(id);
    const loans = await h.alma('GET', `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}/loans`);
    await h.alma('PUT', `/users/${patron}/loans/${loans.body.item_loan[0].loan_id}`, { due_date: '2025-04-20T23:59:00Z' });
    expect(await sync(h)).toMatchObject({ noticed: 1, queued: 1 });
    await h.drain();
    expect((await desk.loan(id))?.dueDate).toBe('2025-03-25');
  });

  it('sees a hold that expired on the hold shelf', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await receivedLoan(h, '2025-05-30');
    await desk.checkIn(id, 'MAIN');
    await sync(h);
    // The overnight job expires holds past their hold-shelf period.
    await h.sim.app.request(`${almaHost}/_sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceDays: 30 }),
    });
    expect(await sync(h)).toMatchObject({ noticed: 1 });
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).ilsCirculation).toMatchObject({ state: 'hold-expired', needsIllStaff: true });
  });

  it('remembers across a restart: a new sync over the same store notices nothing again', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await receivedLoan(h, '2025-05-30');
    await desk.checkIn(id, 'MAIN');
    await sync(h);
    const again = createIlsSync({ db: h.service.database.db, clock: h.clock, registry: h.service.registry, limiter: new RateLimiter(), fetch: h.fetch });
    const library = h.libraries.TULSA;
    const libraryId = (await findLibraryBySymbol(h.service.database.db, library.symbol))!.id;
    expect(await again.runLibrary(libraryId)).toMatchObject({ read: 1, noticed: 0 });
    expect(await ilsText(h, id)).toHaveLength(1);
  });

  it('runs on the injected clock: due after the library interval, not before', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', { key: h.adminKey, body: { settings: { ilsSync: { intervalMinutes: 60 } } } });
    await receivedLoan(h, '2025-05-30');
    const first = await h.service.ilsSync.runDue();
    expect(first.map((r) => r.library).sort()).toEqual(['PARTNR', 'TULSA']);
    expect(first.find((r) => r.library === 'TULSA')).toMatchObject({ read: 1, nextRunAt: '2025-03-12T11:00:00.000Z' });
    expect(await h.service.ilsSync.runDue()).toEqual([]);
    const tulsa = async () => (await h.service.ilsSync.runDue()).filter((r) => r.library === 'TULSA');
    h.clock.advance(59 * 60_000);
    expect(await tulsa()).toEqual([]); // PARTNR keeps the default 15 minutes
    h.clock.advance(60_000);
    expect(await tulsa()).toHaveLength(1);
  });

  it('lending: reports the expiry cap of the loan, and sees the lent item checked in at a desk first', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const item = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[2]!;
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2029-06-01' } });
    await h.drain();
    const lent = await desk.loan(item.barcode);
    expect(lent?.dueDate && lent.dueDate < '2029-06-01').toBe(true);
    const shipped = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(shipped.ilsCirculation).toMatchObject({ lendingDueDateCap: lent?.dueDate });
    expect(shipped.history.map((e: { text: string }) => e.text)).toContainEqual(
      expect.stringContaining(`Due date capped by the ILS at ${lent?.dueDate}, before the request's 2029-06-01`),
    );
    await sync(h);
    await desk.checkIn(item.barcode, 'MAIN');
    await sync(h);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).ilsCirculation).toMatchObject({ lastFindingKind: 'lent-item-checked-in', needsIllStaff: true });
  });
});
