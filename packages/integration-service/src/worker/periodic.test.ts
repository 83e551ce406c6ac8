import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenedDatabase, openDatabase } from '../store/database.ts';
import { acquireLease, leaseOf, releaseLease } from '../store/leases.ts';
import { createPeriodicWork, type PeriodicWork } from './periodic.ts';

/**
 * Periodic work over several service instances on one database file (each its own connection,
 * as separate processes have), on an injected wall clock: one holder per task, a dead holder's
 * task taken over once its lease runs out (not before), a clean stop handing over at once.
 */
const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sharedDatabase(connections: number): OpenedDatabase[] {
  const dir = mkdtempSync(join(tmpdir(), 'bookstrap-leases-'));
  dirs.push(dir);
  const list = Array.from({ length: connections }, () => openDatabase(join(dir, 'service.sqlite')));
  opened.push(...list);
  return list;
}

const leaseMs = 10_000;

function instances(count: number) {
  let now = 1_000_000;
  const runs: { task: string; owner: string; at: number }[] = [];
  const works = sharedDatabase(count).map((database, i) =>
    createPeriodicWork({
      db: database.db,
      owner: `instance-${i}`,
      leaseMs,
      now: () => now,
      tasks: ['age-out-sweep', 'ils-sync'].map((name) => ({
        name,
        intervalMs: name === 'ils-sync' ? 30_000 : 60 * 60_000,
        run: () => {
          runs.push({ task: name, owner: `instance-${i}`, at: now });
        },
      })),
    }),
  );
  return {
    works,
    runs,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe('leases (store)', () => {
  it('one statement decides: the first owner holds, the second is refused until the lease runs out, the holder renews', async () => {
    const [a, b] = sharedDatabase(2);
    expect(await acquireLease(a!.db, 'ils-sync', 'A', 1_000, 11_000)).toBe(true);
    expect(await acquireLease(b!.db, 'ils-sync', 'B', 5_000, 15_000)).toBe(false);
    expect(await leaseOf(b!.db, 'ils-sync')).toEqual({ name: 'ils-sync', owner: 'A', leaseUntil: 11_000 });
    // the holder renews before it runs out
    expect(await acquireLease(a!.db, 'ils-sync', 'A', 9_000, 19_000)).toBe(true);
    expect(await acquireLease(b!.db, 'ils-sync', 'B', 12_000, 22_000)).toBe(false);
    // not renewed: at its end B takes it, and A is refused from then on
    expect(await acquireLease(b!.db, 'ils-sync', 'B', 19_000, 29_000)).toBe(true);
    expect(await acquireLease(a!.db, 'ils-sync', 'A', 19_500, 29_500)).toBe(false);
    expect(await leaseOf(a!.db, 'ils-sync')).toEqual({ name: 'ils-sync', owner: 'B', leaseUntil: 29_000 });
    // another name is its own lease
    expect(await acquireLease(a!.db, 'age-out-sweep', 'A', 19_500, 29_500)).toBe(true);
  });

  it('releasing is the owner’s alone, and hands the lease over at once', async () => {
    const [a, b] = sharedDatabase(2);
    await acquireLease(a!.db, 'notices', 'A', 0, 10_000);
    expect(await releaseLease(b!.db, 'notices', 'B')).toBe(false);
    expect(await acquireLease(b!.db, 'notices', 'B', 1, 10_001)).toBe(false);
    expect(await releaseLease(a!.db, 'notices', 'A')).toBe(true);
    expect(await acquireLease(b!.db, 'notices', 'B', 2, 10_002)).toBe(true);
  });
});

describe('periodic work on three instances', () => {
  it('runs each task on one instance only, on its interval', async () => {
    const t = instances(3);
    for (let step = 0; step < 60; step += 1) {
      for (const work of t.works) await work.tick();
      t.advance(2_000);
    }
    // 120 s of looks every 2 s on three instances: the sync every 30 s (0, 30, 60, 90 s), the sweep once
    expect(t.runs.filter((r) => r.task === 'ils-sync').map((r) => r.at - 1_000_000)).toEqual([0, 30_000, 60_000, 90_000]);
    expect(t.runs.filter((r) => r.task === 'age-out-sweep')).toHaveLength(1);
    expect(new Set(t.runs.map((r) => r.owner))).toEqual(new Set(['instance-0']));
    expect(t.works.map((w) => w.holding())).toEqual([['age-out-sweep', 'ils-sync'], [], []]);
  });

  it('a killed holder (no release) is taken over when its lease runs out, not before', async () => {
    const t = instances(3);
    const [dead, second, third] = t.works as [PeriodicWork, PeriodicWork, PeriodicWork];
    await dead.tick();
    await second.tick();
    await third.tick();
    expect(t.runs.map((r) => r.owner)).toEqual(['instance-0', 'instance-0']);
    // instance-0 is killed: it never looks again. Until its lease ends nobody else runs anything.
    for (let waited = 0; waited < leaseMs - 2_000; waited += 2_000) {
      t.advance(2_000);
      await second.tick();
      await third.tick();
    }
    expect(t.runs).toHaveLength(2);
    expect(second.holding()).toEqual([]);
    t.advance(2_000);
    await second.tick();
    await third.tick();
    // taken over at the first look after the lease: both tasks run there at once (the dead holder may never have)
    expect(t.runs.slice(2)).toEqual([
      { task: 'age-out-sweep', owner: 'instance-1', at: t.now() },
      { task: 'ils-sync', owner: 'instance-1', at: t.now() },
    ]);
    expect(third.holding()).toEqual([]);
    // and the new holder keeps it while it lives
    for (let step = 0; step < 20; step += 1) {
      t.advance(2_000);
      await third.tick();
      await second.tick();
    }
    expect(new Set(t.runs.slice(2).map((r) => r.owner))).toEqual(new Set(['instance-1']));
  });

  it('a clean stop gives the leases up: the next look elsewhere takes over without waiting for the lease', async () => {
    const t = instances(2);
    const [first, second] = t.works as [PeriodicWork, PeriodicWork];
    await first.tick();
    await second.tick();
    await first.stop();
    t.advance(1);
    await second.tick();
    expect(second.holding()).toEqual(['age-out-sweep', 'ils-sync']);
    expect(t.runs.map((r) => r.owner)).toEqual(['instance-0', 'instance-0', 'instance-1', 'instance-1']);
  });

  it('a run still going is not started again, and the lease is renewed meanwhile', async () => {
    let now = 0;
    let finish!: () => void;
    let started = 0;
    const [database, other] = sharedDatabase(2);
    const work = createPeriodicWork({
      db: database!.db,
      owner: 'slow',
      leaseMs,
      now: () => now,
      tasks: [
        {
          name: 'ils-sync',
          intervalMs: 1_000,
          run: () => {
            started += 1;
            return new Promise<void>((resolve) => {
              finish = resolve;
            });
          },
        },
      ],
    });
    await work.tick();
    for (let step = 0; step < 10; step += 1) {
      now += 2_000;
      await work.tick();
      // a long run keeps its lease: nobody else can take it while the holder is alive
      expect(await acquireLease(other!.db, 'ils-sync', 'intruder', now, now + leaseMs)).toBe(false);
    }
    expect(started).toBe(1);
    finish();
    await work.idle();
    now += 2_000;
    await work.tick();
    expect(started).toBe(2);
    finish();
    await work.stop();
  });

  it('property: whatever the order of looks, kills and time, no two live instances hold a task at once, and a task changes hands only after the last holder’s lease ran out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            { weight: 6, arbitrary: fc.record({ kind: fc.constant('tick' as const), who: fc.nat({ max: 2 }) }) },
            { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4_000 }) }) },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), who: fc.nat({ max: 2 }) }) },
          ),
          { minLength: 1, maxLength: 80 },
        ),
        async (actions) => {
          const t = instances(3);
          const dead = new Set<number>();
          /** until when each instance believes it holds the sync (its last successful look + the lease) */
          const believes = new Map<number, number>();
          const held: { owner: string; at: number }[] = [];
          for (const action of actions) {
            if (action.kind === 'advance') t.advance(action.ms);
            else if (action.kind === 'kill') {
              // never all three: someone must be left to take over
              if (dead.size < 2) dead.add(action.who);
            } else if (!dead.has(action.who)) {
              const work = t.works[action.who]!;
              await work.tick();
              if (work.holding().includes('ils-sync')) {
                believes.set(action.who, t.now() + leaseMs);
                held.push({ owner: `instance-${action.who}`, at: t.now() });
              } else believes.delete(action.who);
            }
            const holders = [...believes.entries()].filter(([who, until]) => !dead.has(who) && until > t.now());
            expect(holders.length).toBeLessThanOrEqual(1);
          }
          // a run by a new owner comes after the previous owner's last hold has run out
          const syncRuns = t.runs.filter((r) => r.task === 'ils-sync');
          for (let i = 1; i < syncRuns.length; i += 1) {
            const [before, after] = [syncRuns[i - 1]!, syncRuns[i]!];
            if (before.owner === after.owner) {
              expect(after.at - before.at).toBeGreaterThanOrEqual(30_000);
              continue;
            }
            const lastHeld = Math.max(...held.filter((h) => h.owner === before.owner && h.at <= after.at).map((h) => h.at));
            expect(after.at).toBeGreaterThanOrEqual(lastHeld + leaseMs);
          }
        },
      ),
      { seed: 16_2, numRuns: 60 },
    );
  });
});

describe('the service’s periodic work', () => {
  it('two services on one database: one runs the sweeps, the ILS sync and the notices; the other takes over when it dies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookstrap-services-'));
    dirs.push(dir);
    let now = 5_000_000;
    const { createService } = await import('../service.ts');
    const { smtpMailer } = await import('../notices/mailer.ts');
    const make = (owner: string) =>
      createService({
        dbPath: join(dir, 'service.sqlite'),
        adminKey: 'periodic-admin-key-0000',
        periodic: { owner, now: () => now },
        // never contacted: nothing is due
        mail: { mailer: smtpMailer('smtp://127.0.0.1:9'), from: 'ill@example.org' },
      });
    const [a, b] = [make('A'), make('B')];
    const all = ['age-out-sweep', 'protocol-log-retention', 'ils-sync', 'notice-sender'];
    await a.periodic.tick();
    await b.periodic.tick();
    expect(a.periodic.holding()).toEqual(all);
    expect(b.periodic.holding()).toEqual([]);
    expect(await Promise.all(all.map(async (name) => (await leaseOf(b.database.db, name))?.owner))).toEqual(['A', 'A', 'A', 'A']);
    // A dies without a word (its leases are not released); B takes over once they run out
    now += 9_000;
    await b.periodic.tick();
    expect(b.periodic.holding()).toEqual([]);
    now += 2_000;
    await b.periodic.tick();
    expect(b.periodic.holding()).toEqual(all);
    await b.periodic.idle();
    await Promise.all([a.close(), b.close()]);
  });
});
