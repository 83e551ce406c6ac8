import type { AdapterRegistry, Clock, FetchLike } from './adapters/types.ts';
import { defaultAdapterRegistry } from './adapters/registry.ts';
import { createApp } from './app.ts';
import type { App } from './http/types.ts';
import { type Logger, silentLogger } from './logger.ts';
import { type OpenedDatabase, openDatabase } from './store/database.ts';
import { createWorker, type Worker, type WorkerOptions } from './worker/worker.ts';

/**
 * The whole service wired together: database (migrated), HTTP app and worker, sharing one clock,
 * adapter registry and transport. The server, the demo and the tests all build it this way.
 */
export interface ServiceOptions {
  /** SQLite file, or `:memory:`; default `BOOKSTRAP_DB` or ./data/bookstrap.sqlite */
  dbPath?: string;
  adminKey: string;
  clock?: Clock;
  registry?: AdapterRegistry;
  fetch?: FetchLike;
  logger?: Logger;
  worker?: Partial<Omit<WorkerOptions, 'db' | 'clock' | 'registry' | 'fetch' | 'logger'>>;
  timeoutMs?: number;
}

export interface Service {
  app: App;
  worker: Worker;
  database: OpenedDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

export function createService(options: ServiceOptions): Service {
  const database = openDatabase(options.dbPath);
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? defaultAdapterRegistry;
  const logger = options.logger ?? silentLogger;
  const worker = createWorker({
    db: database.db,
    clock,
    registry,
    logger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...options.worker,
  });
  const app = createApp({
    db: database.db,
    clock,
    registry,
    logger,
    adminKey: options.adminKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onStepsQueued: () => worker.kick(),
  });
  return {
    app,
    worker,
    database,
    clock,
    registry,
    close: async () => {
      await worker.stop();
      database.close();
    },
  };
}
