import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustableClock, createSimulator, demo, fixedClock } from '@bookstrap/ils-simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { almaRestAdapter } from '../adapters/alma/alma.ts';
import { createHarness, type Harness, testNow } from '../testutil/harness.ts';
import { receivedLoan } from '../testutil/received.ts';

/**
 * The per-institution ILS budget is the database's, for every service on it: the worker's steps
 * on one instance and the ILS sync's reads on another spend the same row of ils_rate_budgets
 * (the institution's), not a budget in each process's memory or one per library.
 */
const made: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of made.splice(0)) await h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('one ILS budget per institution across service instances', () => {
  it('steps on one instance and the ILS sync on another count against the same institution budget in the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookstrap-budget-'));
    dirs.push(dir);
    const clock = adjustableClock(fixedClock(testNow));
    const sim = createSimulator({ vendor: 'alma', clock, limits: { perSecond: 100_000 } });
    // a finite allowance small enough to be counted call by call
    const registry = { 'alma:rest': { ...almaRestAdapter, ratePerSecond: 50 } };
    const dbPath = join(dir, 'service.sqlite');
    const a = await createHarness({ sim, clock, dbPath, registry });
    const b = await createHarness({ sim, clock, dbPath, registry });
    made.push(b, a);
    const budgets = () => a.service.database.sqlite.prepare('select budget_key as key, state from ils_rate_budgets').all() as { key: string; state: string }[];
    /** when the budget last let a call go (wall clock) */
    const lastCall = (key: string) => {
      const state = JSON.parse(budgets().find((row) => row.key === key)?.state ?? '{}') as { recent?: number[] };
      return Math.max(0, ...(state.recent ?? []));
    };
    const institution = `alma:${demo.alma.institutionCode}`;
    await receivedLoan(a);
    expect(budgets().map((row) => row.key)).toEqual([institution]);
    const afterSteps = lastCall(institution);
    expect(afterSteps).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const tulsa = a.service.database.sqlite.prepare("select id from libraries where symbol = 'TULSA'").get() as { id: number };
    const report = await b.service.ilsSync.runLibrary(tulsa.id);
    expect(report.read).toBe(1);
    // the sync's read went into the same institution's row (none keyed by the library's id)
    expect(budgets().map((row) => row.key)).toEqual([institution]);
    expect(lastCall(institution)).toBeGreaterThan(afterSteps);
  });
});
