import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

/**
 * Service instances as separate processes (`node --import tsx src/main.ts`, what `pnpm start` runs),
 * for the multi-instance test: each on its own port, all on the database the environment names.
 * Their JSON log is read for the address they listen on and the steps they ran.
 */
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// tsx's loader in this very process (node --import), not the tsx CLI: the CLI runs the script in a
// child of its own, and a kill -9 of the CLI would leave that child running.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const mainScript = join(packageDir, 'src', 'main.ts');

export interface Instance {
  name: string;
  url: string;
  pid: number;
  /** ILS steps this instance finished (its "ILS step done" / "not done" log lines) */
  steps: { done: number; notDone: number };
  /** the periodic tasks this instance holds now, by its log ("this instance runs it now" / "lease lost") */
  holding: Set<string>;
  /** when (ms) it took each periodic task */
  took: { task: string; at: number }[];
  /** the process's last lines of output, for a failure's report */
  tail: string[];
  /** kill -9: no shutdown, leases left to run out */
  kill(): Promise<void>;
  /** SIGTERM: the service stops taking work, finishes what runs and exits */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
  alive(): boolean;
}

export async function startInstance(name: string, env: Record<string, string>, startTimeoutMs = 60_000): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, ['--import', tsxLoader, mainScript], {
    cwd: packageDir,
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (tail.length > 30) tail.shift();
  };
  const steps = { done: 0, notDone: 0 };
  const holding = new Set<string>();
  const took: { task: string; at: number }[] = [];
  let alive = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      alive = false;
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${startTimeoutMs} ms:\n${tail.join('\n')}`)), startTimeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: string; url?: string; task?: string } | undefined;
      try {
        entry = JSON.parse(line) as { msg?: string; url?: string; task?: string };
      } catch {
        keep(line);
        return;
      }
      if (entry.msg === 'ILS step done') steps.done += 1;
      else if (entry.msg === 'ILS step not done') steps.notDone += 1;
      else keep(line);
      if (entry.msg === 'periodic work: this instance runs it now' && entry.task) {
        holding.add(entry.task);
        took.push({ task: entry.task, at: Date.now() });
      }
      if (entry.msg === 'periodic work: lease lost to another instance' && entry.task) holding.delete(entry.task);
      if (entry.msg === 'Bookstrap integration service listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    createInterface({ input: child.stderr! }).on('line', keep);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${tail.join('\n')}`));
    });
  });
  return {
    name,
    url,
    pid: child.pid!,
    steps,
    holding,
    took,
    tail,
    exited,
    alive: () => alive,
    async kill() {
      if (alive) child.kill('SIGKILL');
      await exited;
      holding.clear();
    },
    async stop() {
      if (alive) child.kill('SIGTERM');
      const code = await exited;
      holding.clear();
      return code;
    },
  };
}

/** Stops whatever is still running (a failed test must not leave processes behind). */
export async function stopAll(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => (instance.alive() ? instance.kill() : undefined)));
}

/** The simulators' process (simulators-process.ts): their URLs, and a stop. */
export async function startSimulatorProcess(startTimeoutMs = 60_000): Promise<{ urls: Record<string, string>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(packageDir, 'src', 'e2e', 'simulators-process.ts')], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulators did not start:\n${output.join('\n')}`)), startTimeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.startsWith('{"urls"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { urls: Record<string, string> }).urls);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    void exited.then(() => reject(new Error(`the simulators exited:\n${output.join('\n')}`)));
  });
  return {
    urls,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
