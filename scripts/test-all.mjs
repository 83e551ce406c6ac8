#!/usr/bin/env node
// Runs every suite — typecheck, lint, each package's vitest suite (through turbo) and the
// Gherkin conformance suite — and ends with one plain line `N passed, N failed` summing the
// tests of every suite, so CI and people read the same verdict. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'package.json')));

// Stale reports from an earlier run must never be counted.
for (const p of packages) rmSync(join(packagesDir, p, 'reports'), { recursive: true, force: true });

const steps = [];
function run(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  // turbo looks for the pnpm binary on PATH; the workspace's own pnpm is always there.
  const env = { ...process.env, FORCE_COLOR: '0', TURBO_TELEMETRY_DISABLED: '1', PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  const ok = result.status === 0;
  steps.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  return ok;
}

// The Postgres tests (the multi-instance run, the rate budget on a server) start a throwaway server
// from Debian's postgresql-15: installed here when missing and allowed (root), as .ci/run does for
// Chromium; elsewhere they say why they skip.
if (!existsSync('/usr/lib/postgresql/15/bin/postgres') && process.getuid?.() === 0) {
  const apt = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  const install = ['install', '-y', '--no-install-recommends', 'postgresql-15'];
  if (!apt(install)) {
    apt(['update']);
    if (!apt(install)) console.warn('postgresql-15 could not be installed: the Postgres server tests will skip');
  }
}

const turbo = join(root, 'node_modules', '.bin', 'turbo');
run('typecheck', turbo, ['run', 'typecheck', '--continue', '--output-logs=errors-only']);
run('lint', turbo, ['run', 'lint', '--continue', '--output-logs=errors-only']);
run('unit and integration tests', turbo, ['run', 'test', '--continue', '--concurrency=2']);
// the same workflow, API and console tests on the Postgres store (PGlite; vitest.pglite.config.ts)
run('store contract on Postgres (PGlite)', join(root, 'node_modules', '.bin', 'pnpm'), ['--filter', '@bookstrap/integration-service', 'run', 'test:pglite']);
run('conformance', join(root, 'packages', 'conformance', 'node_modules', '.bin', 'tsx'), [join(root, 'packages', 'conformance', 'src', 'cli.ts'), '--ci']);
// the same suite against a Postgres-backed service, on a throwaway server (Debian's postgresql-15)
const postgresInstalled = existsSync('/usr/lib/postgresql/15/bin/postgres');
if (postgresInstalled)
  run('conformance on Postgres', join(root, 'packages', 'conformance', 'node_modules', '.bin', 'tsx'), [
    join(root, 'packages', 'conformance', 'src', 'postgres.ts'),
    '--ci',
  ]);

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const reports = packages.map((p) => [p, join(packagesDir, p, 'reports', 'vitest.json')]);
reports.push(['integration-service on Postgres (PGlite)', join(packagesDir, 'integration-service', 'reports', 'vitest-pglite.json')]);
for (const [p, file] of reports) {
  if (!existsSync(file)) {
    rows.push(`${p}: no report (suite did not run to the end)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite file that crashed before its tests ran counts as a failure too.
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  failed += brokenFiles;
  rows.push(`${p}: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles} failed`);
}
const conformanceRuns = [['conformance', 'conformance']];
if (postgresInstalled) conformanceRuns.push(['conformance on Postgres', 'conformance-postgres']);
else rows.push('conformance on Postgres: not run (postgresql-15 is not installed)');
for (const [name, folder] of conformanceRuns) {
  const summary = join(packagesDir, 'conformance', 'reports', folder, 'summary.json');
  if (!existsSync(summary)) {
    rows.push(`${name}: no summary (suite did not run to the end)`);
    failed += 1;
    continue;
  }
  const c = JSON.parse(readFileSync(summary, 'utf8'));
  passed += c.passed;
  failed += c.failed;
  skipped += c.unsupported ?? 0;
  // not applicable (written for another ILS) is neither a pass nor a gap: shown, never counted
  rows.push(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.unsupported ?? 0} unsupported, ${c.notApplicable ?? 0} not applicable`);
}
const gateFailures = steps.filter((s) => !s.ok && (s.name === 'typecheck' || s.name === 'lint'));
failed += gateFailures.length;

console.log('\n=== summary');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds}s)`);
for (const r of rows) console.log(`     ${r}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && steps.every((s) => s.ok) ? 0 : 1);
