import { describe, expect, it } from 'vitest';
import { postgresUnavailable, startThrowawayPostgres } from '../testutil/postgres.ts';
import { type MultiInstanceReport, runMultiInstance } from './multi-instance.ts';

/**
 * Three service processes on one database, a few hundred workflows with simulator faults, one
 * instance killed -9 and another stopped mid-run (multi-instance.ts). `pnpm multi-instance` runs
 * the same with more workflows and prints the counts.
 */
function expectClean(report: MultiInstanceReport, workflows: number) {
  expect(report.violations).toEqual([]);
  expect(report.requests).toEqual({ created: workflows, settled: workflows, lost: 0, duplicated: 0, unsettled: [] });
  expect(report.ils.duplicates).toEqual([]);
  expect(report.ils.keptItems.found).toBe(report.ils.keptItems.expected);
  expect(report.ils.removedItems.left).toBe(0);
  expect(report.ils.lendingLoans).toMatchObject({ found: report.ils.lendingLoans.expected, leftAfterReturn: 0 });
  // Alma was kept busy at its threshold, and never pushed over it
  expect(report.alma.refusedPerSecond).toBe(0);
  expect(report.alma.peakPerSecond).toBeLessThanOrEqual(report.alma.perSecond);
  expect(report.alma.admitted).toBeGreaterThan(workflows * 2);
  // the instance killed while holding the periodic work: another took it over once its leases ran
  // out (5 s here, BOOKSTRAP_LEASE_MS) — within seconds, allowing for a loaded machine — and one holds it at the end
  expect(report.periodic.killedHolder).toBe(true);
  expect(report.periodic.takenOverBy).not.toBe('');
  expect(report.periodic.takenOverBy).not.toBe(report.periodic.firstHolder);
  expect(report.periodic.takeoverSeconds).toBeGreaterThanOrEqual(3);
  expect(report.periodic.takeoverSeconds).toBeLessThan(30);
  expect(report.periodic.holdersAtEnd).toHaveLength(1);
  // every instance did real work; the killed and the stopped one before they went
  for (const instance of report.instances) expect(instance.stepsDone, instance.name).toBeGreaterThan(0);
}

const borrowing = 160;
const lending = 12;

describe('several service instances on one database', () => {
  it(`SQLite (WAL): ${borrowing + lending} workflows over 3 instances, one killed -9, one stopped: nothing lost or made twice, Alma never over its threshold`, async () => {
    const report = await runMultiInstance({ borrowing, lending, log: (line) => console.log(`[multi-instance] ${line}`) });
    console.log(`[multi-instance] ${JSON.stringify({ ...report, violations: report.violations.length })}`);
    expectClean(report, borrowing + lending);
  }, 420_000);

  it(`Postgres: the same ${borrowing + lending} workflows on a throwaway Postgres server (Debian's postgresql-15)`, async (context) => {
    // Runs wherever Debian's postgresql-15 is installed (the test command installs it);
    // BOOKSTRAP_TEST_POSTGRES=0 leaves it out.
    if (process.env.BOOKSTRAP_TEST_POSTGRES === '0') context.skip('BOOKSTRAP_TEST_POSTGRES=0');
    const missing = postgresUnavailable();
    if (missing) context.skip(missing);
    const pg = await startThrowawayPostgres();
    try {
      const report = await runMultiInstance({
        borrowing,
        lending,
        database: { BOOKSTRAP_DATABASE_URL: pg.url },
        log: (line) => console.log(`[multi-instance postgres] ${line}`),
      });
      console.log(`[multi-instance postgres] ${JSON.stringify({ ...report, violations: report.violations.length })}`);
      expectClean(report, borrowing + lending);
    } finally {
      await pg.stop();
    }
  }, 480_000);
});
