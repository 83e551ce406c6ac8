import { idempotencyKeyRetentionMs, pruneIdempotencyKeys } from './store/idempotency.ts';
import { defaultProtocolLogRetentionDays, pruneProtocolLog } from './store/protocol-log.ts';
import type { AdapterRegistry, Clock, FetchLike } from './adapters/types.ts';
import { defaultAdapterRegistry } from './adapters/registry.ts';
import { createApp } from './app.ts';
import type { App } from './http/types.ts';
import { type Logger, silentLogger } from './logger.ts';
import { type OpenedDatabase, openDatabase } from './store/database.ts';
import { automateAfterPatronLookup } from './workflow/automation.ts';
import { ageOutMissing } from './workflow/requests.ts';
import { findLibraryById } from './store/libraries.ts';
import { lendingDueDateReport, type PatronSummary } from '@bookstrap/core';
import type { Mailer } from './notices/mailer.ts';
import { createNoticeSender, type NoticeSender } from './notices/sender.ts';
import { createIlsSync, type IlsSync } from './sync/sync.ts';
import { writeObservation } from './sync/store.ts';
import { RateLimiter } from './worker/rate-limit.ts';
import { createPeriodicWork, type PeriodicTask, type PeriodicWork } from './worker/periodic.ts';
import { createWorker, type Worker, type WorkerOptions } from './worker/worker.ts';
import { appendHistory } from './store/requests.ts';

/**
 * The whole service wired together: database (migrated), HTTP app and worker, sharing one clock,
 * adapter registry and transport. The server, the demo and the tests all build it this way.
 */
export interface ServiceOptions {
  /** SQLite file, or `:memory:`; default `BOOKSTRAP_DB` or ./data/bookstrap.sqlite */
  dbPath?: string;
  /** an opened database instead (Postgres: store/open.ts `openStore`); the service closes it */
  database?: OpenedDatabase;
  /** one admin key, or several accepted at once while rotating it */
  adminKey: string | readonly string[];
  /** how long a library's old key keeps working after a rotation; default 24 h */
  keyGracePeriodMs?: number;
  clock?: Clock;
  registry?: AdapterRegistry;
  fetch?: FetchLike;
  logger?: Logger;
  worker?: Partial<Omit<WorkerOptions, 'db' | 'clock' | 'registry' | 'fetch' | 'logger'>>;
  timeoutMs?: number;
  /** days the raw ILS traffic (protocol log) is kept; default 30, as ReShare keeps it */
  protocolLogRetentionDays?: number;
  /** mails due patron notices (notices/sender.ts); absent: the queue is left for the library's own mailer */
  mail?: { mailer: Mailer; from: string; intervalMs?: number };
  /** how often (real time) the ILS sync looks at its schedule; each library's interval is on the clock */
  ilsSyncPollMs?: number;
  /**
   * The periodic work's leases (worker/periodic.ts): several instances on one database run each
   * periodic task on one of them; `leaseMs` is how soon another takes over from a dead one.
   */
  periodic?: { leaseMs?: number; checkMs?: number; owner?: string; now?: () => number };
}

export interface Service {
  app: App;
  worker: Worker;
  /** the per-library ILS sync (what circulation did first) */
  ilsSync: IlsSync;
  /** present when the service mails patron notices itself */
  notices?: NoticeSender | undefined;
  /** starts the worker and the periodic work (the server and the demo call this) */
  start(): Promise<void>;
  /** the sweeps, the ILS sync's schedule and the notice sender, run by one instance at a time */
  periodic: PeriodicWork;
  /** runs the daily sweeps now: returns the requests aged out */
  sweep(): Promise<string[]>;
  database: OpenedDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

export function createService(options: ServiceOptions): Service {
  const database = options.database ?? openDatabase(options.dbPath);
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? defaultAdapterRegistry;
  const logger = options.logger ?? silentLogger;
  // One rate budget per institution, shared by the worker's steps and the ILS sync's reads, and
  // (through ils_rate_budgets) by every instance on this database.
  const limiter = options.worker?.limiter ?? RateLimiter.forDatabase(database.db);
  const worker = createWorker({
    limiter,
    db: database.db,
    clock,
    registry,
    logger,
    // Automation rules on the patron wait for the ILS lookup: decided in its outcome's transaction.
    afterOutcome: async (tx, job, result) => {
      if (job.step.name === 'check-out-to-borrowing-library' && result.state === 'succeeded') {
        // Lending: the ILS caps the loan at the borrowing library account's expiry; say so on the request.
        const value = 'value' in result.outcome ? (result.outcome.value as { dueDate?: unknown } | undefined) : undefined;
        const given = typeof value?.dueDate === 'string' ? value.dueDate : undefined;
        const report = lendingDueDateReport(job.step.input.dueDate, given, job.step.input.patronId);
        if (report && given) {
          const now = clock.now();
          await appendHistory(tx, { requestId: job.requestId, kind: 'ils', text: report }, now);
          await writeObservation(
            tx,
            {
              requestId: job.requestId,
              libraryId: job.libraryId,
              itemBarcode: job.step.input.itemBarcode,
              lendingDueDateCap: given,
              observation: { state: 'on-loan', loanDueDate: given },
            },
            now,
          );
        }
        return;
      }
      if (job.step.name !== 'lookup-patron' || result.state === 'failed-retryable') return;
      const library = await findLibraryById(tx, job.libraryId);
      if (!library) return;
      const patron = result.state === 'succeeded' && 'value' in result.outcome ? (result.outcome.value as PatronSummary | undefined) : undefined;
      const reason = 'reason' in result.outcome ? result.outcome.reason : result.state;
      await automateAfterPatronLookup(tx, { db: database.db, clock, registry }, library, job.requestId, patron ? { patron } : { reason });
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...options.worker,
  });
  const ilsSync = createIlsSync({
    db: database.db,
    clock,
    registry,
    limiter,
    logger,
    onStepsQueued: () => worker.kick(),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.ilsSyncPollMs ? { pollMs: options.ilsSyncPollMs } : {}),
  });
  const app = createApp({
    ilsSync,
    db: database.db,
    clock,
    registry,
    logger,
    adminKey: options.adminKey,
    ...(options.keyGracePeriodMs !== undefined ? { keyGracePeriodMs: options.keyGracePeriodMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onStepsQueued: () => worker.kick(),
  });
  const notices = options.mail
    ? createNoticeSender({
        db: database.db,
        clock,
        logger,
        mailer: options.mail.mailer,
        from: options.mail.from,
        ...(options.mail.intervalMs ? { intervalMs: options.mail.intervalMs } : {}),
      })
    : undefined;
  const retentionDays = options.protocolLogRetentionDays ?? defaultProtocolLogRetentionDays;
  const pruneLog = async () => {
    await pruneIdempotencyKeys(database.db, new Date(clock.now().getTime() - idempotencyKeyRetentionMs));
    return await pruneProtocolLog(database.db, new Date(clock.now().getTime() - retentionDays * 24 * 60 * 60_000));
  };
  const ageOut = async () => await ageOutMissing({ db: database.db, clock, registry });
  const sweep = async () => {
    await pruneLog();
    return await ageOut();
  };
  // Each periodic task runs on one instance at a time (a lease each); hourly is plenty for rules
  // counted in days.
  const hourMs = 60 * 60_000;
  const tasks: PeriodicTask[] = [
    { name: 'age-out-sweep', intervalMs: hourMs, run: ageOut },
    { name: 'protocol-log-retention', intervalMs: hourMs, run: pruneLog },
    { name: 'ils-sync', intervalMs: options.ilsSyncPollMs ?? 30_000, run: () => ilsSync.runDue() },
    ...(notices ? [{ name: 'notice-sender', intervalMs: options.mail?.intervalMs ?? 15_000, run: () => notices.runOnce() }] : []),
  ];
  const periodic = createPeriodicWork({ db: database.db, tasks, logger, ...options.periodic });
  let started = false;
  return {
    app,
    worker,
    ilsSync,
    notices,
    periodic,
    database,
    clock,
    registry,
    async start() {
      worker.start();
      if (started) return;
      started = true;
      await periodic.start();
    },
    sweep,
    close: async () => {
      // First: the leases are given up once the runs in flight end, so another instance takes over at once.
      await periodic.stop();
      await ilsSync.stop();
      await worker.stop();
      await notices?.stop();
      options.mail?.mailer.close();
      await database.close();
    },
  };
}
