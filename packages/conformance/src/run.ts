import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredVendors } from '@bookstrap/ils-simulators';
import type { AdapterRegistry } from '@bookstrap/integration-service';
import type { IRunEnvironment, ISupportCodeLibrary } from '@cucumber/cucumber/api';
import { loadConfiguration, loadSources, runCucumber } from '@cucumber/cucumber/api';
import { driverFor, targets } from '@bookstrap/ils-simulators/drivers/registry';
import type { IlsFixture } from '@bookstrap/ils-simulators/drivers/types';
import { addSkippedToJunitFile, type SkippedCase } from './junit.ts';
import { legend, matrixText, type ScenarioResult, type Totals, totals, writeMatrixHtml } from './matrix.ts';
import { makeTargetDir, prepareReports, recordWritten, targetFiles } from './reports.ts';
import { setHarness } from './support/harness.ts';
import { type SandboxReport, takeSandboxReport } from './sandbox-cleanup.ts';
import type { SuiteParameters } from './support/world.ts';
import { startSystems, type Systems } from './systems.ts';
import { UsageError } from './usage.ts';

/**
 * Runs the Gherkin features against each ILS target, starting the service and simulators on
 * free ports, or against systems it is given URLs for. Writes per-target HTML, JUnit XML and
 * cucumber messages, and a features × ILS matrix (terminal, HTML, summary.json).
 */
const here = dirname(fileURLToPath(import.meta.url));
export const packageDir = join(here, '..');
const featuresDir = join(packageDir, '..', '..', 'features');

export interface ConformanceOptions {
  /** targets or vendors (alma, alma-ncip, sierra, …); default: every target with a simulator */
  ils?: string[];
  tags?: string;
  /** a running service; then adminKey and ilsOrigin are needed */
  serviceUrl?: string;
  adminKey?: string;
  ilsOrigin?: string;
  simulatorOrigin?: string;
  /** vendor API credentials of the ILS under test (default: the simulator's demo ones) */
  credentials?: Record<string, string>;
  /** the ILS's own patrons, accounts and items, for a real sandbox */
  fixture?: Partial<IlsFixture>;
  reports: string;
  ci?: boolean;
  /** the adapters the in-process service uses (the teeth check swaps in a broken one) */
  registry?: AdapterRegistry;
}

export { UsageError };

/** Fails when the user's tag expression selects no scenario at all, before anything starts. */
export async function checkTagsSelectSomething(tags: string | undefined): Promise<void> {
  if (!tags) return;
  const paths = [join(featuresDir, '**/*.feature')];
  const { plan } = await loadSources({ defaultDialect: 'en', paths, names: [], tagExpression: tags, order: 'defined' });
  if (plan.length > 0) return;
  const known = new Set<string>();
  for (const file of readdirSync(featuresDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.feature')))
    for (const tag of readFileSync(join(featuresDir, file), 'utf8').match(/(?<=^|\s)@[\w-]+/g) ?? []) known.add(tag);
  throw new UsageError(`--tags "${tags}" selects no scenario; tags in the features: ${[...known].sort().join(' ')}`);
}

export function chooseTargets(ils?: string[]): string[] {
  const available = new Set(registeredVendors().map((v) => v.id as string));
  if (!ils || ils.length === 0)
    return Object.entries(targets)
      .filter(([, t]) => available.has(t.vendor))
      .map(([name]) => name);
  const chosen = ils.flatMap((word) => {
    const w = word.trim();
    if (targets[w]) return [w];
    const byVendor = Object.entries(targets)
      .filter(([, t]) => t.vendor === w)
      .map(([name]) => name);
    if (byVendor.length === 0) throw new UsageError(`unknown ILS "${w}"; known targets: ${Object.keys(targets).join(', ')}`);
    return byVendor;
  });
  return [...new Set(chosen)];
}

interface Exclusion {
  status: 'unsupported' | 'not-applicable';
  reason: string;
}

/**
 * Tags whose scenarios this target does not run: features written for another ILS (not
 * applicable), capabilities the target lacks, and what this run cannot do (time travel, faults).
 */
function excludedTags(target: string, parameters: SuiteParameters, startedHere: boolean): Map<string, Exclusion> {
  const driver = driverFor(target, { origin: parameters.ilsOrigin });
  const reasons = new Map<string, Exclusion>();
  // first, so a vendor feature that also needs a capability reads "not applicable" elsewhere
  const ownVendor = targets[target]?.vendor;
  for (const vendor of new Set(Object.values(targets).map((t) => t.vendor)))
    if (vendor !== ownVendor) reasons.set(`@${vendor}`, { status: 'not-applicable', reason: `written for ${vendor}` });
  for (const tag of driver.unsupported) reasons.set(tag, { status: 'unsupported', reason: `${target} does not support ${tag}` });
  if (!startedHere) reasons.set('@time-travel', { status: 'unsupported', reason: 'needs the systems started by the suite (moves the service clock)' });
  if (!parameters.simulatorOrigin) reasons.set('@fault-injection', { status: 'unsupported', reason: 'needs a simulator control plane' });
  return reasons;
}

function featureOf(uri: string): { label: string; name: string } {
  const path = join(process.cwd(), uri);
  const name = /^\s*Feature:\s*(.+)$/m.exec(readFileSync(path, 'utf8'))?.[1]?.trim() ?? uri;
  return { label: `${relative(featuresDir, path).split('/')[0]}: ${name}`, name };
}

async function runTarget(options: ConformanceOptions, target: string, parameters: SuiteParameters, startedHere: boolean, support?: ISupportCodeLibrary) {
  const dir = makeTargetDir(options.reports, target);
  // listed before they are written: a run that dies half-way is still cleaned up by the next
  recordWritten(
    options.reports,
    targetFiles.map((file) => join(dir, file)),
  );
  const excluded = excludedTags(target, parameters, startedHere);
  const tagExpression = [...[...excluded.keys()].map((tag) => `not ${tag}`), ...(options.tags ? [`(${options.tags})`] : [])].join(' and ');
  const { runConfiguration } = await loadConfiguration({
    file: false,
    provided: {
      paths: [join(featuresDir, '**/*.feature')],
      import: [join(here, 'support/**/*.ts'), join(here, 'steps/**/*.ts')],
      format: [
        options.ci ? 'summary' : 'progress',
        `html:${join(dir, 'cucumber.html')}`,
        `junit:${join(dir, 'junit.xml')}`,
        `message:${join(dir, 'messages.ndjson')}`,
      ],
      formatOptions: { junit: { suiteName: `bookstrap-conformance-${target}` } },
      worldParameters: { ...parameters },
      tags: tagExpression,
      strict: true,
    },
  });
  const environment: IRunEnvironment = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env };

  // What the tag filter leaves out is declared unsupported or not applicable, with the tag's reason.
  const results: ScenarioResult[] = [];
  const skipped: SkippedCase[] = [];
  for (const [tag, { status, reason }] of excluded) {
    const { plan } = await loadSources({
      ...runConfiguration.sources,
      tagExpression: [tag, options.tags ? `(${options.tags})` : ''].filter(Boolean).join(' and '),
    });
    for (const pickle of plan) {
      const { label: feature, name } = featureOf(pickle.uri);
      if (results.some((r) => r.scenario === pickle.name && r.feature === feature)) continue;
      results.push({ target, feature, scenario: pickle.name, status, detail: reason });
      skipped.push({ classname: name, name: pickle.name, message: status === 'not-applicable' ? `not applicable: ${reason}` : reason });
    }
  }

  const pickles = new Map<string, { uri: string; name: string }>();
  const testCases = new Map<string, string>();
  const started = new Map<string, { pickleId: string; worst: string; message?: string }>();
  const rank = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];
  const { success, support: loaded } = await runCucumber({ ...runConfiguration, ...(support ? { support } : {}) }, environment, (envelope) => {
    if (envelope.pickle) pickles.set(envelope.pickle.id, { uri: envelope.pickle.uri, name: envelope.pickle.name });
    if (envelope.testCase) testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted)
      started.set(envelope.testCaseStarted.id, { pickleId: testCases.get(envelope.testCaseStarted.testCaseId) ?? '', worst: 'PASSED' });
    if (envelope.testStepFinished) {
      const run = started.get(envelope.testStepFinished.testCaseStartedId);
      const status = envelope.testStepFinished.testStepResult.status;
      if (run && rank.indexOf(status) > rank.indexOf(run.worst)) {
        run.worst = status;
        run.message = envelope.testStepFinished.testStepResult.message;
      }
    }
    if (envelope.testCaseFinished && !envelope.testCaseFinished.willBeRetried) {
      const run = started.get(envelope.testCaseFinished.testCaseStartedId);
      const pickle = run ? pickles.get(run.pickleId) : undefined;
      if (run && pickle) {
        const passed = run.worst === 'PASSED';
        results.push({
          target,
          feature: featureOf(pickle.uri).label,
          scenario: pickle.name,
          status: passed ? 'passed' : 'failed',
          ...(passed ? {} : { detail: `${run.worst}: ${run.message ?? ''}` }),
        });
      }
    }
  });
  addSkippedToJunitFile(join(dir, 'junit.xml'), skipped);
  return { success, results, support: loaded };
}

export async function runConformance(options: ConformanceOptions): Promise<Totals & { results: ScenarioResult[]; sandbox?: Record<string, SandboxReport> }> {
  const chosen = chooseTargets(options.ils);
  await checkTagsSelectSomething(options.tags);
  // never rm -rf: the directory may hold the user's own files
  prepareReports(options.reports, Object.keys(targets));
  const startedHere = !options.serviceUrl;
  let systems: Systems | undefined;
  if (startedHere) {
    systems = await startSystems(
      chosen.map((t) => targets[t]!.vendor),
      options.registry,
    );
    setHarness(systems.harness);
  } else if (!options.adminKey || !options.ilsOrigin) {
    throw new UsageError('--service-url needs --admin-key and --ils-origin');
  }
  const all: ScenarioResult[] = [];
  const sandbox: Record<string, SandboxReport> = {};
  let support: ISupportCodeLibrary | undefined;
  try {
    for (const target of chosen) {
      const vendor = targets[target]!.vendor;
      const simulatorOrigin = systems ? systems.simulatorOrigins[vendor] : options.simulatorOrigin;
      // Each target starts from the simulator's seed, as a fresh sandbox would.
      if (systems && simulatorOrigin) await fetch(`${simulatorOrigin}/_sim/reset`, { method: 'POST' });
      const parameters: SuiteParameters = {
        target,
        serviceUrl: systems?.serviceUrl ?? options.serviceUrl!,
        adminKey: systems?.adminKey ?? options.adminKey!,
        ilsOrigin: systems ? simulatorOrigin! : options.ilsOrigin!,
        ...(simulatorOrigin ? { simulatorOrigin } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.fixture ? { fixture: options.fixture } : {}),
        // live systems the suite did not start: it cleans up after itself there (support/sandbox.ts)
        ...(startedHere ? {} : { sandbox: true }),
        ...(systems ? { ilsPerSecond: systems.simulatorPerSecond } : {}),
      };
      console.log(`\n=== conformance: ${target} (${parameters.ilsOrigin})`);
      const run = await runTarget(options, target, parameters, startedHere, support);
      support = run.support;
      all.push(...run.results);
      if (!startedHere) {
        const cleanup = takeSandboxReport();
        sandbox[target] = cleanup;
        writeFileSync(join(options.reports, target, 'sandbox.json'), `${JSON.stringify(cleanup, null, 2)}\n`);
      }
    }
  } finally {
    await systems?.stop();
    setHarness(undefined);
  }
  const sum = totals(all);
  console.log(`\n=== conformance matrix (${legend})\n${matrixText(all)}`);
  recordWritten(options.reports, [join(options.reports, 'index.html'), join(options.reports, 'summary.json')]);
  writeMatrixHtml(join(options.reports, 'index.html'), all);
  writeFileSync(join(options.reports, 'summary.json'), JSON.stringify({ ...sum, targets: chosen, results: all, ...(startedHere ? {} : { sandbox }) }, null, 2));
  // relative to where the command was run, so the paths can be pasted as they are
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  console.log(
    `\nconformance: ${sum.passed} passed, ${sum.failed} failed, ${sum.unsupported} unsupported, ${sum.notApplicable} not applicable (reports in ${shown(options.reports)})`,
  );
  const width = Math.max('matrix'.length, ...chosen.map((t) => t.length));
  console.log(`  ${'matrix'.padEnd(width)}  ${shown(join(options.reports, 'index.html'))}, ${shown(join(options.reports, 'summary.json'))}`);
  for (const target of chosen)
    console.log(`  ${target.padEnd(width)}  ${['cucumber.html', 'junit.xml'].map((file) => shown(join(options.reports, target, file))).join(', ')}`);
  // exactly what a run against live systems left there, item by item
  for (const [target, cleanup] of Object.entries(sandbox)) {
    console.log(
      `\nsandbox ${target}: cleaned up ${cleanup.cleaned.length}, left ${cleanup.left.length} (${shown(join(options.reports, target, 'sandbox.json'))})`,
    );
    for (const line of cleanup.left) console.log(`  left: ${line}`);
  }
  return { ...sum, results: all, ...(startedHere ? {} : { sandbox }) };
}
