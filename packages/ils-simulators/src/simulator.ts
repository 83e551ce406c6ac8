/**
 * Simulator assembly: engine + seed + vendor façade + control plane + fault injection, and the
 * helper that serves several simulators on loopback ports.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type AdjustableClock, adjustableClock, type Clock, systemClock } from './clock.ts';
import { FaultController } from './control/faults.ts';
import { defaultPersonality, type Personality, PersonalityStore, personalityFromEnv } from './control/personality.ts';
import { controlPlane } from './control/plane.ts';
import { clearEngine, closeEngine, createEngine, type Engine } from './engine/engine.ts';
import { buildDemoDataset, type DemoDataset, seedEngine } from './seed.ts';
import { registeredVendors, vendorDefinition } from './vendors/registry.ts';
import { defaultPorts, type GovernanceLimits, type VendorId, vendorIds } from './vendors/types.ts';

export interface SimulatorOptions {
  vendor: VendorId;
  /** Base clock (default: system clock); the simulator wraps it so `/_sim/clock` can move it. */
  clock?: Clock;
  /** SQLite file; default `:memory:`. */
  dbPath?: string;
  /** Start from the demo seed (default true). With a file database, `false` keeps its contents. */
  seed?: boolean;
  /** Vendor API governance (e.g. Alma's per-second threshold). */
  limits?: GovernanceLimits;
  /** Seed of the fault injector's randomness. */
  faultSeed?: number;
  /** Edge-case behaviour (default: the vendor's own, then `SIM_PERSONALITY_<VENDOR>` from `env`). */
  personality?: Partial<Personality>;
  env?: Record<string, string | undefined>;
}

export interface Simulator {
  vendor: VendorId;
  /** Control plane under `/_sim`, the vendor API under its base path. */
  app: Hono;
  engine: Engine;
  clock: AdjustableClock;
  dataset: DemoDataset;
  faults: FaultController;
  personality: PersonalityStore;
  /** Back to the seed: data, clock adjustments, faults and rate counters. */
  reset(): void;
  close(): void;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const vendor = vendorDefinition(options.vendor);
  const clock = adjustableClock(options.clock ?? systemClock);
  const engine = createEngine({ dbPath: options.dbPath ?? ':memory:', clock });
  const dataset = buildDemoDataset(vendor.demoProfile);
  const seeded = options.seed ?? true;
  const faults = new FaultController(options.faultSeed ?? 1);
  const personality = new PersonalityStore({ ...personalityFromEnv(vendor.id, defaultPersonality, options.env ?? process.env), ...options.personality });
  const vendorApp = vendor.createApp({ engine, clock, dataset, limits: options.limits ?? {}, personality });

  const reseed = () => {
    clearEngine(engine);
    if (seeded) seedEngine(engine, dataset);
  };
  if (seeded) reseed();

  const reset = () => {
    clock.reset();
    faults.clear();
    personality.reset();
    vendorApp.reset();
    reseed();
  };

  const app = new Hono();
  // The vendor's desk screens first: the control plane answers 404 for any other /_sim path.
  if (vendorApp.desk) app.route('/_sim/desk', vendorApp.desk);
  app.route(
    '/_sim',
    controlPlane({
      vendor: vendor.id,
      engine,
      clock,
      faults,
      personality,
      reset,
      ...(vendorApp.governance ? { governance: vendorApp.governance } : {}),
    }),
  );
  // Faults sit in front of the vendor API only: the control plane must stay reachable.
  app.use('*', async (c, next) => {
    if (new URL(c.req.url).pathname.startsWith('/_sim')) return next();
    return faults.middleware((context, fault) => vendorApp.renderFault(context, fault))(c, next);
  });
  app.route('/', vendorApp.app);
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `Nothing at ${new URL(c.req.url).pathname}.` } }, 404));
  app.onError((error, c) => c.json({ error: { code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) } }, 500));

  return {
    vendor: vendor.id,
    app,
    engine,
    clock,
    dataset,
    faults,
    personality,
    reset,
    close: () => closeEngine(engine),
  };
}

export interface StartSimulatorsOptions {
  /** Default: every registered vendor. */
  vendors?: VendorId[];
  /** Per-vendor ports; 0 picks a free port. Precedence: this, then `ALMA_PORT` etc., then the defaults. */
  ports?: Partial<Record<VendorId, number>>;
  /** Loopback only unless told otherwise. */
  host?: string;
  clock?: Clock;
  /** Folder for per-vendor SQLite files (`<vendor>.sqlite`); default in memory. */
  dbDir?: string;
  seed?: boolean;
  limits?: GovernanceLimits;
  env?: Record<string, string | undefined>;
}

export interface RunningSimulator {
  vendor: VendorId;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  simulator: Simulator;
}

export interface RunningSimulators {
  simulators: RunningSimulator[];
  urls: Partial<Record<VendorId, string>>;
  stop(): Promise<void>;
}

/** The port is taken: the message names the variable that picks another (main.ts prints just this). */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`port ${port} is in use: set ${envVar}=… to use another (0 = any free port)`);
  }
}

/** A port this user may not open (EACCES: below 1024 without root, or a policy): named, one line. */
export class PortNotPermittedError extends Error {
  readonly code = 'PORT_NOT_PERMITTED';
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(
      `port ${port} cannot be opened by this user (permission denied; ports below 1024 need root): set ${envVar}=… to a port from 1024 up (0 = any free port)`,
    );
  }
}

/** A failed listen as the one-line mistake it is (port taken, not permitted), else the error itself. */
export function listenError(error: NodeJS.ErrnoException, port: number, envVar: string): Error {
  if (error.code === 'EADDRINUSE') return new PortInUseError(port, envVar);
  if (error.code === 'EACCES') return new PortNotPermittedError(port, envVar);
  return error;
}

/** A port variable that is not a port number (`ALMA_PORT=abc`): named, one line. */
export class InvalidPortError extends Error {
  readonly code = 'PORT_INVALID';
  constructor(
    readonly envVar: string,
    readonly value: string,
  ) {
    super(`${envVar}=${value} is not a port: give 0-65535 (0 = any free port)`);
  }
}

/** SIM_DB_DIR names a folder that cannot be made (a file is in the way, no permission): one line. */
export class DatabaseDirError extends Error {
  readonly code = 'DB_DIR_UNUSABLE';
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`SIM_DB_DIR=${dir} cannot be used: ${reason}`);
  }
}

/** The mistakes in the environment `main.ts` reports as one line rather than a stack trace. */
export function isStartupError(error: unknown): error is PortInUseError | PortNotPermittedError | InvalidPortError | DatabaseDirError {
  return error instanceof PortInUseError || error instanceof PortNotPermittedError || error instanceof InvalidPortError || error instanceof DatabaseDirError;
}

function portFor(vendor: VendorId, options: StartSimulatorsOptions): number {
  const explicit = options.ports?.[vendor];
  if (explicit !== undefined) return explicit;
  const fromEnv = (options.env ?? process.env)[`${vendor.toUpperCase()}_PORT`];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const port = Number(fromEnv);
    if (!/^\d+$/.test(fromEnv.trim()) || port > 65535) throw new InvalidPortError(`${vendor.toUpperCase()}_PORT`, fromEnv);
    return port;
  }
  return defaultPorts[vendor];
}

export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<RunningSimulators> {
  const host = options.host ?? '127.0.0.1';
  const vendors = options.vendors ?? registeredVendors().map((vendor) => vendor.id);
  for (const vendor of vendors) {
    if (!vendorIds.includes(vendor)) throw new Error(`Unknown vendor "${vendor}".`);
  }
  // a fresh SIM_DB_DIR is made rather than failing on the first SQLite file
  if (options.dbDir) {
    try {
      mkdirSync(options.dbDir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DatabaseDirError(options.dbDir, code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : (error as Error).message);
    }
  }
  const running: RunningSimulator[] = [];
  const servers: ReturnType<typeof serve>[] = [];
  const created: Simulator[] = [];
  const stop = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      ),
    );
    for (const simulator of created) simulator.close();
  };
  try {
    for (const vendor of vendors) {
      const simulator = createSimulator({
        vendor,
        clock: options.clock,
        dbPath: options.dbDir ? join(options.dbDir, `${vendor}.sqlite`) : undefined,
        seed: options.seed,
        limits: options.limits,
        ...(options.env ? { env: options.env } : {}),
      });
      created.push(simulator);
      const port = portFor(vendor, options);
      const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const server = serve({ fetch: simulator.app.fetch, port, hostname: host }, () => resolve(server));
        server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, `${vendor.toUpperCase()}_PORT`)));
      });
      servers.push(server);
      const actualPort = (server.address() as AddressInfo).port;
      running.push({ vendor, port: actualPort, url: `http://${host}:${actualPort}`, simulator });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    simulators: running,
    urls: Object.fromEntries(running.map((entry) => [entry.vendor, entry.url])),
    stop,
  };
}
