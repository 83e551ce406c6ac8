import { randomUUID } from 'node:crypto';
import { configurationError, type IlsStep, needsStaff, outcomeText, pendingText, runStep, skippedText, type StepOutcome } from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { type AdapterContext, type AdapterRegistry, adapterKey, type Clock, type FetchLike } from '../adapters/types.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { Db, ServiceDatabase } from '../store/database.ts';
import { refreshAttention } from '../store/attention.ts';
import { findLibraryById } from '../store/libraries.ts';
import { feeIdCharged, loansHeldByOtherRequests } from '../store/loans.ts';
import { storageFault } from '../store/faults.ts';
import { claimNextJob, finishJob, type Job, type JobResult, renewLease, settleDependents } from '../store/outbox.ts';
import { appendProtocolLog } from '../store/protocol-log.ts';
import { appendHistory, setPatronExpiry } from '../store/requests.ts';
import { type BackoffPolicy, defaultBackoff, retryDelayMs } from './backoff.ts';
import { RateLimiter } from './rate-limit.ts';

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
  /** idle polling interval of the `start()` loop */
  pollMs?: number;
  /** jobs run at once by the `start()` loop (one request's steps never run together) */
  concurrency?: number;
  /** runs in the transaction that writes a step's outcome (the service's automation after a patron lookup) */
  afterOutcome?: (tx: Db, job: Job, result: JobResult) => void;
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
  const limiter = options.limiter ?? new RateLimiter();
  const pollMs = options.pollMs ?? 1_000;
  const concurrency = options.concurrency ?? 2;
  const { db, clock, registry } = options;

  function adapterContext(job: Job, rate: number): AdapterContext {
    const key = String(job.libraryId);
    return {
      fetch: fetchImpl,
      timeoutMs,
      clock,
      record: (exchange) => appendProtocolLog(db, { ...exchange, requestId: job.requestId, stepKey: job.key, libraryId: job.libraryId }),
      throttle: () => limiter.take(key, rate),
      backOff: (ms) => limiter.backOff(key, ms),
    };
  }

  async function execute(job: Job): Promise<StepOutcome<Record<string, unknown>>> {
    const library = findLibraryById(db, job.libraryId);
    if (!library) return configurationError(`library ${job.libraryId} no longer exists`);
    const definition = adapterFor(registry, library.connection);
    if (!definition) return configurationError(`no adapter for ${adapterKey(library.connection)}; check the library's connection`);
    const system = definition.create(library.connection, adapterContext(job, definition.ratePerSecond));
    return runStep(system, withStoreFacts(job));
  }

  /** What only the store knows and the adapter needs to be honest, read when the step runs. */
  function withStoreFacts(job: Job): IlsStep {
    if (job.step.name === 'remove-fee') {
      // The fee to take back is the one its charge step recorded, and no other.
      const feeId = feeIdCharged(db, job.step.input.chargeKey);
      return feeId === undefined ? job.step : { ...job.step, input: { ...job.step.input, feeId } };
    }
    if (job.step.name !== 'check-out-to-borrowing-library') return job.step;
    const held = loansHeldByOtherRequests(db, { libraryId: job.libraryId, requestId: job.requestId, itemBarcode: job.step.input.itemBarcode });
    return held.length === 0 ? job.step : { ...job.step, input: { ...job.step.input, heldForOtherRequests: held } };
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
    const timer = setInterval(() => {
      try {
        if (renewLease(db, job.id, owner, new Date(clock.now().getTime() + leaseMs))) return;
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

  function record(job: Job, result: JobResult): void {
    const now = clock.now();
    db.transaction(
      (tx) => {
        // A worker that lost its lease (it outlived it, another took over) writes nothing.
        if (!finishJob(tx, job, owner, result, now)) {
          logger.warn({ requestId: job.requestId, step: job.key }, 'lease lost before the outcome was written; the new owner’s run counts');
          return;
        }
        appendHistory(
          tx,
          { requestId: job.requestId, kind: 'outcome', stepKey: job.key, outcome: result.outcome.kind, text: outcomeText(job.step, result.outcome) },
          now,
        );
        const patron = patronExpiryOf(job.step, result.outcome);
        if (patron) setPatronExpiry(tx, job.requestId, patron, now);
        options.afterOutcome?.(tx, job, result);
        for (const { job: dependent, change, reason } of settleDependents(tx, job, result.state, now)) {
          appendHistory(
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
        refreshAttention(tx, job.requestId, now);
      },
      { behavior: 'immediate' },
    );
  }

  // Outcomes whose write failed (disk full, I/O error, locked): kept, with their lease alive, and
  // written before anything new is claimed, so a storage fault never silently loses one.
  const unwritten: { job: Job; result: JobResult; stopHeartbeat: () => void }[] = [];

  function writeUnwritten(): boolean {
    while (unwritten.length > 0) {
      const pending = unwritten[0]!;
      try {
        record(pending.job, pending.result);
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
        record(job, result);
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

  async function runOnce(): Promise<boolean> {
    // Storage still failing: claiming more work whose outcome cannot be written helps nobody.
    if (!writeUnwritten()) return false;
    const skipLibraries = limiter.pausedKeys().map(Number);
    const job = claimNextJob(db, { owner, now: clock.now(), leaseMs, skipLibraries });
    if (!job) return false;
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
    return true;
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
  const loops: Promise<void>[] = [];

  async function loop(): Promise<void> {
    while (running) {
      let worked = false;
      try {
        worked = await runOnce();
      } catch (error) {
        logger.error({ err: error }, 'worker loop error');
      }
      if (!worked && running) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            sleepers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, pollMs);
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
      if (writeUnwritten()) return;
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
      wakeAll();
    },
  };
}

/** A verified patron's expiry is kept on the request: the patron's due date is capped by it. */
function patronExpiryOf(step: IlsStep, outcome: StepOutcome<Record<string, unknown>>): string | undefined {
  if (step.name !== 'lookup-patron' || (outcome.kind !== 'done' && outcome.kind !== 'already-done')) return undefined;
  const expiry = outcome.value?.expiryDate;
  return typeof expiry === 'string' ? expiry : undefined;
}
