import { randomUUID } from 'node:crypto';
import { configurationError, type IlsStep, needsStaff, outcomeText, pendingText, runStep, skippedText, type StepOutcome } from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { type AdapterContext, type AdapterRegistry, adapterKey, type Clock, type FetchLike } from '../adapters/types.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { ServiceDatabase } from '../store/database.ts';
import { findLibraryById } from '../store/libraries.ts';
import { claimNextJob, finishJob, type Job, type JobResult, settleDependents } from '../store/outbox.ts';
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
  leaseMs?: number;
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  limiter?: RateLimiter;
  /** idle polling interval of the `start()` loop */
  pollMs?: number;
  /** jobs run at once by the `start()` loop (one request's steps never run together) */
  concurrency?: number;
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
  const leaseMs = options.leaseMs ?? 5 * 60_000;
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
    return runStep(system, job.step);
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

  function record(job: Job, result: JobResult): void {
    const now = clock.now();
    db.transaction(
      (tx) => {
        // A worker that lost its lease (it outlived it, another took over) writes nothing.
        if (!finishJob(tx, job, owner, result, now)) return;
        appendHistory(
          tx,
          { requestId: job.requestId, kind: 'outcome', stepKey: job.key, outcome: result.outcome.kind, text: outcomeText(job.step, result.outcome) },
          now,
        );
        const patron = patronExpiryOf(job.step, result.outcome);
        if (patron) setPatronExpiry(tx, job.requestId, patron, now);
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
      },
      { behavior: 'immediate' },
    );
  }

  async function runOnce(): Promise<boolean> {
    const skipLibraries = limiter.pausedKeys().map(Number);
    const job = claimNextJob(db, { owner, now: clock.now(), leaseMs, skipLibraries });
    if (!job) return false;
    let outcome: StepOutcome<Record<string, unknown>>;
    try {
      outcome = await execute(job);
    } catch (error) {
      // execute() only throws on a bug outside the adapter; the job must still settle.
      outcome = needsStaff(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = resultOf(job, outcome, clock.now());
    record(job, result);
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
