import { type AdjustableClock, adjustableClock, createSimulator, demo, fixedClock, type Simulator } from '@bookstrap/ils-simulators';
import { onTestFinished } from 'vitest';
import { almaRestAdapter } from '../adapters/alma/alma.ts';
import type { AdapterRegistry, FetchLike } from '../adapters/types.ts';
import { almaDemoLibraries, type DemoLibrary, demoAdminKey } from '../demo-libraries.ts';
import { createService, type Service, type ServiceOptions } from '../service.ts';
import { findLibraryBySymbol } from '../store/libraries.ts';
import { rawAll } from '../store/dialect.ts';
import { sql } from 'drizzle-orm';
import { openPgliteStore } from '../store/open.ts';
import { createLibrary } from '../workflow/libraries.ts';

/**
 * The test harness (unkey's route harness, in-process): a service on its own database, the
 * simulated Alma answering in-process behind a made-up host, two demo libraries with known keys,
 * and one movable clock shared by service and ILS. Everything is torn down after the test.
 */
export const almaHost = 'http://alma.sim.test';
export const testNow = '2025-03-12T10:00:00.000Z'; // a Wednesday

export interface HarnessOptions {
  /** the store: SQLite in memory (default, or BOOKSTRAP_TEST_STORE) or Postgres through PGlite */
  store?: 'sqlite' | 'pglite';
  /** a file, to restart a service on the same database; default `:memory:` */
  dbPath?: string;
  /** reuse an ILS (restart scenarios); default a fresh simulated Alma */
  sim?: Simulator;
  /** the made-up host the ILS answers behind; default almaHost (another vendor's simulator: its own host) */
  host?: string;
  clock?: AdjustableClock;
  /** skip the demo libraries */
  noLibraries?: boolean;
  /** the worker gives up after this many attempts */
  maxAttempts?: number;
  /** Alma's per-second governance; tests lift it unless they are about rate limits */
  almaPerSecond?: number;
  registry?: AdapterRegistry;
  /** the service mails patron notices through this (tests: a local SMTP catcher) */
  mail?: ServiceOptions['mail'];
  /** wraps the service's transport to the ILS (e.g. to lose an answer after the ILS acted) */
  interceptFetch?: (fetch: FetchLike) => FetchLike;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Harness {
  service: Service;
  sim: Simulator;
  clock: AdjustableClock;
  fetch: FetchLike;
  adminKey: string;
  libraries: Record<'TULSA' | 'PARTNR', DemoLibrary>;
  keys: Record<'TULSA' | 'PARTNR', string>;
  request<T = any>(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** `request` that fails the test unless the status is as expected */
  ok<T = any>(status: number, method: string, path: string, options?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<T>;
  /** reads the ILS through the Alma API, as the conformance probe does */
  alma<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** runs every due ILS step */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? adjustableClock(fixedClock(testNow));
  // The test's own probe calls share Alma's per-second budget: lifted unless a test is about it.
  const sim = options.sim ?? createSimulator({ vendor: 'alma', clock, limits: { perSecond: options.almaPerSecond ?? 100_000 } });
  const direct: FetchLike = async (input, init) => {
    if (!input.startsWith(options.host ?? almaHost)) throw new TypeError('fetch failed');
    return sim.app.request(input, init);
  };
  const fetch = options.interceptFetch ? options.interceptFetch(direct) : direct;
  // BOOKSTRAP_TEST_STORE=pglite runs the same tests on the Postgres store (PGlite, in this process)
  const store = options.store ?? (process.env.BOOKSTRAP_TEST_STORE === 'pglite' ? 'pglite' : 'sqlite');
  const service = createService({
    ...(store === 'pglite' && !options.dbPath ? { database: await openPgliteStore() } : { dbPath: options.dbPath ?? ':memory:' }),
    adminKey: demoAdminKey,
    clock,
    fetch,
    // Real-time throttling only slows tests down; the rate-limit tests bring their own registry.
    registry: options.registry ?? { 'alma:rest': { ...almaRestAdapter, ratePerSecond: 10_000 } },
    ...(options.maxAttempts ? { worker: { backoff: { baseMs: 1_000, capMs: 60_000, jitter: 0, maxAttempts: options.maxAttempts } } } : {}),
    ...(options.mail ? { mail: options.mail } : {}),
  });
  const configured = almaDemoLibraries(demo.alma, almaHost);
  const libraries = { TULSA: configured[0]!, PARTNR: configured[1]! };
  if (!options.noLibraries) {
    for (const library of configured) {
      const existing = await findLibraryBySymbol(service.database.db, library.symbol);
      if (!existing) await createLibrary({ db: service.database.db, clock, registry: service.registry }, library, library.apiKey);
    }
  }

  const request: Harness['request'] = async (method, path, requestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const key = requestOptions.key === undefined ? libraries.TULSA.apiKey : requestOptions.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (requestOptions.raw !== undefined) body = requestOptions.raw;
    else if (requestOptions.body !== undefined) {
      body = JSON.stringify(requestOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await service.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as any, headers: response.headers };
  };

  const harness: Harness = {
    service,
    sim,
    clock,
    fetch,
    adminKey: demoAdminKey,
    libraries,
    keys: { TULSA: libraries.TULSA.apiKey, PARTNR: libraries.PARTNR.apiKey },
    request,
    async ok(status, method, path, requestOptions) {
      const response = await request(method, path, requestOptions);
      if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async alma(method, path, body) {
      const headers: Record<string, string> = { authorization: `apikey ${demo.alma.apiKey}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response = await sim.app.request(`${almaHost}/almaws/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      if (response.status === 302) response = await sim.app.request(response.headers.get('location') ?? '', { headers });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    drain: () => service.worker.runUntilIdle(),
    async close() {
      await service.close();
      if (!options.sim) sim.close();
    },
  };
  return harness;
}

/** A harness closed when the current test finishes. */
export async function useHarness(options: HarnessOptions = {}): Promise<Harness> {
  const harness = await createHarness(options);
  onTestFinished(() => harness.close());
  return harness;
}

/** Every row of every table: "nothing changed" is this, before and after. */
export async function snapshot(h: Harness): Promise<string> {
  const db = h.service.database.db;
  const tables = ['libraries', 'api_keys', 'requests', 'circulation_history', 'outbox_jobs', 'protocol_log', 'request_idempotency_keys'];
  // A key's last use is bookkeeping written by authentication itself, not a change the call made.
  const select = (table: string) => (table === 'api_keys' ? 'select *, null as last_used_at from api_keys order by 1' : `select * from ${table} order by 1`);
  const rows: [string, unknown[]][] = [];
  for (const table of tables) rows.push([table, await rawAll(db, sql.raw(select(table)))]);
  return JSON.stringify(Object.fromEntries(rows));
}

/** A minimal valid library body for the admin API. */
export function libraryBody(symbol: string, overrides: Record<string, unknown> = {}) {
  return {
    symbol,
    name: `${symbol} Library`,
    connection: { ils: 'alma', protocol: 'rest', baseUrl: `${almaHost}/almaws/v1`, credentials: { apiKey: 'alma-demo-key' }, library: 'MAIN' },
    ...overrides,
  };
}
