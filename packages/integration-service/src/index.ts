export { createApp } from './app.ts';
export type { AppDeps } from './http/types.ts';
export { createService, type Service, type ServiceOptions } from './service.ts';
export {
  exitOnStartupError,
  InvalidPortError,
  isPortInUse,
  isStartupError,
  listenError,
  PortInUseError,
  PortNotPermittedError,
  portFromEnv,
  startServer,
} from './server.ts';
export { createWorker, type Worker } from './worker/worker.ts';
export { defaultAdapterRegistry } from './adapters/registry.ts';
export type { AdapterDefinition, AdapterRegistry, AdapterContext } from './adapters/types.ts';
export { databaseLocation } from './store/database-url.ts';
export { openStore } from './store/open.ts';
export { createScratchDatabase } from './store/pg/database.ts';
