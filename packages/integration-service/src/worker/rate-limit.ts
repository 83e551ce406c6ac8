import type Database from 'better-sqlite3';
import type { AdapterContext } from '../adapters/types.ts';
import { sql } from 'drizzle-orm';
import { connection, sqliteClientOf, transaction } from '../store/connection.ts';
import type { Db } from '../store/database.ts';
import { isPostgres, rawAll, rawGet, rawRun } from '../store/dialect.ts';

/**
 * Pacing to the ILS's own governance, per budget (an institution: every library and every worker
 * that spends the same vendor allowance shares one budget), in wall-clock time (the limits are
 * about the ILS's real throughput, not the business clock tests move).
 *
 * - Per second: a sliding window, the way Alma's gateway counts ("≈25 requests per second per
 *   institution", /work/shared/reference/vendor-apis.md §Alma governance; the simulator's
 *   governance.ts models it the same way). A burst of the whole allowance goes out at once, and
 *   a call's place in the window comes free the moment the ILS can no longer count it in the
 *   same second as the next one: a second after its answer (the ILS counted it on arrival, which
 *   was before the answer), and never while it is still on its way. So pacing never draws a 429
 *   by itself, whatever the latency, and never waits longer than the vendor's rate requires:
 *   no margin on top of the second, and latency costs only the time between a call's arrival and
 *   its answer, not a share of the allowance.
 * - Per day: Alma reports the quota left in `X-Exl-Api-Remaining`; at zero the budget pauses
 *   until the next UTC day (or the `Retry-After` the ILS sent).
 * - A 429 pauses the budget for the ILS's `Retry-After` (or a second) and halves the allowance
 *   (someone else spends the same budget: the ILS's own clients, another integration); it grows
 *   back by a tenth a second without a 429 until it reaches the vendor's limit again.
 *
 * The state lives in a `BudgetStore`: memory for one process, or the service database
 * (`ils_rate_budgets`), so workers in several processes on one database share the budget.
 */
export interface Governance {
  /** calls per second the ILS allows per budget; Infinity: the vendor documents no limit */
  perSecond: number;
}

export interface BudgetState {
  /**
   * when answered calls were answered (ms), oldest first, for as long as the ILS may count them
   * in the window (only while the allowance is finite)
   */
  recent: number[];
  /** when calls still waiting for their answer were sent (ms), oldest first */
  inFlight: number[];
  pausedUntil: number;
  /** the allowance after a 429, below the vendor's; null: the vendor's */
  learned: number | null;
  /** when `learned` last changed */
  learnedAt: number;
  /** calls in the current and the previous second (for an unlimited vendor's first 429) */
  secondStart: number;
  secondCount: number;
  previousCount: number;
  /** the daily quota left, as the ILS last reported it */
  dailyRemaining: number | null;
  /** the allowance the last call was admitted under (null: unlimited) */
  allowance: number | null;
}

export interface BudgetStore {
  /**
   * Runs `change` on the budget's state atomically (across processes for a database store) and
   * resolves to what it returned. `change` itself is synchronous: the read-modify-write of one
   * budget, with nothing awaited in between.
   */
  update<T>(key: string, change: (state: BudgetState) => T): Promise<T>;
  /** budgets paused at `now` */
  paused(now: number): Promise<string[]>;
}

const freshState = (): BudgetState => ({
  recent: [],
  inFlight: [],
  pausedUntil: 0,
  learned: null,
  learnedAt: 0,
  secondStart: 0,
  secondCount: 0,
  previousCount: 0,
  dailyRemaining: null,
  allowance: null,
});

/** A stored state, with any field an older version did not write filled in. */
const parseState = (text: string | undefined): BudgetState => (text ? { ...freshState(), ...(JSON.parse(text) as Partial<BudgetState>) } : freshState());

export class MemoryBudgetStore implements BudgetStore {
  private readonly states = new Map<string, BudgetState>();
  async update<T>(key: string, change: (state: BudgetState) => T): Promise<T> {
    let state = this.states.get(key);
    if (!state) {
      state = freshState();
      this.states.set(key, state);
    }
    return change(state);
  }
  async paused(now: number): Promise<string[]> {
    return [...this.states.entries()].filter(([, s]) => s.pausedUntil > now).map(([key]) => key);
  }
}

/**
 * The budget as a row of the service database on SQLite: one IMMEDIATE transaction per call (the
 * write lock first, so two processes never both take the last slot), statements prepared once.
 * Every call holds the store's connection lock (store/connection.ts): the statements are raw
 * better-sqlite3 ones, and without the lock they would run inside whatever transaction another
 * task of the process has open on the same connection (and roll back with it).
 */
export class DatabaseBudgetStore implements BudgetStore {
  private readonly read: Database.Statement<[string], { state: string }>;
  private readonly write: Database.Statement<[string, string, number]>;
  private readonly pausedStatement: Database.Statement<[number], { key: string }>;
  private readonly transaction: <T>(key: string, change: (state: BudgetState) => T) => T;

  constructor(private readonly db: Db) {
    const sqlite = sqliteClientOf(db);
    if (!sqlite) throw new Error('DatabaseBudgetStore needs a SQLite store handle (PostgresBudgetStore is the Postgres one)');
    this.read = sqlite.prepare('select state from ils_rate_budgets where budget_key = ?');
    this.write = sqlite.prepare(
      'insert into ils_rate_budgets (budget_key, state, paused_until) values (?, ?, ?) on conflict(budget_key) do update set state = excluded.state, paused_until = excluded.paused_until',
    );
    this.pausedStatement = sqlite.prepare('select budget_key as key from ils_rate_budgets where paused_until > ?');
    // better-sqlite3's transaction function is a savepoint when the connection is already in a
    // transaction (a caller holding the lock inside one), BEGIN IMMEDIATE otherwise.
    const run = sqlite.transaction((key: string, change: (state: BudgetState) => unknown) => {
      const state = parseState(this.read.get(key)?.state);
      const result = change(state);
      this.write.run(key, JSON.stringify(state), state.pausedUntil);
      return result;
    });
    this.transaction = <T>(key: string, change: (state: BudgetState) => T) => run.immediate(key, change) as T;
  }

  update<T>(key: string, change: (state: BudgetState) => T): Promise<T> {
    return connection(this.db, async () => this.transaction(key, change));
  }

  paused(now: number): Promise<string[]> {
    return connection(this.db, async () => this.pausedStatement.all(now).map((row) => row.key));
  }
}

/**
 * The budget as a row of the service database on Postgres (issue 16: several instances on one
 * server): one transaction per call that locks the budget's row (`SELECT … FOR UPDATE`) before it
 * reads the state, so two instances' read-modify-writes of one budget run one after the other
 * and never both take the last slot. Only that row is locked: it is a deferred transaction, not
 * one under the store's writer lock (connection.ts), so budgets and the rest of the store do not
 * wait on each other. The row is made on first use (`ON CONFLICT DO NOTHING`: two instances
 * making it at once both go on to lock the one that exists).
 */
export class PostgresBudgetStore implements BudgetStore {
  constructor(private readonly db: Db) {
    if (!isPostgres(db)) throw new Error('PostgresBudgetStore needs a Postgres store handle (DatabaseBudgetStore is the SQLite one)');
  }

  update<T>(key: string, change: (state: BudgetState) => T): Promise<T> {
    return transaction(
      this.db,
      async (tx) => {
        const lock = () => rawGet<{ state: string }>(tx, sql`select state from ils_rate_budgets where budget_key = ${key} for update`);
        // The row exists after the budget's first call: one statement to lock and read it.
        let row = await lock();
        if (!row) {
          await rawRun(tx, sql`insert into ils_rate_budgets (budget_key, state, paused_until) values (${key}, '{}', 0) on conflict (budget_key) do nothing`);
          row = await lock();
        }
        const state = parseState(row?.state);
        const result = change(state);
        // paused_until is a bigint; a Retry-After of a fraction of a second makes a fractional pause.
        await rawRun(
          tx,
          sql`update ils_rate_budgets set state = ${JSON.stringify(state)}, paused_until = ${Math.ceil(state.pausedUntil)} where budget_key = ${key}`,
        );
        return result;
      },
      { behavior: 'deferred' },
    );
  }

  async paused(now: number): Promise<string[]> {
    const rows = await rawAll<{ key: string }>(this.db, sql`select budget_key as key from ils_rate_budgets where paused_until > ${Math.floor(now)}`);
    return rows.map((row) => row.key);
  }
}

/** The database store for the handle's dialect. */
export function budgetStoreFor(db: Db): BudgetStore {
  return isPostgres(db) ? new PostgresBudgetStore(db) : new DatabaseBudgetStore(db);
}

export interface RateLimiterOptions {
  /** milliseconds of wall-clock time (shared by processes: Date.now by default) */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  store?: BudgetStore;
  /**
   * The counting window: the ILS's second. No margin for calls that reach the ILS later than
   * sent: they are counted until their answer, which came after the ILS counted them.
   */
  windowMs?: number;
  /**
   * A call not answered after this long is no longer counted (its process died with it in
   * flight; the worker's own calls time out after 15 s): a crash never holds the budget for good.
   */
  inFlightMaxMs?: number;
}

/** Allowances up to this are counted call by call (a sliding log); larger ones are estimated. */
const exactUpTo = 100;

/** Without Retry-After, a 429 pauses the budget this long. */
export const defaultBackOffMs = 1_000;

export class RateLimiter {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly store: BudgetStore;
  private readonly windowMs: number;
  private readonly inFlightMaxMs: number;
  private readonly noted = new Map<string, number>();

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.store = options.store ?? new MemoryBudgetStore();
    this.windowMs = options.windowMs ?? 1_000;
    this.inFlightMaxMs = options.inFlightMaxMs ?? 60_000;
  }

  private static readonly shared = new WeakMap<object, RateLimiter>();

  /**
   * One limiter per database: every worker, sync and check of the process, and (through the table)
   * every process on the database. The store follows the handle's dialect; on SQLite the limiter
   * is the connection's, whichever drizzle handle wraps it.
   */
  static forDatabase(db: Db): RateLimiter {
    const database: object = sqliteClientOf(db) ?? db;
    let limiter = RateLimiter.shared.get(database);
    if (!limiter) {
      limiter = new RateLimiter({ store: budgetStoreFor(db) });
      RateLimiter.shared.set(database, limiter);
    }
    return limiter;
  }

  /** The allowance in force: the vendor's, or less after a 429, growing back while calm. */
  private allowance(state: BudgetState, governance: Governance, now: number): number {
    if (state.learned !== null) {
      const calmSeconds = Math.floor((now - state.learnedAt) / 1000);
      if (calmSeconds > 0) {
        state.learned = state.learned * 1.1 ** calmSeconds + calmSeconds;
        state.learnedAt = now;
        // Back to the vendor's limit (an unlimited vendor: after a thousand a second without a 429).
        if (state.learned >= Math.min(governance.perSecond, 1_000)) state.learned = null;
      }
    }
    return state.learned === null ? governance.perSecond : Math.min(governance.perSecond, Math.floor(state.learned));
  }

  /** 0 when the call may go now (and it is counted), else how long to wait before asking again. */
  private admit(state: BudgetState, governance: Governance, now: number): number {
    if (state.pausedUntil > now) return state.pausedUntil - now;
    if (now - state.secondStart >= 1000) {
      state.previousCount = now - state.secondStart >= 2000 ? 0 : state.secondCount;
      state.secondStart = now;
      state.secondCount = 0;
    }
    const allowance = this.allowance(state, governance, now);
    state.allowance = Number.isFinite(allowance) ? allowance : null;
    if (Number.isFinite(allowance) && allowance > exactUpTo) {
      // Hundreds a second: the two-second estimate (the previous second weighted by how much of
      // it still overlaps the window), so the stored state stays a few numbers.
      if (state.recent.length > 0) state.recent = [];
      if (state.inFlight.length > 0) state.inFlight = [];
      const overlap = Math.max(0, 1 - (now - state.secondStart) / 1000);
      if (state.previousCount * overlap + state.secondCount >= allowance) return Math.max(1, Math.ceil(1000 / allowance));
    } else if (Number.isFinite(allowance)) {
      // Times are whole milliseconds (Date.now, shared by processes): a call answered at `t` is
      // out of the ILS's second only once now − t > windowMs, i.e. from t + windowMs + 1.
      const since = now - this.windowMs;
      let drop = 0;
      while (drop < state.recent.length && (state.recent[drop] as number) < since) drop += 1;
      if (drop > 0) state.recent.splice(0, drop);
      const lost = now - this.inFlightMaxMs;
      let gone = 0;
      while (gone < state.inFlight.length && (state.inFlight[gone] as number) < lost) gone += 1;
      if (gone > 0) state.inFlight.splice(0, gone);
      const counted = state.recent.length + state.inFlight.length;
      if (counted >= allowance) {
        // The answered call whose place comes free first for this one; when only calls still on
        // their way are left, none frees before a window from now (asked again then).
        const freeing = state.recent[counted - allowance];
        return freeing === undefined ? this.windowMs : Math.max(1, freeing + this.windowMs + 1 - now);
      }
      state.inFlight.push(now);
    } else if (state.recent.length > 0 || state.inFlight.length > 0) {
      state.recent = [];
      state.inFlight = [];
    }
    state.secondCount += 1;
    if (state.dailyRemaining !== null) state.dailyRemaining = Math.max(0, state.dailyRemaining - 1);
    return 0;
  }

  /**
   * Resolves when a call may go out: after any pause, within the budget's allowance. With
   * `maxWaitMs`, a longer wait (a daily quota spent, a long Retry-After) rejects with
   * `BudgetPausedError` instead of holding the caller for hours.
   */
  async take(key: string, governance: number | Governance, options: { maxWaitMs?: number } = {}): Promise<Settle> {
    const rules = typeof governance === 'number' ? { perSecond: governance } : governance;
    for (;;) {
      // The time is read inside the update, once the budget is this call's (a database store may
      // have waited for another instance's update): the state's times stay in order.
      let admittedAt = 0;
      let logged = false;
      const wait = await this.store.update(key, (state) => {
        admittedAt = this.now();
        const waitMs = this.admit(state, rules, admittedAt);
        logged = waitMs <= 0 && state.inFlight.length > 0 && state.inFlight[state.inFlight.length - 1] === admittedAt;
        return waitMs;
      });
      // Only a call the call-by-call log holds has anything to settle: an unlimited vendor's (most
      // of them) or a large allowance's answer costs no second write to the store.
      const sent = admittedAt;
      if (wait <= 0) return logged ? () => this.settle(key, sent) : noSettle;
      if (options.maxWaitMs !== undefined && wait > options.maxWaitMs) throw new BudgetPausedError(key, wait);
      await this.sleep(wait);
    }
  }

  /**
   * The call sent at `admittedAt` has its answer: it counts in the window from now on, for a
   * window. The ILS counted it somewhere in between (when it arrived), so a call that was slow
   * on its way — a busy process, a loaded network, several instances each sending — is still
   * counted for as long as the ILS may count it, and no second of the ILS's ever holds more than
   * the allowance however late calls arrive. Called once per admitted call (twice is harmless).
   */
  private async settle(key: string, admittedAt: number): Promise<void> {
    const endedAt = this.now();
    await this.store.update(key, (state) => {
      const at = state.inFlight.indexOf(admittedAt);
      if (at < 0) return;
      state.inFlight.splice(at, 1);
      // Only the call-by-call log knows single calls (large allowances are estimated).
      if (state.allowance === null || state.allowance > exactUpTo) return;
      let insert = state.recent.length;
      while (insert > 0 && (state.recent[insert - 1] as number) > endedAt) insert -= 1;
      state.recent.splice(insert, 0, endedAt);
    });
  }

  /** The ILS said "too many requests": nothing goes to this budget for `ms`, and the allowance halves. */
  async backOff(key: string, ms: number = defaultBackOffMs): Promise<void> {
    await this.store.update(key, (state) => {
      const now = this.now();
      state.pausedUntil = Math.max(state.pausedUntil, now + ms);
      const inWindow = state.recent.filter((at) => at >= now - this.windowMs).length + state.inFlight.length;
      // Our own calls filled the allowance: the ILS counted one of them into a neighbouring second
      // (latency jitter). The pause is enough; the allowance is right.
      if (state.allowance !== null && inWindow > 0 && inWindow >= state.allowance - 1) return;
      const observed = Math.max(inWindow, state.secondCount, state.previousCount, 1);
      const current = state.learned ?? observed;
      state.learned = Math.max(1, Math.floor(Math.min(current, observed) / 2));
      state.learnedAt = now + ms;
    });
  }

  /**
   * The ILS's daily quota left (Alma's `X-Exl-Api-Remaining`). At zero nothing goes out until
   * `resetAt` (default: the next UTC midnight, when Alma's day turns).
   */
  async noteRemaining(key: string, remaining: number, resetAt?: number): Promise<void> {
    if (!Number.isFinite(remaining) || remaining < 0) return;
    // Every Alma answer carries the header: written when it matters (zero) or has moved on by a
    // hundred, not on every call (the count is also kept down locally as calls go out).
    const last = this.noted.get(key);
    if (remaining !== 0 && last !== undefined && Math.abs(last - remaining) < 100) return;
    this.noted.set(key, remaining);
    await this.store.update(key, (state) => {
      const now = this.now();
      state.dailyRemaining = remaining;
      if (remaining === 0) {
        const midnight = new Date(now);
        midnight.setUTCHours(24, 0, 0, 0);
        state.pausedUntil = Math.max(state.pausedUntil, resetAt ?? midnight.getTime());
      }
    });
  }

  /** Budgets paused right now: the worker leaves their libraries' jobs for later instead of waiting on them. */
  pausedKeys(): Promise<string[]> {
    return this.store.paused(this.now());
  }

  /** What the budget looks like now (for the bench and the tests). */
  inspect(key: string): Promise<BudgetState> {
    return this.store.update(key, (state) => structuredClone(state));
  }
}

/**
 * Called when the admitted call has its answer (or failed): see `RateLimiter.settle`. It writes
 * the store, so it can reject; an adapter's context hands adapters one that does not (`budgetContext`).
 */
export type Settle = () => Promise<void>;

const noSettle: Settle = async () => {};

/**
 * The rate limiter's part of an adapter's context (the worker's, the ILS sync's, the settings
 * check's) for one budget. Adapters report a 429 or the quota left on their way to an outcome,
 * and settle a call in a `finally`: there a store failure has nowhere to go, and the call went
 * out and was answered either way. So `backOff`, `quotaRemaining` and the settle `throttle`
 * resolves to are promises that resolve once the store has it and never reject (a failure goes
 * to `onError`, for the caller's log): an adapter that can wait for them (the HTTP transport
 * before sending again) awaits them, one returning an outcome at once may leave them running.
 * `throttle` itself does reject (a store failure, a long pause): the call has not gone out.
 */
export function budgetContext(
  limiter: RateLimiter,
  key: string,
  governance: number | Governance,
  options: { maxWaitMs?: number; onError: (error: unknown, what: string) => void },
): Pick<AdapterContext, 'throttle' | 'backOff'> & Required<Pick<AdapterContext, 'quotaRemaining'>> {
  const quietly = (what: string, write: Promise<void>): Promise<void> =>
    write.catch((error: unknown) => {
      options.onError(error, what);
    });
  const take = options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs };
  return {
    throttle: async () => {
      const settle = await limiter.take(key, governance, take);
      return () => quietly(`settling a call of budget ${key}`, settle());
    },
    backOff: (ms) => quietly(`pausing budget ${key}`, limiter.backOff(key, ms)),
    quotaRemaining: (remaining) => quietly(`noting the daily quota of budget ${key}`, limiter.noteRemaining(key, remaining)),
  };
}

/** The budget is paused for longer than the caller will wait (named like a timeout: the call never went out). */
export class BudgetPausedError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly budget: string,
    readonly waitMs: number,
  ) {
    super(`the ILS's rate budget ${budget} is paused for ${Math.ceil(waitMs / 1000)} s (its limit was reached)`);
  }
}

/** Reads `Retry-After` (seconds, or an HTTP date) into milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
