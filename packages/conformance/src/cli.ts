import { join } from 'node:path';
import { Command } from 'commander';
import { packageDir, runConformance } from './run.ts';

/** `pnpm conformance [--ils alma,sierra] [--tags @borrowing] [--service-url … --admin-key … --ils-origin …]` */
const program = new Command()
  .name('conformance')
  .description('Bookstrap conformance suite: the documented borrowing and lending steps, end to end, per ILS')
  .option('--ils <targets>', 'comma-separated targets or vendors (alma, alma-ncip, sierra, …); default: every target with a simulator')
  .option('--tags <expression>', 'extra cucumber tag expression, e.g. "@borrowing"')
  .option('--service-url <url>', 'a running Bookstrap service (then --admin-key and --ils-origin are needed)')
  .option('--admin-key <key>', 'admin key of that service')
  .option('--ils-origin <url>', 'scheme://host:port of the ILS under test')
  .option('--simulator-origin <url>', 'control plane of a simulator, for fault-injection scenarios')
  .option('--reports <dir>', 'where reports go', join(packageDir, 'reports', 'conformance'))
  .option('--ci', 'quieter output for CI logs')
  .parse();

const options = program.opts<{
  ils?: string;
  tags?: string;
  serviceUrl?: string;
  adminKey?: string;
  ilsOrigin?: string;
  simulatorOrigin?: string;
  reports: string;
  ci?: boolean;
}>();

runConformance({ ...options, ils: options.ils?.split(',') })
  .then((sum) => {
    process.exitCode = sum.failed > 0 ? 1 : 0;
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 2;
  });
