import { transaction } from '../store/connection.ts';
import { randomUUID } from 'node:crypto';
import {
  type Connection,
  configurationError,
  type IlsStep,
  idempotencyKey,
  needsStaff,
  retryable,
  outcomeText,
  pendingText,
  runStep,
  skippedText,
  type StepOutcome,
} from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { budgetKeyOf, governanceOf } from '../adapters/governance.ts';
import { sharedTokensFor } from '../adapters/shared-tokens.ts';
import {
  type AdapterContext,
  type AdapterDefinition,
  type AdapterRegistry,
  adapterKey,
  type Clock,
  type FetchLike,
  type SessionCache,
} from '../adapters/types.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { Db, ServiceDatabase } from '../store/database.ts';
import { refreshAttention } from '../store/attention.ts';
import { findLibraryById } from '../store/libraries.ts';
import { feeIdCharged, loansHeldByOtherRequests } from '../store/loans.ts';
import { storageFault } from '../store/faults.ts';
import { claimNextJob, findJob, finishJob, ilsBarcodeOfTemporaryItem, type Job, type JobResult, renewLease, settleDependents } from '../store/outbox.ts';
import { appendProtocolLog } from '../store/protocol-log.ts';
import { appendHistory, setPatronExpiry } from '../store/requests.ts';
import { type BackoffPolicy, defaultBackoff, retryDelayMs } from './backoff.ts';
import { BudgetPausedError, budgetContext, RateLimiter } from './rate-limit.ts';

/**
 * The durable worker: claims due outbox jobs (a lease, so two workers never run the same job and
 * a dead worker's job is taken over when its lease runs out), runs each through the library's
 * adapter with core's `runStep`, and writes the outcome back: job state, history entry, retry
 * schedule. Steps of one request run in plan order (the store only offers a step whose
 * predecessors succeeded). A succeeded step is never run again.
 */
export interface WorkerOptions {
  db: ServiceDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  fetch?: FetchLike;
  logger?: Logger;
  /** identifies this worker's leases; unique per process by default */
  owner?: string;
  /** short, so a dead worker's job is taken over in seconds; the heartbeat keeps a live one's */
  leaseMs?: number;
  /** how often a running step's lease is extended; default a third of the lease */
  heartbeatMs?: number;
  /** waits between attempts to write an outcome before it is kept in memory for the loop */
  writeRetryMs?: number[];
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  limiter?: RateLimiter;
  /** a budget paused longer than this makes the step retryable instead of holding a slot; default 5 s */
  maxThrottleWaitMs?: number;
  /** idle polling interval of the `start()` loop */
  pollMs?: number;
  /** the longest a loop waits after its look failed (the wait doubles from pollMs); default 5 s */
  maxErrorWaitMs?: number;
  /** jobs run at once by the `start()` loop, over all libraries (one request's steps never run together) */
  concurrency?: number;
  /**
   * jobs of one library run at once: a slow or unreachable ILS holds at most this many of the
   * `concurrency` slots, so it only slows its own libraries
   */
  perLibraryConcurrency?: number;
  /** runs in the transaction that writes a step's outcome (the service's automation after a patron lookup) */
  afterOutcome?: (tx: Db, job: Job, result: JobResult) => Promise<void> | void;
  /**
   * called when a claimed job's run is over (its outcome written, or kept for the loop to write):
   * lets an in-process watcher (the conformance suite) look at the request then instead of polling
   */
  onJobFinished?: (job: Job) => Promise<void> | void;
}

export interface Worker {
  readonly owner: string;
  /** claims and runs one job; false when nothing was due */
  runOnce(): Promise<boolean>;
  /** runs due jobs until none is left (steps waiting for a retry time are not due); returns how many ran */
  runUntilIdle(options?: { maxJobs?: number }): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  /** new jobs were queued: look now instead of at the next poll */
  kick(): void;
}

export function createWorker(options: WorkerOptions): Worker {
  const owner = options.owner ?? `worker-${randomUUID()}`;
  const logger = options.logger ?? silentLogger;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const leaseMs = options.leaseMs ?? 15_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const writeRetryMs = options.writeRetryMs ?? [50, 250, 1_000];
  const timeoutMs = options.timeoutMs ?? 15_000;
  const backoff = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;
  const limiter = options.limiter ?? RateLimiter.forDatabase(options.db);
  const pollMs = options.pollMs ?? 1_000;
  const concurrency = options.concurrency ?? 64;
  // Enough for one institution's whole Alma allowance (25 calls/s, which the pacer lets go at
  // once when the window frees) plus the calls waiting on the ILS's answer: with fewer, places
  // that come free wait for a step to come round, and the budget runs below the vendor's rate.
  const perLibrary = Math.max(1, Math.min(options.perLibraryConcurrency ?? 32, concurrency));
  /** jobs running now, per library (this process) */
  const inFlight = new Map<number, number>();
  const { db, clock, registry } = options;

  /** jobs whose call found their budget paused for long (the step is retried when it ends) */
  const paused = new Map<number, BudgetPausedError>();
  const maxThrottleWaitMs = options.maxThrottleWaitMs ?? 5_000;
  // Which budget each library spends (learned as its jobs run), so a paused budget's libraries are skipped.
  const budgetOfLibrary = new Map<number, string>();
  const sessions = new Map<string, SessionCache>();

  /** The library's credentials cache; a changed connection (new key, new host) starts a fresh one. */
  function sessionsFor(libraryId: number, connection: Connection): SessionCache {
    const key = `${libraryId}:${JSON.stringify(connection)}`;
    let cache = sessions.get(key);
    if (!cache) {
      for (const known of sessions.keys()) if (known.startsWith(`${libraryId}:`)) sessions.delete(known);
      cache = new Map();
      sessions.set(key, cache);
    }
    return cache;
  }

  function adapterContext(job: Job, connection: Connection, definition: AdapterDefinition): AdapterContext {
    const budget = budgetKeyOf(connection);
    const governance = governanceOf(definition, connection);
    budgetOfLibrary.set(job.libraryId, budget);
    const budgetCalls = budgetContext(limiter, budget, governance, {
      maxWaitMs: maxThrottleWaitMs,
      onError: (error, what) => logger.warn({ err: error, requestId: job.requestId, step: job.key }, `rate budget: ${what} failed`),
    });
    return {
      fetch: fetchImpl,
      timeoutMs,
      clock,
      record: async (exchange) => await appendProtocolLog(db, { ...exchange, requestId: job.requestId, stepKey: job.key, libraryId: job.libraryId }),
      // A pause longer than a few seconds (a daily quota spent) is not waited out in a worker slot:
      // the step is retried when the pause ends (see execute), and the library is skipped till then.
      throttle: () =>
        budgetCalls.throttle().catch((error: unknown) => {
          if (error instanceof BudgetPausedError) paused.set(job.id, error);
          throw error;
        }),
      backOff: budgetCalls.backOff,
      quotaRemaining: budgetCalls.quotaRemaining,
      sessions: sessionsFor(job.libraryId, connection),
      // and through the store, with every other instance on this database
      sharedTokens: sharedTokensFor(db, connection, clock),
      // attempts counts claims (a run that died counts too); a staff retry keeps the last outcome
      firstRun: job.attempts === 1 && job.lastOutcome === undefined,
    };
  }

  async function execute(job: Job): Promise<StepOutcome<Record<string, unknown>>> {
    const library = await findLibraryById(db, job.libraryId);
    if (!library) return configurationError(`library ${job.libraryId} no longer exists`);
    const definition = adapterFor(registry, library.connection);
    if (!definition) return configurationError(`no adapter for ${adapterKey(library.connection)}; check the library's connection`);
    const system = definition.create(library.connection, adapterContext(job, library.connection, definition));
    try {
      const outcome = await runStep(system, await withStoreFacts(job));
      const pause = paused.get(job.id);
      return pause ? retryable(`${pause.message}; the step waits for it`, pause.waitMs) : outcome;
    } finally {
      paused.delete(job.id);
    }
  }

  async function pausedLibraries(): Promise<number[]> {
    const paused = new Set(await limiter.pausedKeys());
    if (paused.size === 0) return [];
    return [...budgetOfLibrary.entries()].filter(([, budget]) => paused.has(budget)).map(([id]) => id);
  }

  /**
   * The step as it acts in the ILS: a step planned on the request's temporary item acts on the
   * barcode the ILS gave that item when it made it under another (Koha does, when the sent one is
   * taken) — the item under the sent barcode is someone else's. Planned keys keep the sent one.
   */
  async function underIlsBarcode(db: Db, job: Job): Promise<IlsStep> {
    if (job.step.name === 'create-temporary-item' || !('itemBarcode' in job.step.input)) return job.step;
    const sent = job.step.input.itemBarcode;
    if (typeof sent !== 'string' || sent === '') return job.step;
    const given = await ilsBarcodeOfTemporaryItem(db, job.requestId, sent);
    return given ? ({ ...job.step, input: { ...job.step.input, itemBarcode: given } } as IlsStep) : job.step;
  }

  /** What only the store knows and the adapter needs to be honest, read when the step runs. */
  async function withStoreFacts(planned: Job): Promise<IlsStep> {
    const job: Job = { ...planned, step: await underIlsBarcode(db, planned) };
    if (job.step.name === 'cancel-hold') return await withRecordedHoldId(job.step);
    if (job.step.name === 'place-hold') return await withPatronRecord(await withCreatedItem(job.step));
    if (job.step.name === 'remove-fee') {
      // The fee to take back is the one its charge step recorded, and no other.
      const feeId = await feeIdCharged(db, job.step.input.chargeKey);
      return feeId === undefined ? job.step : { ...job.step, input: { ...job.step.input, feeId } };
    }
    if (job.step.name !== 'check-out-to-borrowing-library') return job.step;
    const held = await loansHeldByOtherRequests(db, { libraryId: job.libraryId, requestId: job.requestId, itemBarcode: job.step.input.itemBarcode });
    return held.length === 0 ? job.step : { ...job.step, input: { ...job.step.input, heldForOtherRequests: held } };
  }

  /** The item the hold goes on was created by an earlier step, which said what the ILS calls it. */
  async function withCreatedItem(planned: Extract<IlsStep, { name: 'place-hold' }>): Promise<Extract<IlsStep, { name: 'place-hold' }>> {
    if (planned.input.itemId) return planned;
    for (const key of planned.requires ?? []) {
      const created = await findJob(db, key);
      const outcome = created?.step.name === 'create-temporary-item' ? created.lastOutcome : undefined;
      const value = outcome && (outcome.kind === 'done' || outcome.kind === 'already-done') ? outcome.value : undefined;
      const itemId = value?.itemId;
      if (typeof itemId !== 'string' || itemId === '') continue;
      // A hold the creating step placed counts only for this patron at this pickup location (a
      // correction may have changed either since).
      const heldFor = value?.holdPlacedFor as { patronId?: unknown; pickupLocation?: unknown } | undefined;
      const holdPlacedWithItem = heldFor?.patronId === planned.input.patronId && heldFor?.pickupLocation === planned.input.pickupLocation;
      return { ...planned, input: { ...planned.input, itemId, ...(holdPlacedWithItem ? { holdPlacedWithItem } : {}) } };
    }
    return planned;
  }

  /**
   * The patron's record in the ILS, as this request's look-up of the same patron ID found it
   * (Sierra names patrons by record number, not barcode): the hold need not look the patron up
   * again. Only that patron ID's own look-up counts — a corrected patron has its own.
   */
  async function withPatronRecord(planned: Extract<IlsStep, { name: 'place-hold' }>): Promise<Extract<IlsStep, { name: 'place-hold' }>> {
    if (planned.input.ilsPatronId) return planned;
    const looked = await findJob(db, idempotencyKey(planned.input.requestId, 'lookup-patron', planned.input.patronId));
    const outcome = looked?.step.name === 'lookup-patron' ? looked.lastOutcome : undefined;
    const value = outcome && (outcome.kind === 'done' || outcome.kind === 'already-done') ? outcome.value : undefined;
    const ilsPatronId = value?.ilsPatronId;
    return typeof ilsPatronId === 'string' && ilsPatronId !== '' ? { ...planned, input: { ...planned.input, ilsPatronId } } : planned;
  }

  /**
   * A cancel-hold planned before its hold was placed (a lending request ending) learns the hold's
   * ID now, from the outcome the place step recorded: the adapter then cancels that hold only.
   */
  async function withRecordedHoldId(planned: Extract<IlsStep, { name: 'cancel-hold' }>): Promise<IlsStep> {
    if (planned.input.holdId) return planned;
    const placed = await findJob(db, planned.input.placedBy);
    const value = (placed?.lastOutcome as { value?: { holdId?: unknown } } | undefined)?.value;
    const holdId = typeof value?.holdId === 'string' && value.holdId !== '' ? value.holdId : undefined;
    return holdId ? { ...planned, input: { ...planned.input, holdId } } : planned;
  }

  function resultOf(job: Job, outcome: StepOutcome<Record<string, unknown>>, now: Date): JobResult {
    switch (outcome.kind) {
      case 'done':
      case 'already-done':
        return { state: 'succeeded', outcome };
      case 'retryable':
        if (job.attempts >= backoff.maxAttempts) {
          return { state: 'needs-staff', outcome: needsStaff(`gave up after ${job.attempts} attempts; last: ${outcome.reason}`) };
        }
        return {
          state: 'failed-retryable',
          outcome,
          nextAttemptAt: new Date(now.getTime() + retryDelayMs(backoff, job.attempts, random, outcome.retryAfterMs)),
        };
      case 'needs-staff':
        return { state: 'needs-staff', outcome };
      case 'configuration-error':
        return { state: 'configuration-error', outcome };
    }
  }

  /** Extends the job's lease every heartbeatMs until stopped or lost; returns the stop. */
  function heartbeat(job: Job): () => void {
    const timer = setInterval(async () => {
      try {
        if (await renewLease(db, job.id, owner, new Date(clock.now().getTime() + leaseMs))) return;
        clearInterval(timer);
        logger.warn({ requestId: job.requestId, step: job.key }, 'lease lost to another worker; this run’s outcome will not be written');
      } catch (error) {
        // Storage trouble: keep trying; the lease only lapses if it lasts longer than leaseMs.
        logger.warn({ err: error, requestId: job.requestId, step: job.key }, 'lease renewal failed');
      }
    }, heartbeatMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async function record(job: Job, result: JobResult): Promise<void> {
    const now = clock.now();
    await transaction(
      db,
      async (tx) => {
        // A worker that lost its lease (it outlived it, another took over) writes nothing.
        if (!(await finishJob(tx, job, owner, result, now))) {
          logger.warn({ requestId: job.requestId, step: job.key }, 'lease lost before the outcome was written; the new owner’s run counts');
          return;
        }
        await appendHistory(
          tx,
          {
            requestId: job.requestId,
            kind: 'outcome',
            stepKey: job.key,
            outcome: result.outcome.kind,
            text: outcomeText(await underIlsBarcode(tx, job), result.outcome),
          },
          now,
        );
        const patron = patronExpiryOf(job.step, result.outcome);
        if (patron) await setPatronExpiry(tx, job.requestId, patron, now);
        await options.afterOutcome?.(tx, job, result);
        for (const { job: dependent, change, reason } of await settleDependents(tx, job, result.state, now)) {
          await appendHistory(
            tx,
            change === 'skipped'
              ? { requestId: job.requestId, kind: 'outcome', stepKey: dependent.key, outcome: 'skipped', text: skippedText(dependent.step, reason) }
              : {
                  requestId: job.requestId,
                  kind: 'pending',
                  stepKey: dependent.key,
                  text: `${pendingText(dependent.step).replace(/\.$/, '')}, now that ${reason}.`,
                },
            now,
          );
        }
        // A step that stopped on a request that has ended is moot; the queue column follows.
        await refreshAttention(tx, job.requestId, now);
      },
      { behavior: 'immediate' },
    );
  }

  // Outcomes whose write failed (disk full, I/O error, locked): kept, with their lease alive, and
  // written before anything new is claimed, so a storage fault never silently loses one.
  const unwritten: { job: Job; result: JobResult; stopHeartbeat: () => void }[] = [];

  async function writeUnwritten(): Promise<boolean> {
    while (unwritten.length > 0) {
      const pending = unwritten[0]!;
      try {
        await record(pending.job, pending.result);
      } catch (error) {
        logger.warn({ err: error, requestId: pending.job.requestId, step: pending.job.key, cause: storageFault(error)?.message }, 'outcome still not written');
        return false;
      }
      pending.stopHeartbeat();
      unwritten.shift();
      logger.info({ requestId: pending.job.requestId, step: pending.job.key }, 'kept outcome written');
    }
    return true;
  }

  async function recordDurably(job: Job, result: JobResult, stopHeartbeat: () => void): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await record(job, result);
        stopHeartbeat();
        return;
      } catch (error) {
        const delay = writeRetryMs[attempt];
        if (delay === undefined) {
          const fault = storageFault(error);
          const log = { err: error, requestId: job.requestId, step: job.key, state: result.state, cause: fault?.message };
          if (!fault) {
            // A bug, not the disk: holding it would stall the worker for good. The lease lapses
            // and the (idempotent) step runs again.
            stopHeartbeat();
            logger.error(log, 'outcome not written; the step runs again after its lease');
            return;
          }
          unwritten.push({ job, result, stopHeartbeat });
          logger.error(log, 'outcome not written; kept in memory and retried');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * One claim at a time in this worker: a library's running count is read before the claim and
   * raised after it, so two loops claiming at once could both pass a library's limit.
   */
  let claims: Promise<unknown> = Promise.resolve();
  function claimInTurn(): Promise<Job | undefined> {
    const claimed = claims.then(async () => {
      const saturated = [...inFlight.entries()].filter(([, n]) => n >= perLibrary).map(([id]) => id);
      const skipLibraries = [...new Set([...(await pausedLibraries()), ...saturated])];
      const job = await claimNextJob(db, { owner, now: clock.now(), leaseMs, skipLibraries });
      if (job) inFlight.set(job.libraryId, (inFlight.get(job.libraryId) ?? 0) + 1);
      return job;
    });
    claims = claimed.catch(() => undefined);
    return claimed;
  }

  async function runOnce(): Promise<boolean> {
    // Storage still failing: claiming more work whose outcome cannot be written helps nobody.
    if (!(await writeUnwritten())) return false;
    const job = await claimInTurn();
    if (!job) return false;
    // There may be more: one more loop looks (a chain of wake-ups, not the whole herd at once).
    wakeOne();
    try {
      await runClaimed(job);
    } finally {
      const left = (inFlight.get(job.libraryId) ?? 1) - 1;
      if (left > 0) inFlight.set(job.libraryId, left);
      else inFlight.delete(job.libraryId);
      // A slot of this library came free: a loop that found only its jobs can take one now.
      if (left + 1 >= perLibrary) wakeOne();
      await options.onJobFinished?.(job);
    }
    return true;
  }

  async function runClaimed(job: Job): Promise<void> {
    const stopHeartbeat = heartbeat(job);
    let outcome: StepOutcome<Record<string, unknown>>;
    try {
      outcome = await execute(job);
    } catch (error) {
      // execute() only throws on a bug outside the adapter; the job must still settle.
      outcome = needsStaff(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = resultOf(job, outcome, clock.now());
    await recordDurably(job, result, stopHeartbeat);
    const log = { requestId: job.requestId, step: job.key, attempt: job.attempts, outcome: outcome.kind, state: result.state };
    if (result.state === 'succeeded') logger.info(log, 'ILS step done');
    else logger.warn({ ...log, reason: 'reason' in result.outcome ? result.outcome.reason : undefined }, 'ILS step not done');
  }

  async function runUntilIdle(runOptions: { maxJobs?: number } = {}): Promise<number> {
    const max = runOptions.maxJobs ?? 10_000;
    let ran = 0;
    while (ran < max && (await runOnce())) ran += 1;
    return ran;
  }

  // ---- the server loop ---------------------------------------------------------------------
  let running = false;
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  const wakeOne = () => {
    const [first] = sleepers;
    first?.();
  };
  const loops: Promise<void>[] = [];

  /**
   * A loop whose look fails (the database is down, a Postgres server restarting) waits longer
   * each time, up to `maxErrorWaitMs`, and the failures are logged when they start, every 100th,
   * and when the store answers again — not once per loop per poll (64 loops × 10 a second).
   */
  let failuresInARow = 0;
  const maxErrorWaitMs = options.maxErrorWaitMs ?? 5_000;

  async function loop(): Promise<void> {
    let mine = 0;
    while (running) {
      let worked = false;
      let failed = false;
      try {
        worked = await runOnce();
        mine = 0;
        if (failuresInARow > 0) {
          logger.info({ failures: failuresInARow }, 'worker: the store answers again');
          failuresInARow = 0;
        }
      } catch (error) {
        failed = true;
        mine += 1;
        failuresInARow += 1;
        if (failuresInARow === 1 || failuresInARow % 100 === 0)
          logger.error({ err: error, failures: failuresInARow }, 'worker loop error; looking again with a growing wait');
      }
      if (!worked && running) {
        const waitMs = failed ? Math.min(maxErrorWaitMs, pollMs * 2 ** Math.min(mine, 10)) : pollMs;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            sleepers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, waitMs);
          sleepers.add(wake);
        });
      }
    }
  }

  return {
    owner,
    runOnce,
    runUntilIdle,
    start() {
      if (running) return;
      running = true;
      for (let i = 0; i < concurrency; i += 1) loops.push(loop());
    },
    async stop() {
      running = false;
      wakeAll();
      await Promise.all(loops.splice(0));
      if (await writeUnwritten()) return;
      // Not lost silently: the lease lapses and another worker re-runs the step (steps are idempotent).
      for (const pending of unwritten.splice(0)) {
        pending.stopHeartbeat();
        logger.error(
          { requestId: pending.job.requestId, step: pending.job.key, state: pending.result.state, outcome: pending.result.outcome },
          'stopped with an unwritten outcome',
        );
      }
    },
    kick() {
      // One loop looks; if it finds work it wakes the next (no thundering herd on every enqueue).
      wakeOne();
    },
  };
}

/** A verified patron's expiry is kept on the request: the patron's due date is capped by it. */
function patronExpiryOf(step: IlsStep, outcome: StepOutcome<Record<string, unknown>>): string | undefined {
  if (step.name !== 'lookup-patron' || (outcome.kind !== 'done' && outcome.kind !== 'already-done')) return undefined;
  const expiry = outcome.value?.expiryDate;
  return typeof expiry === 'string' ? expiry : undefined;
}
