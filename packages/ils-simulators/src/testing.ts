/** Helpers for tests in this package and others: a seeded engine on a movable fixed clock. */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { type AdjustableClock, adjustableClock, fixedClock } from './clock.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { buildDemoDataset, type DemoDataset, type DemoProfile, seedEngine } from './seed.ts';

export const testProfile: DemoProfile = { fakerSeed: 20250312, itemBarcodePrefix: '39', patronBarcodePrefix: '29' };

/** A Wednesday: MAIN is closed on Sundays, SCI on weekends. */
export const testNow = '2025-03-12T10:00:00.000Z';

export interface DemoEngine {
  engine: Engine;
  clock: AdjustableClock;
  dataset: DemoDataset;
}

export function createDemoEngine(at: string = testNow, profile: DemoProfile = testProfile): DemoEngine {
  const clock = adjustableClock(fixedClock(at));
  const engine = createEngine({ clock });
  const dataset = buildDemoDataset(profile);
  seedEngine(engine, dataset);
  return { engine, clock, dataset };
}

export const days = (n: number) => n * 24 * 60 * 60 * 1000;

/**
 * A loopback port held open for the whole test file, for "port in use" tests of any server here.
 * Call at the top level of a test file: it registers its own beforeAll/afterAll.
 */
export function occupiedPort(): { readonly port: number } {
  const held = { port: 0 };
  let server: import('node:net').Server | undefined;
  beforeAll(async () => {
    const { createServer } = await import('node:net');
    const listening = createServer();
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    held.port = (listening.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return held;
}

/**
 * How to run a command as a user who may not open ports below 1024, for "permission denied" tests:
 * as it is when the tests already run unprivileged, through `setpriv` as `nobody` when they run as
 * root (containers), undefined when neither is possible (the test is then skipped, and says why).
 */
export function unprivilegedCommand(command: string, args: string[]): { command: string; args: string[] } | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  if (uid !== 0) return { command, args };
  const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
  return probe.status === 0 ? { command: 'setpriv', args: ['--reuid=65534', '--regid=65534', '--clear-groups', command, ...args] } : undefined;
}
