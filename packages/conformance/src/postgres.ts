/**
 * `pnpm conformance:postgres [cli options]`: the conformance suite against a Postgres-backed
 * service (issue 16), on a throwaway server from Debian's postgresql-15 started for the run
 * (integration-service's testutil/postgres.ts) and stopped after it; reports in
 * reports/conformance-postgres unless `--reports` says otherwise. With a server of your own, set
 * BOOKSTRAP_DATABASE_URL and run `pnpm conformance` instead.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresUnavailable, startThrowawayPostgres } from '@bookstrap/integration-service/testutil/postgres';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const missing = postgresUnavailable();
if (missing) {
  console.error(`conformance on Postgres: ${missing}`);
  process.exit(1);
}
const args = process.argv.slice(2);
const reports = args.includes('--reports') ? [] : ['--reports', join(packageDir, 'reports', 'conformance-postgres')];
const pg = await startThrowawayPostgres();
let status = 1;
try {
  console.log(`conformance on Postgres: ${pg.url}`);
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(packageDir, 'src', 'cli.ts'), ...reports, ...args], {
    stdio: 'inherit',
    env: { ...process.env, BOOKSTRAP_DATABASE_URL: pg.url },
  });
  status = run.status ?? 1;
} finally {
  await pg.stop();
}
process.exit(status);
