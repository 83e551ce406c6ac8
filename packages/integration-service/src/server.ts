import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { App } from './http/types.ts';

/** The port is taken: the message names the variable that picks another (main.ts prints just this). */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`port ${port} is in use: set ${envVar}=… to use another`);
  }
}

/** True for this package's and the simulators' port errors alike (demo.ts starts both). */
export function isPortInUse(error: unknown): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === 'PORT_IN_USE';
}

/** Prints a taken port as one line and exits 1; anything else is rethrown with its stack. */
export function exitIfPortInUse(error: unknown): never {
  if (!isPortInUse(error)) throw error;
  console.error(error.message);
  process.exit(1);
}

/** Serves the app on loopback only; port 0 picks a free port. */
export async function startServer(app: App, port: number, envVar = 'PORT'): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, envVar) : error));
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
