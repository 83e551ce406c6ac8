import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { App } from './http/types.ts';

/** Serves the app on loopback only; port 0 picks a free port. */
export async function startServer(app: App, port: number): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
    started.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
