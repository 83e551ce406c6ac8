import { demo, type FaultSettingsInput } from '@bookstrap/ils-simulators';
import fc from 'fast-check';
import { claimNextJob } from '../store/outbox.ts';
import { almaDesk } from '../testutil/alma-desk.ts';
import { almaHost, createHarness, type Harness } from '../testutil/harness.ts';
import { RateLimiter } from '../worker/rate-limit.ts';
import { createWorker, type Worker } from '../worker/worker.ts';

/**
 * Chaos model for "never touch what isn't yours" (SPEC §5): random sequences of workflow
 * actions over a few borrowing and lending requests, interleaved with simulator faults, desk
 * actions at the Alma circulation desk and worker crashes; then everything is settled and the
 * invariants are checked through the Alma API. Shared by the test (few runs) and
 * scripts/chaos.ts (many runs).
 */
const patron = demo.alma.patrons.good.primaryId;
const otherPatron = demo.alma.otherPatrons[0]!.primaryId;
const theirs = demo.alma.checkedOutItem; // on loan to otherPatrons[0] in the seed
const lendables = demo.alma.lendableItems.filter((i) => i.library === 'MAIN');
/** Items the lending requests may ship (one per lending request slot). */
const lendingItems = lendables.slice(0, 2);
/** Seed items no request ever names: they must come out exactly as they went in. */
const untouched = [...lendables.slice(2, 4), demo.alma.referenceItem];
const sharedTemporaryBarcode = 'CHAOS-SHARED-1';

export const borrowingSlots = 2;
export const lendingSlots = 2;

export type TempBarcode = 'default' | 'theirs' | 'shared' | 'lendable';
export type Action =
  /** the slot's next workflow action (send, supplier-shipped, receive, renewal, mark-returned) */
  | { kind: 'borrowing-next'; slot: number; skipRenewal: boolean }
  | { kind: 'borrowing'; slot: number; op: 'request-renewal' | 'renewal-approved' | 'mark-returned' }
  /** ship, renewal, borrower-returned, check-in */
  | { kind: 'lending-next'; slot: number; dueDate: boolean }
  | { kind: 'lending'; slot: number; op: 'ship' | 'renewal-requested' | 'approve-renewal' | 'borrower-returned' | 'check-in' }
  | { kind: 'fault'; fault: FaultSettingsInput }
  | { kind: 'clear-faults' }
  | { kind: 'drain'; maxJobs: number }
  | { kind: 'crash'; jobs: number; abandonLease: boolean }
  | { kind: 'desk'; op: 'check-in' | 'check-out'; target: number }
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
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('borrowing-next' as const), slot: slot(borrowingSlots), skipRenewal: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('borrowing' as const),
      slot: slot(borrowingSlots),
      op: fc.constantFrom('request-renewal', 'renewal-approved', 'mark-returned'),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('lending-next' as const), slot: slot(lendingSlots), dueDate: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lending' as const), slot: slot(lendingSlots), op: fc.constantFrom(...lendingPath) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fault' as const), fault: faultArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear-faults' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('drain' as const), maxJobs: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), jobs: fc.integer({ min: 0, max: 3 }), abandonLease: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('desk' as const), op: fc.constantFrom('check-in', 'check-out'), target: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1_000, 60_000, 10 * 60_000) }) },
);

export const scenarioArb = (maxLength = 30): fc.Arbitrary<Scenario> =>
  fc.record({
    receiveBarcodes: fc.array(fc.constantFrom<TempBarcode>('default', 'default', 'theirs', 'shared', 'lendable'), {
      minLength: borrowingSlots,
      maxLength: borrowingSlots,
    }),
    lendTheirs: fc.array(fc.boolean(), { minLength: lendingSlots, maxLength: lendingSlots }),
    actions: fc.array(actionArb, { minLength: 1, maxLength, size: 'max' }),
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

/** Runs one scenario on a fresh service + simulated Alma and returns every invariant violated. */
export async function runScenario(scenario: Scenario): Promise<ChaosResult> {
  const h = await createHarness();
  try {
    return await play(h, scenario);
  } finally {
    await h.close();
  }
}

async function play(h: Harness, scenario: Scenario): Promise<ChaosResult> {
  const desk = almaDesk(h);
  const log: string[] = [];
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
    await h.sim.app.request(`${almaHost}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  const act = async (id: string, action: string, body?: unknown) => {
    const response = await h.request('POST', `/v1/requests/${id}/${action}`, body === undefined ? {} : { body });
    log.push(`  ${action} ${id} → ${response.status}`);
    if (response.status >= 500) violations.push(`${action} on ${id} answered ${response.status}: ${JSON.stringify(response.body)}`);
  };

  // Records the requests did not create (the seed's), snapshotted before anything happens.
  const planted: Planted[] = [];
  for (const [barcode, why] of [
    [theirs.barcode, 'on loan to another patron in the seed'],
    ...untouched.map((i) => [i.barcode, 'no request names it'] as const),
  ] as const) {
    planted.push({ barcode, loan: await desk.loan(barcode), why });
  }
  /** Loans made at the desk to another patron on an item a lending request uses: not Bookstrap's. */
  const deskLoans = new Map<string, Loan>();

  for (const [slot, barcode] of scenario.receiveBarcodes.entries()) {
    const created = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: `Chaos ${slot}`, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    borrowing.push({ id: created.id, phase: 0, barcode });
    log.push(`borrowing ${slot} = ${created.id} (receive barcode: ${barcode})`);
  }
  for (const [slot, useTheirs] of scenario.lendTheirs.entries()) {
    const item = useTheirs ? theirs : lendingItems[slot]!;
    const created = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode },
    });
    lending.push({ id: created.id, barcode: item.barcode, phase: 0 });
    log.push(`lending ${slot} = ${created.id} (${item.barcode})`);
  }
  for (const item of lendingItems) {
    if (!lending.some((r) => r.barcode === item.barcode))
      planted.push({ barcode: item.barcode, loan: await desk.loan(item.barcode), why: 'no lending request ships it' });
  }
  const borrowingAction = async (request: (typeof borrowing)[number], op: (typeof borrowingPath)[number]) => {
    if (op === 'receive') {
      const barcode =
        request.barcode === 'theirs'
          ? theirs.barcode
          : request.barcode === 'shared'
            ? sharedTemporaryBarcode
            : request.barcode === 'lendable'
              ? lendingItems[0]!.barcode
              : undefined;
      const before = (await h.ok(200, 'GET', `/v1/requests/${request.id}`)).status;
      await act(request.id, 'receive', barcode ? { temporaryBarcode: barcode } : undefined);
      const after = await h.ok(200, 'GET', `/v1/requests/${request.id}`);
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

  for (const action of scenario.actions) {
    log.push(JSON.stringify(action));
    switch (action.kind) {
      case 'borrowing-next': {
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
        log.push(`  ran ${await worker.runUntilIdle({ maxJobs: action.maxJobs })}`);
        await landTimedOutCalls();
        break;
      case 'crash': {
        // The process dies after a few jobs (optionally holding a claimed job's lease); a fresh
        // worker on the same database carries on.
        await worker.runUntilIdle({ maxJobs: action.jobs });
        await landTimedOutCalls();
        if (action.abandonLease) {
          const claimed = claimNextJob(h.service.database.db, { owner: `dead-${log.length}`, now: h.clock.now(), leaseMs: 5 * 60_000 });
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
        const found = await desk.item(barcode);
        if (!found) break;
        const itemPath = `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}`;
        const response =
          action.op === 'check-in'
            ? await h.alma('POST', `${itemPath}?op=scan&library=MAIN&circ_desk=DEFAULT_CIRC_DESK`)
            : await h.alma('POST', `/users/${encodeURIComponent(otherPatron)}/loans?item_barcode=${encodeURIComponent(barcode)}`, {
                circ_desk: { value: 'DEFAULT_CIRC_DESK' },
                library: { value: 'MAIN' },
              });
        log.push(`  desk ${action.op} ${barcode} → ${response.status}`);
        deskLoans.delete(barcode);
        const isLendingItem = lending.some((r) => r?.barcode === barcode);
        if (action.op === 'check-out' && response.status === 200 && isLendingItem) {
          const loan = await desk.loan(barcode);
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
    if ((await desk.countItems(p.barcode)) !== 1) violations.push(`planted item ${p.barcode} (${p.why}) no longer exists`);
    const loan = await desk.loan(p.barcode);
    if (JSON.stringify(loan) !== JSON.stringify(p.loan))
      violations.push(`planted item ${p.barcode} (${p.why}): loan was ${JSON.stringify(p.loan)}, now ${JSON.stringify(loan)}`);
  }
  for (const [barcode, before] of deskLoans) {
    const loan = await desk.loan(barcode);
    if (JSON.stringify(loan) !== JSON.stringify(before)) {
      violations.push(`desk loan of ${barcode} to ${otherPatron} was ${JSON.stringify(before)}, now ${JSON.stringify(loan)}`);
    }
  }

  // (2) no duplicate temporary items or holds; (3) no orphan of a cleaned-up request
  const barcodes = new Set([...temporaryBarcodes.values(), ...lendingItems.map((i) => i.barcode), theirs.barcode]);
  for (const barcode of barcodes) {
    const holds = await desk.holds(barcode);
    const perPatron = new Map<string, number>();
    for (const hold of holds) perPatron.set(hold.patronId, (perPatron.get(hold.patronId) ?? 0) + 1);
    for (const [who, count] of perPatron) if (count > 1) violations.push(`${count} holds for patron ${who} on ${barcode}`);
  }
  for (const [id, barcode] of temporaryBarcodes) {
    const marker = encodeURIComponent(`(BOOKSTRAP)${id}-${barcode}`);
    const bibs = ((await h.alma('GET', `/bibs?other_system_id=${marker}`)).body?.bib ?? []) as unknown[];
    if (bibs.length > 1) violations.push(`${bibs.length} temporary bibs for request ${id}, barcode ${barcode}`);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    const steps = request.steps as { name: string; state: string }[];
    const done = (name: string) => steps.some((s) => s.name === name && s.state === 'succeeded');
    if (done('delete-temporary-item') && done('check-in')) {
      if (bibs.length > 0) violations.push(`request ${id}: temporary item ${barcode} deleted, but its bib is left`);
      const item = await desk.item(barcode);
      if (item && barcode !== theirs.barcode && !lendingItems.some((i) => i.barcode === barcode)) {
        violations.push(`request ${id}: temporary item ${barcode} reported deleted, but it is still in Alma`);
      }
    }
  }

  // (4) every request settles, and whatever did not succeed says why
  const ids = [...borrowing, ...lending].map((r) => r.id);
  for (const id of ids) {
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    if (request.pendingSteps !== 0) violations.push(`request ${id}: ${request.pendingSteps} steps still pending after settling`);
    for (const step of request.steps as { key: string; state: string; lastOutcome?: { reason?: string } }[]) {
      if (step.state === 'succeeded') {
        log.push(`  final ${id} ${step.key.split(':')[1]} succeeded`);
        continue;
      }
      log.push(`  final ${id} ${step.key.split(':')[1]} ${step.state}`);
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
  for (const key of [h.keys.TULSA, h.keys.PARTNR]) {
    const list = await h.ok(200, 'GET', '/v1/requests?needsAttention=true&limit=200', { key });
    for (const r of list.requests as { id: string }[]) queued.add(r.id);
  }
  for (const id of ids) {
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    if (queued.has(id) !== request.needsAttention) violations.push(`request ${id}: the needs-attention list and the request disagree`);
  }
  return { violations, log };
}

/** The fc property: a scenario is a counterexample when any invariant is violated. */
export const chaosProperty = (maxLength = 30) =>
  fc.asyncProperty(scenarioArb(maxLength), async (scenario) => {
    const { violations, log } = await runScenario(scenario);
    if (violations.length > 0) throw new Error(`${violations.join('\n')}\n--- scenario log ---\n${log.join('\n')}`);
  });
