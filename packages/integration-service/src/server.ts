import { type AddressInfo, isIP } from 'node:net';
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

/** A port this user may not open (EACCES: below 1024 without root, or a policy): named, one line. */
export class PortNotPermittedError extends Error {
  readonly code = 'PORT_NOT_PERMITTED';
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`port ${port} cannot be opened by this user (permission denied; ports below 1024 need root): set ${envVar}=… to a port from 1024 up`);
  }
}

/** A failed listen as the one-line mistake it is (port taken, not permitted), else the error itself. */
export function listenError(error: NodeJS.ErrnoException, port: number, envVar: string): Error {
  if (error.code === 'EADDRINUSE') return new PortInUseError(port, envVar);
  if (error.code === 'EACCES') return new PortNotPermittedError(port, envVar);
  return error;
}

/** A port variable that is not a port number (`PORT=abc`): named, one line. */
export class InvalidPortError extends Error {
  readonly code = 'PORT_INVALID';
  constructor(
    readonly envVar: string,
    readonly value: string,
  ) {
    super(`${envVar}=${value} is not a port: give 0-65535 (0 = any free port)`);
  }
}

/** `PORT`, `MAIL_PORT`, …: the number, the default when unset, an InvalidPortError otherwise. */
export function portFromEnv(env: Record<string, string | undefined>, envVar: string, fallback: number): number {
  const value = env[envVar];
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new InvalidPortError(envVar, value);
  return port;
}

/** The user's mistakes at start-up, this package's and the simulators' alike (demo.ts starts both). */
const startupErrorCodes = new Set(['PORT_IN_USE', 'PORT_NOT_PERMITTED', 'PORT_INVALID', 'DB_DIR_UNUSABLE', 'DATABASE_URL_INVALID', 'HOST_INVALID']);

/** True for this package's and the simulators' port errors alike (demo.ts starts both). */
export function isPortInUse(error: unknown): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === 'PORT_IN_USE';
}

export function isStartupError(error: unknown): error is Error {
  return error instanceof Error && startupErrorCodes.has(String((error as { code?: unknown }).code));
}

/** Prints a start-up mistake (port taken, not permitted or not a number, unusable folder) as one line and exits 1; anything else is rethrown with its stack. */
export function exitOnStartupError(error: unknown): never {
  if (!isStartupError(error)) throw error;
  console.error(error.message);
  process.exit(1);
}

/** The same, kept for callers of the earlier name. */
export const exitIfPortInUse = exitOnStartupError;

/** `HOST=` something that is not a host name or an IP address: named, one line. */
export class InvalidHostError extends Error {
  readonly code = 'HOST_INVALID';
  constructor(readonly value: string) {
    super(`HOST=${value} is not an address to listen on: give an IP address (0.0.0.0, ::, 10.0.0.5) or a host name`);
  }
}

/**
 * The address to listen on: `HOST`, loopback (127.0.0.1) when unset. Anything else exposes the
 * API beyond this machine, where the API keys are its only protection (see the README).
 */
export function hostFromEnv(env: Record<string, string | undefined>): string {
  const value = env.HOST?.trim();
  if (!value) return '127.0.0.1';
  if (isIP(value) || /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(value)) return value;
  throw new InvalidHostError(env.HOST ?? '');
}

/** Serves the app on `host` (loopback by default); port 0 picks a free port. */
export async function startServer(app: App, port: number, envVar = 'PORT', host = '127.0.0.1'): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, envVar)));
  });
  const actual = (server.address() as AddressInfo).port;
  // A wildcard address is reached on loopback from here; an IPv6 literal needs brackets in a URL.
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : isIP(host) === 6 ? `[${host}]` : host;
  return {
    url: `http://${shown}:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
