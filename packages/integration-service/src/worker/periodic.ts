import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Logger, silentLogger } from '../logger.ts';
import type { Db } from '../store/database.ts';
import { acquireLease, releaseLease } from '../store/leases.ts';

/**
 * The service's periodic work — the age-out sweep, protocol-log retention, the ILS sync's
 * schedule, the notice sender — run by one instance at a time when several share a database
 * (behind a load balancer). Each task has a lease (store/leases.ts): every instance looks every
 * `checkMs`; the holder renews its lease and runs the task when its interval has passed, the
 * others only try to take the lease. A holder that dies (kill -9, a lost machine) stops renewing
 * and another instance takes over within `leaseMs + checkMs`; a clean stop gives its leases up at
 * once.
 *
 * The leases are on wall-clock time (`now`, Date.now by default), not the service's business
 * clock: they are about which process is alive. A task must tolerate the rare overlap of a holder
 * so stalled that it outlived its lease while still running (each does: the ILS sync re-reads in
 * its write transaction, the notice sender claims each notice with a compare-and-set, the sweeps
 * are idempotent).
 */
export interface PeriodicTask {
  /** the lease's name: one holder per name over every instance on the database */
  name: string;
  /** how often the holder runs it */
  intervalMs: number;
  run(): unknown;
}

export interface PeriodicOptions {
  db: Db;
  tasks: PeriodicTask[];
  /** this instance; unique per process by default */
  owner?: string;
  /** how long a lease lasts without renewal: the longest a dead holder's work waits; default 10 s */
  leaseMs?: number;
  /** how often each instance looks; default a fifth of the lease */
  checkMs?: number;
  /** wall-clock ms */
  now?: () => number;
  logger?: Logger;
}

export interface PeriodicWork {
  readonly owner: string;
  /** one look: takes or renews each task's lease, and runs (without waiting for them) the held tasks that are due */
  tick(): Promise<void>;
  /** the tasks this instance holds as of its last look */
  holding(): string[];
  /** waits for the task runs in flight */
  idle(): Promise<void>;
  start(): Promise<void>;
  /** stops looking, waits for the runs in flight and gives the leases up */
  stop(): Promise<void>;
}

export const instanceOwner = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export function createPeriodicWork(options: PeriodicOptions): PeriodicWork {
  const owner = options.owner ?? instanceOwner();
  const leaseMs = options.leaseMs ?? 10_000;
  const checkMs = options.checkMs ?? Math.max(1, Math.floor(leaseMs / 5));
  const now = options.now ?? (() => Date.now());
  const logger = options.logger ?? silentLogger;
  const state = new Map<string, { held: boolean; nextAt: number | undefined; running: Promise<void> | undefined }>(
    options.tasks.map((task) => [task.name, { held: false, nextAt: undefined, running: undefined }]),
  );

  async function take(task: PeriodicTask, at: number): Promise<boolean> {
    try {
      return await acquireLease(options.db, task.name, owner, at, at + leaseMs);
    } catch (error) {
      // The database is unreachable or locked past its busy timeout: not holding is the safe answer.
      logger.warn({ err: error, task: task.name }, 'periodic work: the lease could not be taken or renewed');
      return false;
    }
  }

  async function tick(): Promise<void> {
    for (const task of options.tasks) {
      const entry = state.get(task.name)!;
      const at = now();
      const held = await take(task, at);
      if (!held) {
        if (entry.held) logger.warn({ task: task.name, owner }, 'periodic work: lease lost to another instance');
        entry.held = false;
        // Taken over later: run at once then (the previous holder may have died before it ran).
        entry.nextAt = undefined;
        continue;
      }
      if (!entry.held) logger.info({ task: task.name, owner }, 'periodic work: this instance runs it now');
      entry.held = true;
      if (entry.running || (entry.nextAt !== undefined && at < entry.nextAt)) continue;
      entry.nextAt = at + task.intervalMs;
      let result: unknown;
      try {
        result = task.run();
      } catch (error) {
        logger.error({ err: error, task: task.name }, 'periodic work failed');
        continue;
      }
      if (result instanceof Promise) {
        entry.running = result
          .then(
            () => undefined,
            (error: unknown) => logger.error({ err: error, task: task.name }, 'periodic work failed'),
          )
          .finally(() => {
            entry.running = undefined;
          });
      }
    }
  }

  const idle = async () => {
    await Promise.all([...state.values()].map((entry) => entry.running));
  };

  let timer: NodeJS.Timeout | undefined;
  return {
    owner,
    tick,
    holding: () => [...state.entries()].filter(([, entry]) => entry.held).map(([name]) => name),
    idle,
    async start() {
      if (timer) return;
      await tick();
      timer = setInterval(tick, checkMs);
      // Never what keeps a process alive.
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await idle();
      for (const [name, entry] of state) {
        if (!entry.held) continue;
        entry.held = false;
        try {
          await releaseLease(options.db, name, owner);
        } catch (error) {
          // Not given up: it runs out by itself within leaseMs.
          logger.warn({ err: error, task: name }, 'periodic work: lease not released');
        }
      }
    },
  };
}
