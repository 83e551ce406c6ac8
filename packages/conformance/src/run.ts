import { fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
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
  /**
   * how many processes run the targets when the suite starts the systems itself, each with its
   * own service and simulators (default: one per core, at most 2); 1 runs them all in this one
   */
  jobs?: number;
}

/** What a child process is given (src/group.ts): the options as plain data, and its targets. */
export interface GroupTask {
  options: Omit<ConformanceOptions, 'registry' | 'jobs'>;
  targets: string[];
}

/** What a child sends back per target, in the order it ran them. */
export interface TargetDone {
  target: string;
  /** what the run printed for the target, shown by the parent in the targets' order */
  output: string;
  results: ScenarioResult[];
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

const features = new Map<string, { label: string; name: string }>();
function featureOf(uri: string): { label: string; name: string } {
  const known = features.get(uri);
  if (known) return known;
  const path = join(process.cwd(), uri);
  const name = /^\s*Feature:\s*(.+)$/m.exec(readFileSync(path, 'utf8'))?.[1]?.trim() ?? uri;
  const feature = { label: `${relative(featuresDir, path).split('/')[0]}: ${name}`, name };
  features.set(uri, feature);
  return feature;
}

/**
 * The scenarios a tag selects, parsed once per process: every target asks again for the other
 * vendors' tags (parsing all the features each time cost ~60 ms a tag, ~10 tags a target).
 */
const plans = new Map<string, ReturnType<typeof loadSources>>();
function plannedOnce(sources: Parameters<typeof loadSources>[0]): ReturnType<typeof loadSources> {
  const key = JSON.stringify(sources);
  let plan = plans.get(key);
  if (!plan) {
    plan = loadSources(sources);
    plans.set(key, plan);
  }
  return plan;
}

/** The target's report files, listed before they are written: a run that dies half-way is still cleaned up by the next. */
function listTargetReports(reports: string, target: string): string {
  const dir = makeTargetDir(reports, target);
  recordWritten(
    reports,
    targetFiles.map((file) => join(dir, file)),
  );
  return dir;
}

async function runTarget(
  options: ConformanceOptions,
  target: string,
  parameters: SuiteParameters,
  startedHere: boolean,
  stdout: Writable,
  listed: boolean,
  support?: ISupportCodeLibrary,
) {
  // a child process's parent listed them already (one writer of the manifest at a time)
  const dir = listed ? join(options.reports, target) : listTargetReports(options.reports, target);
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
  const environment: IRunEnvironment = { cwd: process.cwd(), stdout, stderr: process.stderr, env: process.env };

  // What the tag filter leaves out is declared unsupported or not applicable, with the tag's reason.
  const results: ScenarioResult[] = [];
  const skipped: SkippedCase[] = [];
  for (const [tag, { status, reason }] of excluded) {
    const { plan } = await plannedOnce({
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
  if (!startedHere && (!options.adminKey || !options.ilsOrigin)) throw new UsageError('--service-url needs --admin-key and --ils-origin');
  // Live systems are one sandbox, and a swapped-in registry cannot cross into a child: one process.
  const groups = startedHere && !options.registry ? groupTargets(chosen, options.jobs ?? defaultJobs()) : [chosen];
  const { results: all, sandbox } = groups.length > 1 ? await runInChildren(options, chosen, groups) : await runHere(options, chosen);
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

/** One process per core, at most two: measured on 2 cores, more processes only share them. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * The targets split into at most `jobs` runs of consecutive targets, balanced by count. Targets
 * of one vendor share its simulator (each target resets it first), so they stay in one group.
 */
export function groupTargets(chosen: string[], jobs: number): string[][] {
  const byVendor: string[][] = [];
  for (const target of chosen) {
    const last = byVendor.at(-1);
    if (last && targets[last[0]!]?.vendor === targets[target]?.vendor) last.push(target);
    else byVendor.push([target]);
  }
  const count = Math.max(1, Math.min(Math.floor(jobs) || 1, byVendor.length));
  const groups: string[][] = [];
  let left = chosen.length;
  for (const [index, vendor] of byVendor.entries()) {
    const current = groups.at(-1);
    // start the next group once this one has its share of what is left, or when every vendor left is needed for a group of its own
    const share = left / (count - groups.length + 1);
    const needed = byVendor.length - index <= count - groups.length;
    if (!current || (groups.length < count && (current.length >= share || needed))) {
      left -= current?.length ?? 0;
      groups.push([...vendor]);
    } else current.push(...vendor);
  }
  return groups;
}

/** Runs the targets one after another in this process, against systems it starts (or was given). */
async function runHere(
  options: ConformanceOptions,
  chosen: string[],
  child?: { onTarget: (done: TargetDone) => void },
): Promise<{ results: ScenarioResult[]; sandbox: Record<string, SandboxReport> }> {
  const startedHere = !options.serviceUrl;
  // parsed once per run, not across runs: the features may have changed since
  plans.clear();
  features.clear();
  let systems: Systems | undefined;
  if (startedHere) {
    systems = await startSystems(
      chosen.map((t) => targets[t]!.vendor),
      options.registry,
    );
    setHarness(systems.harness);
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
      // A child keeps what the target prints, for the parent to show in the targets' order.
      let output = '';
      const stdout = child
        ? Object.assign(
            new Writable({
              write(chunk, _encoding, callback) {
                output += String(chunk);
                callback();
              },
            }),
            // the parent's terminal (inherited): colours as a run in one process would have them
            { isTTY: process.stdout.isTTY },
          )
        : process.stdout;
      stdout.write(`\n=== conformance: ${target} (${parameters.ilsOrigin})\n`);
      const run = await runTarget(options, target, parameters, startedHere, stdout, Boolean(child), support);
      support = run.support;
      all.push(...run.results);
      child?.onTarget({ target, output, results: run.results });
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
  return { results: all, sandbox };
}

/** A child process's part (src/group.ts): its targets, each reported back as soon as it is done. */
export function runGroup(task: GroupTask, onTarget: (done: TargetDone) => void): Promise<unknown> {
  return runHere(task.options, task.targets, { onTarget });
}

/**
 * Runs each group in its own child process (own service, own simulators) at the same time; what
 * each target printed is shown in the targets' order as soon as it and those before it are done,
 * and the results are put together in that order, as one process would have them.
 */
async function runInChildren(options: ConformanceOptions, chosen: string[], groups: string[][]) {
  // the parent alone writes the manifest: listed here, before any child writes a report
  for (const target of chosen) listTargetReports(options.reports, target);
  const { registry: _registry, jobs: _jobs, ...plain } = options;
  const done = new Map<string, TargetDone>();
  let shown = 0;
  const show = () => {
    for (; shown < chosen.length && done.has(chosen[shown]!); shown += 1) process.stdout.write(done.get(chosen[shown]!)!.output);
  };
  const children = groups.map((group) => {
    // tsx's loader by its own path: the command may be run from any directory
    const child = fork(join(here, 'group.ts'), [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const finished = new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      child.on('message', (message: Partial<TargetDone> & { error?: string }) => {
        if (message.error) failure = message.error;
        else if (message.target) {
          done.set(message.target, message as TargetDone);
          show();
        }
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        const missing = group.filter((target) => !done.has(target));
        if (code === 0 && missing.length === 0) resolve();
        else reject(new Error(failure ?? `conformance run of ${missing.join(', ')} ended (${signal ?? `exit code ${code}`}) before reporting`));
      });
    });
    child.send({ options: plain, targets: group } satisfies GroupTask);
    return { child, finished };
  });
  try {
    await Promise.all(children.map((c) => c.finished));
  } catch (error) {
    // one group failed: the others' systems go too, not left running
    for (const { child } of children) if (child.exitCode === null) child.kill();
    throw error;
  }
  return { results: chosen.flatMap((target) => done.get(target)!.results), sandbox: {} as Record<string, SandboxReport> };
}
