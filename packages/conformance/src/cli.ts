import { join } from 'node:path';
import { Command } from 'commander';
import { defaultJobs, packageDir, runConformance, UsageError } from './run.ts';
import { readSandbox } from './sandbox.ts';

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
  .option('--ils-credentials <pairs>', 'vendor API credentials of the ILS under test, e.g. apiKey=… or clientKey=…,clientSecret=…')
  .option('--fixture <file>', "JSON with the ILS's own test identities (and optionally credentials); see sandbox.example.json and README.md")
  .option('--reports <dir>', 'where reports go', join(packageDir, 'reports', 'conformance'))
  .option('--ci', 'quieter output for CI logs')
  .option('--jobs <n>', `processes running the targets side by side, each with its own service and simulators (1: all in one; default ${defaultJobs()})`)
  .parse();

const options = program.opts<{
  ils?: string;
  tags?: string;
  serviceUrl?: string;
  adminKey?: string;
  ilsOrigin?: string;
  simulatorOrigin?: string;
  ilsCredentials?: string;
  fixture?: string;
  reports: string;
  ci?: boolean;
  jobs?: string;
}>();

/** `a=1,b=2` → {a: '1', b: '2'}; a value may contain "=" but not ",". */
function pairs(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--ils-credentials: "${pair}" is not name=value`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1)];
    }),
  );
}

/** `--jobs`: a whole number of processes, at least one. */
function jobsOf(text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw new UsageError(`--jobs: "${text}" is not a whole number of processes (1 or more)`);
  return Number(text);
}

const { ilsCredentials, fixture, ils, jobs, ...rest } = options;
Promise.resolve()
  .then(() => {
    const sandbox = fixture ? readSandbox(fixture) : undefined;
    // --ils-credentials wins over the file's, name by name
    const credentials = { ...sandbox?.credentials, ...(ilsCredentials ? pairs(ilsCredentials) : {}) };
    return runConformance({
      ...rest,
      ...(ils ? { ils: ils.split(',') } : {}),
      ...(jobs !== undefined ? { jobs: jobsOf(jobs) } : {}),
      ...(Object.keys(credentials).length ? { credentials } : {}),
      ...(sandbox ? { fixture: sandbox.fixture } : {}),
    });
  })
  .then((sum) => {
    // a run that checked nothing (every selected scenario unsupported or not applicable) does not pass
    if (sum.passed + sum.failed === 0)
      console.error(
        `conformance: no scenario ran (${sum.unsupported} unsupported, ${sum.notApplicable} not applicable for the targets chosen): a run that checks nothing does not pass`,
      );
    process.exitCode = sum.failed > 0 || sum.passed === 0 ? 1 : 0;
  })
  .catch((error) => {
    // a usage mistake is the user's to fix: one line, no stack
    if (error instanceof UsageError) console.error(`conformance: ${error.message}`);
    else console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 2;
  });
