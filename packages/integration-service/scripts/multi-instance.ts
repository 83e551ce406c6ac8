/**
 * `pnpm multi-instance`: three service processes on one database, the simulators, a few hundred
 * workflows with faults, one instance killed -9 and one stopped mid-run (src/e2e/multi-instance.ts);
 * prints what it counted and exits 1 on any violation. MULTI_BORROWING (240) and MULTI_LENDING
 * (20) size the run; BOOKSTRAP_DATABASE_URL or BOOKSTRAP_DB pick the shared database (default: a
 * temporary SQLite file).
 */
import { runMultiInstance } from '../src/e2e/multi-instance.ts';
import { startThrowawayPostgres } from '../src/testutil/postgres.ts';

// `pnpm multi-instance:postgres` (MULTI_POSTGRES=1): on a throwaway server from Debian's postgresql-15
const throwaway = process.env.MULTI_POSTGRES ? await startThrowawayPostgres() : undefined;
const database = throwaway
  ? { BOOKSTRAP_DATABASE_URL: throwaway.url }
  : process.env.BOOKSTRAP_DATABASE_URL
    ? { BOOKSTRAP_DATABASE_URL: process.env.BOOKSTRAP_DATABASE_URL }
    : process.env.BOOKSTRAP_DB
      ? { BOOKSTRAP_DB: process.env.BOOKSTRAP_DB }
      : undefined;
const report = await runMultiInstance({
  ...(process.env.MULTI_BORROWING ? { borrowing: Number(process.env.MULTI_BORROWING) } : {}),
  ...(process.env.MULTI_LENDING ? { lending: Number(process.env.MULTI_LENDING) } : {}),
  ...(database ? { database } : {}),
  log: (line) => console.log(line),
});
await throwaway?.stop();
console.log(JSON.stringify(report, null, 2));
if (report.violations.length > 0) {
  console.error(`${report.violations.length} violation(s):\n${report.violations.join('\n')}`);
  process.exit(1);
}
console.log(
  `OK: ${report.requests.created} requests on ${report.database}, ${report.requests.lost} lost, ${report.requests.duplicated} duplicated, ${report.ils.duplicates.length} duplicated ILS records, Alma refused ${report.alma.refusedPerSecond} over ${report.alma.perSecond}/s (peak ${report.alma.peakPerSecond}/s), periodic work taken over from the killed ${report.periodic.firstHolder} by ${report.periodic.takenOverBy} after ${report.periodic.takeoverSeconds} s, in ${report.seconds} s`,
);
