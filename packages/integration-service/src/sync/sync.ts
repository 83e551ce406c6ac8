import { transaction } from '../store/connection.ts';
import {
  classifyThrown,
  type IntegrationSettings,
  type ItemCirculation,
  integrationSettingsSchema,
  noticeCirculation,
  ownedRecords,
  type StepOutcome,
  syncTarget,
} from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { budgetKeyOf, governanceOf } from '../adapters/governance.ts';
import { sharedTokensFor } from '../adapters/shared-tokens.ts';
import type { AdapterContext, AdapterDefinition, AdapterRegistry, Clock, FetchLike } from '../adapters/types.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { ServiceDatabase } from '../store/database.ts';
import { findLibraryById, type Library } from '../store/libraries.ts';
import { refreshAttention } from '../store/attention.ts';
import { jobsOfRequests } from '../store/outbox.ts';
import { appendProtocolLog } from '../store/protocol-log.ts';
import { appendHistory, findRequest } from '../store/requests.ts';
import { budgetContext, type RateLimiter } from '../worker/rate-limit.ts';
import { queuePlan } from '../workflow/requests.ts';
import { librariesDue, liveRequestIds, observationOf, previousObservation, recordRun, writeObservation } from './store.ts';

/**
 * The per-library ILS sync (SPEC §5 "See what circulation did first"): on each library's interval,
 * read through the vendor's own API the ILS records its live requests own, and write what changed
 * into the circulation history and onto the request. It reads; the only changes it makes are ILS
 * steps (the strap date put back) queued through the outbox, where the worker runs them with the
 * same ownership checks and idempotency keys as every other step.
 *
 * Within the library's rate budget: every call takes a token from the same per-library limiter as
 * the worker's steps, and a library the ILS has paused (429) is skipped. Schedule and observations
 * are in the store, on the injected clock: a restart resumes, nothing noticed is noticed twice.
 */
export interface IlsSyncOptions {
  db: ServiceDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  /** the worker's limiter: one budget per library for steps and sync */
  limiter: RateLimiter;
  fetch?: FetchLike;
  logger?: Logger;
  timeoutMs?: number;
  /** real-time polling of the schedule by `start()`; the schedule itself is on the clock */
  pollMs?: number;
  /** steps were queued (the strap date put back): the worker should look now */
  onStepsQueued?: () => void;
}

export interface IlsSyncReport {
  library: string;
  /** requests whose ILS record was read */
  read: number;
  /** findings written to the history */
  noticed: number;
  /** ILS steps queued */
  queued: number;
  /** reads that failed, with the reason; the next run tries again */
  failed: { requestId: string; reason: string }[];
  /** why nothing was read, when nothing could be */
  skipped?: string | undefined;
  nextRunAt: string;
}

export interface IlsSync {
  /** runs every library whose sync is due by the clock; returns their reports */
  runDue(): Promise<IlsSyncReport[]>;
  /** runs one library now (staff's "sync now", tests), whatever its schedule */
  runLibrary(libraryId: number): Promise<IlsSyncReport>;
  start(): void;
  stop(): Promise<void>;
}

const syncStepKey = 'ils-sync';
const liveStatuses = ['received', 'renewal-requested', 'recalled', 'overdue', 'shipped', 'returned', 'returned-but-missing'];

/** The library's settings with today's defaults filled in (a library saved before a setting existed). */
function settingsOf(library: Library): IntegrationSettings {
  const parsed = integrationSettingsSchema.safeParse(library.settings);
  return parsed.success ? parsed.data : library.settings;
}

export function createIlsSync(options: IlsSyncOptions): IlsSync {
  const { db, clock, registry, limiter } = options;
  const logger = options.logger ?? silentLogger;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pollMs = options.pollMs ?? 30_000;
  // One run per library at a time: a slow ILS must not have two syncs racing on its requests.
  const running = new Map<number, Promise<IlsSyncReport>>();

  function context(library: Library, requestId: () => string | undefined, definition: AdapterDefinition): AdapterContext {
    // The worker's budget key and governance: an institution's reads and steps spend one allowance.
    const key = budgetKeyOf(library.connection);
    const rate = governanceOf(definition, library.connection);
    const budgetCalls = budgetContext(limiter, key, rate, {
      onError: (error, what) => logger.warn({ err: error, libraryId: library.id }, `rate budget: ${what} failed`),
    });
    return {
      fetch: fetchImpl,
      timeoutMs,
      clock,
      record: async (exchange) => await appendProtocolLog(db, { ...exchange, requestId: requestId(), stepKey: syncStepKey, libraryId: library.id }),
      throttle: budgetCalls.throttle,
      // the worker's tokens: the sync logs in no more than the steps do
      sharedTokens: sharedTokensFor(db, library.connection, clock),
      backOff: budgetCalls.backOff,
      quotaRemaining: budgetCalls.quotaRemaining,
    };
  }

  async function sync(libraryId: number): Promise<IlsSyncReport> {
    const started = clock.now();
    const library = await findLibraryById(db, libraryId);
    if (!library) throw new Error(`library ${libraryId} does not exist`);
    const settings = settingsOf(library);
    const nextRunAt = new Date(started.getTime() + settings.ilsSync.intervalMinutes * 60_000);
    const report: IlsSyncReport = { library: library.symbol, read: 0, noticed: 0, queued: 0, failed: [], nextRunAt: nextRunAt.toISOString() };
    const finish = async (skipped?: string) => {
      if (skipped) report.skipped = skipped;
      const error = skipped ?? (report.failed.length ? `${report.failed.length} read(s) failed; first: ${report.failed[0]?.reason}` : undefined);
      await recordRun(db, library.id, { at: clock.now(), nextRunAt, read: report.read, error });
      return report;
    };
    if (!settings.enabled || !settings.ilsSync.enabled) return await finish('the ILS sync is off for this library');
    const definition = adapterFor(registry, library.connection);
    if (!definition) return await finish(`no adapter for ${library.connection.ils} over ${library.connection.protocol}`);
    let current: string | undefined;
    const system = definition.create(
      library.connection,
      context(library, () => current, definition),
    );
    if (!system.readItemCirculation)
      return await finish(`${library.connection.ils} over ${library.connection.protocol}: the ILS's API cannot show an item's circulation`);
    if ((await limiter.pausedKeys()).includes(budgetKeyOf(library.connection)))
      return await finish('the ILS asked for a pause (rate limit); the next run tries again');

    const ids = await liveRequestIds(db, library.id, liveStatuses);
    const jobs = await jobsOfRequests(db, ids);
    for (const requestId of ids) {
      const request = await findRequest(db, requestId);
      if (!request) continue;
      const owned = ownedRecords(
        (jobs.get(requestId) ?? []).map((job) => ({ step: job.step, outcome: job.lastOutcome, succeeded: job.state === 'succeeded' })),
      );
      const target = syncTarget(request, owned);
      if (!target) continue;
      current = requestId;
      let reading: StepOutcome<ItemCirculation>;
      try {
        // The item the ILS made for the request, under the barcode it gave it (not always the one sent).
        reading = await system.readItemCirculation({ itemBarcode: target.ilsBarcode ?? target.itemBarcode, patronId: target.patronId });
      } catch (error) {
        reading = classifyThrown(error);
      }
      if (reading.kind !== 'done' && reading.kind !== 'already-done') {
        report.failed.push({ requestId, reason: reading.reason });
        continue;
      }
      const value = reading.value;
      if (!value) {
        report.failed.push({ requestId, reason: 'the adapter answered without a reading' });
        continue;
      }
      report.read += 1;
      let queued = false;
      await transaction(
        db,
        async (tx) => {
          const now = clock.now();
          // Read again inside the transaction: staff may have moved the request while the ILS answered.
          const fresh = await findRequest(tx, requestId);
          if (!fresh || syncTarget(fresh, owned)?.itemBarcode !== target.itemBarcode) return;
          const noticed = noticeCirculation({
            request: fresh,
            target,
            previous: previousObservation(await observationOf(tx, requestId)),
            reading: value,
            settings,
            capabilities: system.capabilities,
          });
          let planId: number | undefined;
          for (const finding of noticed.findings) {
            const entry = await appendHistory(tx, { requestId, kind: 'ils', text: finding.text }, now);
            planId ??= entry.id;
          }
          report.noticed += noticed.findings.length;
          const last = [...noticed.findings].reverse().find((f) => f.needsIllStaff) ?? noticed.findings.at(-1);
          await writeObservation(
            tx,
            {
              requestId,
              libraryId: library.id,
              itemBarcode: target.ilsBarcode ?? target.itemBarcode,
              observation: noticed.observation,
              finding: last,
              unseen: value.unseen ?? [],
              readAt: now,
            },
            now,
          );
          if (noticed.plan.length > 0 && planId !== undefined) {
            await queuePlan(tx, fresh, planId, noticed.plan, now);
            report.queued += noticed.plan.length;
            queued = true;
          }
          // A finding staff must act on puts the request in the needs-attention queue (and a
          // later one that needs nobody takes it out), in this transaction.
          if (noticed.findings.length > 0) await refreshAttention(tx, requestId, now);
        },
        { behavior: 'immediate' },
      );
      if (queued) options.onStepsQueued?.();
    }
    current = undefined;
    return await finish();
  }

  function runLibrary(libraryId: number): Promise<IlsSyncReport> {
    const inFlight = running.get(libraryId);
    if (inFlight) return inFlight;
    const run = sync(libraryId).finally(() => running.delete(libraryId));
    running.set(libraryId, run);
    return run;
  }

  async function runDue(): Promise<IlsSyncReport[]> {
    const reports: IlsSyncReport[] = [];
    for (const libraryId of await librariesDue(db, clock.now())) {
      try {
        reports.push(await runLibrary(libraryId));
      } catch (error) {
        logger.warn({ err: error, libraryId }, 'ILS sync run failed');
      }
    }
    return reports;
  }

  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<unknown> = Promise.resolve();
  return {
    runDue,
    runLibrary,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        loop = loop.then(runDue).catch((error) => logger.warn({ err: error }, 'ILS sync failed'));
      }, pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await loop;
      await Promise.allSettled([...running.values()]);
    },
  };
}
