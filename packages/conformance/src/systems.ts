import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulators } from '@bookstrap/ils-simulators';
import { type AdapterRegistry, createService, startServer } from '@bookstrap/integration-service';
import type { Harness } from './support/harness.ts';

/**
 * Starts what the suite runs against, on free loopback ports: the integration service (its own
 * temporary SQLite file, the worker running) and the simulators the chosen targets need.
 */
export interface Systems {
  serviceUrl: string;
  adminKey: string;
  simulatorOrigins: Record<string, string>;
  /** calls per second the simulators allow (their governance lifted for the suite's bursts) */
  simulatorPerSecond: number;
  harness: Harness;
  stop(): Promise<void>;
}

/** the conformance suite makes bursts of calls; vendors' per-second governance is tested elsewhere */
const simulatorPerSecond = 10_000;

export async function startSystems(vendors: string[], registry?: AdapterRegistry): Promise<Systems> {
  const dir = mkdtempSync(join(tmpdir(), 'bookstrap-conformance-'));
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const adminKey = `conformance-admin-${process.pid}`;
  const service = createService({
    dbPath: join(dir, 'service.sqlite'),
    adminKey,
    clock,
    ...(registry ? { registry } : {}),
    // Fast retries: an outage scenario waits for backoff in milliseconds, not minutes.
    worker: { pollMs: 20, backoff: { baseMs: 300, capMs: 2_000, jitter: 0.2, maxAttempts: 8 } },
  });
  service.start();
  const server = await startServer(service.app, 0);
  const unique = [...new Set(vendors)];
  const simulators = await startSimulators({
    vendors: unique as never,
    ports: Object.fromEntries(unique.map((v) => [v, 0])) as never,
    limits: { perSecond: simulatorPerSecond },
  });
  return {
    serviceUrl: server.url,
    adminKey,
    simulatorOrigins: Object.fromEntries(simulators.simulators.map((s: { vendor: string; url: string }) => [s.vendor, s.url])),
    simulatorPerSecond,
    harness: {
      advanceServiceClock: (milliseconds) => {
        offsetMs += milliseconds;
      },
      resetServiceClock: () => {
        offsetMs = 0;
      },
    },
    async stop() {
      await server.close();
      await service.close();
      await simulators.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
