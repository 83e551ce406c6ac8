import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulators } from '@bookstrap/ils-simulators';
import { type AdapterRegistry, createScratchDatabase, createService, databaseLocation, openStore, startServer } from '@bookstrap/integration-service';
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
  // Step runs finished, and who waits for the next one (settle() looks again then, not on a timer).
  let finished = 0;
  const waiting = new Set<() => void>();
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const adminKey = `conformance-admin-${process.pid}`;
  // BOOKSTRAP_DATABASE_URL=postgres://…: the service stores in Postgres, a fresh database per run
  // on that server (dropped when the run stops), so targets never see each other's libraries.
  const location = databaseLocation(process.env);
  const scratch = location.dialect === 'postgres' ? await createScratchDatabase(location.url, 'bookstrap_conformance') : undefined;
  const database = scratch ? await openStore({ dialect: 'postgres', url: scratch.url }, { poolSize: 4 }) : undefined;
  const service = createService({
    ...(database ? { database } : { dbPath: join(dir, 'service.sqlite') }),
    adminKey,
    clock,
    ...(registry ? { registry } : {}),
    worker: {
      // Idle polling only finds retries whose backoff ran out: new steps kick the worker, and so
      // does moving the clock. 64 loops polling every 20 ms cost the suite a tenth of its CPU.
      pollMs: 100,
      // Fast retries: an outage scenario waits for backoff in milliseconds, not minutes.
      backoff: { baseMs: 300, capMs: 2_000, jitter: 0.2, maxAttempts: 8 },
      onJobFinished: () => {
        finished += 1;
        for (const wake of [...waiting]) wake();
      },
    },
  });
  await service.start();
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
        // steps that came due at the new time run now, not at the worker's next poll
        service.worker.kick();
      },
      resetServiceClock: () => {
        offsetMs = 0;
      },
      stepRunsFinished: () => finished,
      stepRunFinishedAfter: (seen, timeoutMs) =>
        new Promise<void>((resolve) => {
          if (finished > seen) return resolve();
          const wake = () => {
            clearTimeout(timer);
            waiting.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, timeoutMs);
          waiting.add(wake);
        }),
    },
    async stop() {
      await server.close();
      await service.close();
      await scratch?.drop();
      await simulators.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
