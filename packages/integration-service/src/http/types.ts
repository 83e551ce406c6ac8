import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AdapterRegistry, Clock, FetchLike } from '../adapters/types.ts';
import type { Logger } from '../logger.ts';
import type { ServiceDatabase } from '../store/database.ts';
import type { Library } from '../store/libraries.ts';
import type { IlsSync } from '../sync/sync.ts';

/** Everything the HTTP app needs, injected: no module singletons, tests build their own. */
export interface AppDeps {
  db: ServiceDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  logger: Logger;
  /** the accepted admin key, or keys (several while an operator rotates it) */
  adminKey: string | readonly string[];
  /** for the adapter calls routes make themselves (the temporary-item search) */
  fetch?: FetchLike;
  timeoutMs?: number;
  /** how long a library's old key keeps working after a rotation; default 24 h */
  keyGracePeriodMs?: number;
  /** wakes the worker after a commit that queued ILS steps */
  onStepsQueued?: () => void;
  /** the ILS sync, for "sync now" (absent in apps built without one: the route says so) */
  ilsSync?: Pick<IlsSync, 'runLibrary'>;
}

/** Who called a route open to both kinds of key. */
export type Caller = { kind: 'admin' } | { kind: 'library'; library: Library; keyId: number };

export type AppEnv = { Variables: { library: Library; caller: Caller } };
export type App = OpenAPIHono<AppEnv>;
