import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AdapterRegistry, Clock, FetchLike } from '../adapters/types.ts';
import type { Logger } from '../logger.ts';
import type { ServiceDatabase } from '../store/database.ts';
import type { Library } from '../store/libraries.ts';

/** Everything the HTTP app needs, injected: no module singletons, tests build their own. */
export interface AppDeps {
  db: ServiceDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  logger: Logger;
  adminKey: string;
  /** for the adapter calls routes make themselves (the temporary-item search) */
  fetch?: FetchLike;
  timeoutMs?: number;
  /** wakes the worker after a commit that queued ILS steps */
  onStepsQueued?: () => void;
}

export type AppEnv = { Variables: { library: Library } };
export type App = OpenAPIHono<AppEnv>;
