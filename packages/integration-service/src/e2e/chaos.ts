import type { FaultSettingsInput } from '@bookstrap/ils-simulators';
import fc from 'fast-check';
import { claimNextJob } from '../store/outbox.ts';
import { createTargetHarness, type TargetHarness } from '../testutil/ils-target.ts';
import { RateLimiter } from '../worker/rate-limit.ts';
import { createWorker, type Worker } from '../worker/worker.ts';

/**
 * Chaos model for "never touch what isn't yours" (SPEC §5), on every target (Alma over REST and
 * NCIP, Sierra, Millennium, WMS, Symphony and Horizon over NCIP and Web Services): random
 * sequences of workflow actions over a few borrowing and lending requests, interleaved with
 * simulator faults, desk actions at the ILS's circulation desk and worker crashes; then
 * everything is settled and the invariants are checked through the vendor's own API (the
 * conformance drivers' probe, packages/ils-simulators/src/drivers/). Wrong-owner records are
 * planted as the seed has them or as staff make them: a temporary barcode already in use (the
 * seed's item on loan to another patron, a lendable item, one barcode given to two requests),
 * a lending request for an item on loan to another patron, and a desk loan to another patron of
 * an item a lending request works with. Shared by the test (few runs per target) and
 * scripts/chaos.ts (many runs, CHAOS_TARGET).
 */
const sharedTemporaryBarcode = 'CHAOS-SHARED-1';

export const borrowingSlots = 2;
export const lendingSlots = 2;

export type TempBarcode = 'default' | 'theirs' | 'shared' | 'lendable';
export type Action =
  /** the slot's next workflow action (send, supplier-shipped, receive, renewal, mark-returned) */
  | { kind: 'borrowing-next'; slot: number; skipRenewal: boolean; drainFirst: boolean }
  | { kind: 'borrowing'; slot: number; op: 'request-renewal' | 'renewal-approved' | 'mark-returned' }
  /** ship, renewal, borrower-returned, check-in */
  | { kind: 'lending-next'; slot: number; dueDate: boolean; drainFirst: boolean }
  | { kind: 'lending'; slot: number; op: 'ship' | 'renewal-requested' | 'approve-renewal' | 'borrower-returned' | 'check-in' }
  | { kind: 'fault'; fault: FaultSettingsInput }
  | { kind: 'clear-faults' }
  | { kind: 'drain'; maxJobs: number }
  | { kind: 'crash'; jobs: number; abandonLease: boolean }
  /** at the ILS's desk; `reloan`: staff check the item in and lend it to another patron (a loan Bookstrap did not make) */
  | { kind: 'desk'; op: 'check-in' | 'check-out' | 'reloan'; target: number }
  | { kind: 'advance'; ms: number };

export interface Scenario {
  /** per borrowing slot: the temporary barcode staff give at receive */
  receiveBarcodes: TempBarcode[];
  /** per lending slot: the request names the seed item on loan to another patron */
  lendTheirs: boolean[];
  actions: Action[];
}

const borrowingPath = ['send', 'supplier-shipped', 'receive', 'request-renewal', 'renewal-approved', 'mark-returned'] as const;
const lendingPath = ['ship', 'renewal-requested', 'approve-renewal', 'borrower-returned', 'check-in'] as const;

/** The model's workers time out after this (real) time; the latency fault is longer. */
const workerTimeoutMs = 15;
const timeoutLatencyMs = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const slot = (n: number) => fc.nat({ max: n - 1 });
const faultArb: fc.Arbitrary<FaultSettingsInput> = fc.oneof(
  fc.constant({ down: true }),
  fc.record({ failNext: fc.integer({ min: 1, max: 4 }), errorStatus: fc.constantFrom(500, 502, 503, 504) }),
  fc.record({ errorRate: fc.constantFrom(0.2, 0.5), errorStatus: fc.constantFrom(500, 503) }),
  fc.record({ failNext: fc.integer({ min: 1, max: 3 }), errorStatus: fc.constant(429) }),
  fc.constant({ rateLimitPerSecond: 2 }),
  // slower than the model workers' timeout: the call reaches Alma, the worker never hears back
  fc.constant({ latencyMs: timeoutLatencyMs }),
);

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('borrowing-next' as const), slot: slot(borrowingSlots), skipRenewal: fc.boolean(), drainFirst: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('borrowing' as const),
      slot: slot(borrowingSlots),
      op: fc.constantFrom('request-renewal', 'renewal-approved', 'mark-returned'),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('lending-next' as const), slot: slot(lendingSlots), dueDate: fc.boolean(), drainFirst: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lending' as const), slot: slot(lendingSlots), op: fc.constantFrom(...lendingPath) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fault' as const), fault: faultArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear-faults' as const }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('drain' as const), maxJobs: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), jobs: fc.integer({ min: 0, max: 3 }), abandonLease: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('desk' as const), op: fc.constantFrom('check-in', 'check-out', 'reloan'), target: fc.nat({ max: 7 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1_000, 60_000, 10 * 60_000) }) },
);

/** `minLength`: the test command's few runs start long enough to walk the workflows through. */
export const scenarioArb = (maxLength = 30, minLength = 1): fc.Arbitrary<Scenario> =>
  fc.record({
    receiveBarcodes: fc.array(fc.constantFrom<TempBarcode>('default', 'default', 'theirs', 'shared', 'lendable'), {
      minLength: borrowingSlots,
      maxLength: borrowingSlots,
    }),
    lendTheirs: fc.array(fc.boolean(), { minLength: lendingSlots, maxLength: lendingSlots }),
    actions: fc.array(actionArb, { minLength: Math.min(minLength, maxLength), maxLength, size: 'max' }),
  });

interface Loan {
  patronId: string;
  dueDate: string;
}
interface Planted {
  barcode: string;
  loan: Loan | null;
  why: string;
}

export interface ChaosResult {
  violations: string[];
  log: string[];
}

/** Runs one scenario on a fresh service + simulated ILS for the target and returns every invariant violated. */
export async function runScenario(target: string, scenario: Scenario): Promise<ChaosResult> {
  const t = await createTargetHarness(target);
  try {
    return await play(t, scenario);
  } finally {
    await t.close();
  }
}

async function play(t: TargetHarness, scenario: Scenario): Promise<ChaosResult> {
  const { h, driver } = t;
  const probe = driver.probe;
  const patron = driver.fixture.patrons.good;
  const theirs = t.theirs; // on loan to another patron in the seed
  const otherPatron = theirs.borrower;
  /** Items the lending requests may ship (one per lending request slot). */
  const lendingItems = driver.fixture.lendableItems.slice(0, 2);
  const log: string[] = [`target ${t.target}`];
  // Where the target charges the patron when the lender ships (Alma, WMS), it does here: the fee
  // is one more record a retry must not make twice.
  const charges = !driver.unsupported.includes('@fees-on-shipped');
  if (charges) {
    await h.ok(200, 'PATCH', '/v1/libraries/CHAOS', {
      key: h.adminKey,
      body: { settings: { borrowing: { chargePatronOnShipped: true, illFee: { amount: 5 } } } },
    });
  }
  /** The other patron's fees: never Bookstrap's to add to or change. */
  const theirFees = JSON.stringify(await probe.fees(otherPatron));
  const violations: string[] = [];
  const borrowing: { id: string; phase: number; barcode: TempBarcode }[] = [];
  const lending: { id: string; barcode: string; phase: number }[] = [];
  const temporaryBarcodes = new Map<string, string>(); // request id → barcode given at receive
  // The rate limiter runs in wall-clock time (a 429 pauses the library for real seconds); the
  // model's workers get one on a virtual monotonic clock that moves with h.clock and with their
  // own waits, so a run is fast and replayable.
  let waited = 0;
  const limiter = () =>
    new RateLimiter({
      now: () => h.clock.now().getTime() + waited,
      sleep: async (ms) => {
        waited += ms;
      },
    });
  const newWorker = () =>
    createWorker({ db: h.service.database.db, clock: h.clock, registry: h.service.registry, fetch: h.fetch, limiter: limiter(), timeoutMs: workerTimeoutMs });
  let worker: Worker = newWorker();
  let slow = false;
  /** Lets calls that timed out on the worker's side (and still reach Alma) land before going on. */
  const landTimedOutCalls = async () => {
    if (slow) await sleep(timeoutLatencyMs * 2);
  };
  const faults = async (body: FaultSettingsInput) => {
    await landTimedOutCalls();
    slow = (body.latencyMs ?? 0) > 0;
    await t.faults(body as Record<string, unknown>);
  };
  const act = async (id: string, action: string, body?: unknown) => {
    const response = await h.request('POST', `/v1/requests/${id}/${action}`, body === undefined ? { key: t.key } : { key: t.key, body });
    log.push(`  ${action} ${id} → ${response.status}`);
    if (response.status >= 500) violations.push(`${action} on ${id} answered ${response.status}: ${JSON.stringify(response.body)}`);
  };

  // Records the requests did not create (the seed's), snapshotted before anything happens.
  const planted: Planted[] = [];
  for (const [barcode, why] of [
    [theirs.barcode, 'on loan to another patron in the seed'],
    ...t.untouched.map((barcode) => [barcode, 'no request names it'] as const),
  ] as const) {
    planted.push({ barcode, loan: await probe.loan(barcode), why });
  }
  /** Loans made at the desk to another patron on an item a lending request uses: not Bookstrap's. */
  const deskLoans = new Map<string, Loan>();

  for (const [slot, barcode] of scenario.receiveBarcodes.entries()) {
    const created = await h.ok(201, 'POST', '/v1/requests', {
      key: t.key,
      body: { role: 'borrowing', title: `Chaos ${slot}`, patronId: patron, pickupLocation: driver.fixture.pickupLocation, lenders: ['LENDA'] },
    });
    borrowing.push({ id: created.id, phase: 0, barcode });
    log.push(`borrowing ${slot} = ${created.id} (receive barcode: ${barcode})`);
  }
  for (const [slot, useTheirs] of scenario.lendTheirs.entries()) {
    const barcode = useTheirs ? theirs.barcode : lendingItems[slot]!;
    const created = await h.ok(201, 'POST', '/v1/requests', {
      key: t.key,
      body: { role: 'lending', borrowingLibrary: driver.fixture.partnerSymbol, title: `Chaos lending ${slot}`, itemBarcode: barcode },
    });
    lending.push({ id: created.id, barcode, phase: 0 });
    log.push(`lending ${slot} = ${created.id} (${barcode})`);
  }
  for (const barcode of lendingItems) {
    if (!lending.some((r) => r.barcode === barcode)) planted.push({ barcode, loan: await probe.loan(barcode), why: 'no lending request ships it' });
  }
  const borrowingAction = async (request: (typeof borrowing)[number], op: (typeof borrowingPath)[number]) => {
    if (op === 'receive') {
      const barcode =
        request.barcode === 'theirs'
          ? theirs.barcode
          : request.barcode === 'shared'
            ? sharedTemporaryBarcode
            : request.barcode === 'lendable'
              ? lendingItems[0]!
              : undefined;
      const before = (await h.ok(200, 'GET', `/v1/requests/${request.id}`, { key: t.key })).status;
      await act(request.id, 'receive', barcode ? { temporaryBarcode: barcode } : undefined);
      const after = await h.ok(200, 'GET', `/v1/requests/${request.id}`, { key: t.key });
      if (before !== 'received' && after.status === 'received') temporaryBarcodes.set(request.id, after.temporaryBarcode ?? barcode ?? request.id);
      return;
    }
    const body = op === 'renewal-approved' ? { newDueDate: '2025-06-30' } : op === 'supplier-shipped' ? { lenderDueDate: '2025-04-30' } : undefined;
    await act(request.id, op, body);
  };
  const lendingAction = async (request: (typeof lending)[number], op: (typeof lendingPath)[number], dueDate = true) => {
    const body = op === 'approve-renewal' ? { newDueDate: '2025-05-30' } : op === 'ship' && dueDate ? { dueDate: '2025-04-16' } : undefined;
    await act(request.id, op, body);
  };

  const drain = async (maxJobs: number) => {
    log.push(`  ran ${await worker.runUntilIdle({ maxJobs })}`);
    await landTimedOutCalls();
  };

  for (const action of scenario.actions) {
    log.push(JSON.stringify(action));
    switch (action.kind) {
      case 'borrowing-next': {
        // Staff often act after the ILS steps of the last action have run (the item is on the
        // hold shelf before it is checked out and returned); sometimes before.
        if (action.drainFirst) await drain(20);
        const request = borrowing[action.slot]!;
        if (action.skipRenewal && borrowingPath[request.phase] === 'request-renewal') request.phase += 2;
        const op = borrowingPath[request.phase];
        if (!op) break;
        request.phase += 1;
        await borrowingAction(request, op);
        break;
      }
      case 'borrowing':
        await borrowingAction(borrowing[action.slot]!, action.op);
        break;
      case 'lending-next': {
        if (action.drainFirst) await drain(20);
        const request = lending[action.slot]!;
        const op = lendingPath[request.phase];
        if (!op) break;
        request.phase += 1;
        await lendingAction(request, op, action.dueDate);
        break;
      }
      case 'lending':
        await lendingAction(lending[action.slot]!, action.op);
        break;
      case 'fault':
        await faults(action.fault);
        break;
      case 'clear-faults':
        await faults({});
        break;
      case 'drain':
        await drain(action.maxJobs);
        break;
      case 'crash': {
        // The process dies after a few jobs (optionally holding a claimed job's lease); a fresh
        // worker on the same database carries on.
        await worker.runUntilIdle({ maxJobs: action.jobs });
        await landTimedOutCalls();
        if (action.abandonLease) {
          const claimed = await claimNextJob(h.service.database.db, { owner: `dead-${log.length}`, now: h.clock.now(), leaseMs: 5 * 60_000 });
          log.push(`  abandoned ${claimed?.key ?? 'nothing'}`);
        }
        worker = newWorker();
        break;
      }
      case 'desk': {
        // Staff act on the items the requests work with (never on the planted records).
        const isPlanted = (barcode: string) => planted.some((p) => p.barcode === barcode);
        const targets = [...new Set([...lending.map((r) => r.barcode), ...temporaryBarcodes.values()])].filter((b) => !isPlanted(b));
        if (targets.length === 0) break;
        const barcode = targets[action.target % targets.length]!;
        await faults({}); // the desk is not the service: it gets through
        if (!(await probe.item(barcode))) break;
        // The ILS may refuse (the item is on loan, on hold for someone else): staff see that and move on.
        let outcome = 'ok';
        try {
          if (action.op !== 'check-out') await driver.desk.checkIn(barcode, 'pickup');
          if (action.op !== 'check-in') await driver.desk.checkOut(barcode, otherPatron);
        } catch (error) {
          outcome = `refused: ${(error as Error).message}`;
        }
        log.push(`  desk ${action.op} ${barcode} → ${outcome}`);
        deskLoans.delete(barcode);
        const isLendingItem = lending.some((r) => r?.barcode === barcode);
        if (action.op !== 'check-in' && outcome === 'ok' && isLendingItem) {
          const loan = await probe.loan(barcode);
          if (loan) deskLoans.set(barcode, loan);
        }
        break;
      }
      case 'advance':
        h.clock.advance(action.ms);
        break;
    }
  }

  // ---- settle: faults off, time far enough for every retry, drain until idle ----------------
  await faults({});
  for (let round = 0; round < 12; round += 1) {
    await worker.runUntilIdle();
    h.clock.advance(30 * 60_000);
  }
  await worker.runUntilIdle();

  // (1) planted records unchanged: same loan patron and due date, the item still exists
  for (const p of planted) {
    if ((await probe.countItems(p.barcode)) !== 1) violations.push(`planted item ${p.barcode} (${p.why}) no longer exists, or exists twice`);
    const loan = await probe.loan(p.barcode);
    if (JSON.stringify(loan) !== JSON.stringify(p.loan))
      violations.push(`planted item ${p.barcode} (${p.why}): loan was ${JSON.stringify(p.loan)}, now ${JSON.stringify(loan)}`);
  }
  for (const [barcode, before] of deskLoans) {
    const loan = await probe.loan(barcode);
    if (JSON.stringify(loan) !== JSON.stringify(before)) {
      violations.push(`desk loan of ${barcode} to ${otherPatron} was ${JSON.stringify(before)}, now ${JSON.stringify(loan)}`);
    }
  }

  const feesNow = JSON.stringify(await probe.fees(otherPatron));
  if (feesNow !== theirFees) violations.push(`the fees of ${otherPatron} (another patron) were ${theirFees}, now ${feesNow}`);

  // (2) no duplicate temporary items, holds or fees; (3) no orphan of a cleaned-up request
  if (charges) {
    const fees = await probe.fees(patron);
    for (const { id } of borrowing) {
      const mine = fees.filter((fee) => fee.comment.includes(id));
      if (mine.length > 1) violations.push(`${mine.length} ILL fees for request ${id}: ${JSON.stringify(mine)}`);
    }
  }
  const barcodes = new Set([...temporaryBarcodes.values(), ...lendingItems, theirs.barcode]);
  for (const barcode of barcodes) {
    const count = await probe.countItems(barcode);
    if (count > 1) violations.push(`${count} items with barcode ${barcode}`);
    const holds = await probe.holds(barcode);
    const perPatron = new Map<string, number>();
    for (const hold of holds) perPatron.set(hold.patronId, (perPatron.get(hold.patronId) ?? 0) + 1);
    for (const [who, count] of perPatron) if (count > 1) violations.push(`${count} holds for patron ${who} on ${barcode}`);
  }
  for (const [id, barcode] of temporaryBarcodes) {
    const bibs = await t.chaos.temporaryBibs(id, barcode);
    if (bibs !== undefined && bibs > 1) violations.push(`${bibs} temporary bibs for request ${id}, barcode ${barcode}`);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key: t.key });
    const steps = request.steps as { name: string; state: string }[];
    const done = (name: string) => steps.some((s) => s.name === name && s.state === 'succeeded');
    if (done('delete-temporary-item') && done('check-in')) {
      if (bibs !== undefined && bibs > 0) violations.push(`request ${id}: temporary item ${barcode} deleted, but its bib is left`);
      const item = await probe.item(barcode);
      if (item && barcode !== theirs.barcode && !lendingItems.includes(barcode)) {
        violations.push(`request ${id}: temporary item ${barcode} reported deleted, but it is still in the ILS`);
      }
    }
  }

  // (4) every request settles, and whatever did not succeed says why
  const ids = [...borrowing, ...lending].map((r) => r.id);
  for (const id of ids) {
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key: t.key });
    if (request.pendingSteps !== 0) violations.push(`request ${id}: ${request.pendingSteps} steps still pending after settling`);
    for (const step of request.steps as { key: string; state: string; lastOutcome?: { reason?: string } }[]) {
      if (step.state === 'succeeded') {
        log.push(`  final ${id} ${step.key.split(':')[1]} succeeded`);
        continue;
      }
      log.push(`  final ${id} ${step.key.split(':')[1]} ${step.state}: ${step.lastOutcome?.reason ?? ''}`);
      if (!['needs-staff', 'configuration-error', 'skipped'].includes(step.state)) violations.push(`request ${id}: step ${step.key} is ${step.state}`);
      else if (!step.lastOutcome?.reason) violations.push(`request ${id}: step ${step.key} is ${step.state} without a reason`);
    }
    // (5) the needs-attention queue holds exactly the requests with a step a person must act on
    const actionable = (request.steps as { state: string }[]).some((s) => s.state === 'needs-staff' || s.state === 'configuration-error');
    if (request.needsAttention !== actionable)
      violations.push(`request ${id}: needsAttention is ${request.needsAttention}, but a step to act on: ${actionable}`);
    if (request.needsAttention && !request.attention?.nextAction) violations.push(`request ${id}: in the queue without a next action`);
  }
  const queued = new Set<string>();
  const list = await h.ok(200, 'GET', '/v1/requests?needsAttention=true&limit=200', { key: t.key });
  for (const r of list.requests as { id: string }[]) queued.add(r.id);
  for (const id of ids) {
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key: t.key });
    if (queued.has(id) !== request.needsAttention) violations.push(`request ${id}: the needs-attention list and the request disagree`);
  }
  return { violations, log };
}

/** The fc property: a scenario is a counterexample when any invariant is violated. */
export const chaosProperty = (target: string, maxLength = 30, minLength = 1) =>
  fc.asyncProperty(scenarioArb(maxLength, minLength), async (scenario) => {
    const { violations, log } = await runScenario(target, scenario);
    if (violations.length > 0) throw new Error(`[${target}] ${violations.join('\n')}\n--- scenario log ---\n${log.join('\n')}`);
  });
