import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createSimulator, demo } from '@bookstrap/ils-simulators';
import { Hono } from 'hono';
import { almaRestAdapter } from '../src/adapters/alma/alma.ts';
import { defaultAdapterRegistry } from '../src/adapters/registry.ts';
import type { AdapterRegistry, FetchLike } from '../src/adapters/types.ts';
import {
  almaDemoLibraries,
  almaNcipDemoLibrary,
  type DemoLibrary,
  demoAdminKey,
  millenniumDemoLibrary,
  sierraDemoLibrary,
  sirsiDynixDemoLibrary,
  wmsDemoLibraries,
} from '../src/demo-libraries.ts';
import { createService, type Service } from '../src/service.ts';
import { createLibrary } from '../src/workflow/libraries.ts';

/**
 * `pnpm bench` (issue 14): every figure as a ratio to a floor or goal measured in the same run.
 *
 * - P1 receive (temporary item + hold) on every adapter (Alma REST and NCIP, Sierra REST and NCIP,
 *   Symphony and Horizon Web Services and NCIP, WMS, Millennium): calls per receive vs the
 *   protocol's minimum, and time vs the floor: the minimum × (the simulated vendor latency + a bare
 *   Hono route's round trip on this machine). `P1_TARGETS` (comma list of names) runs some only.
 * - P2 N receives at Alma's real governance (25 calls/s) vs calls ÷ 25; 429s counted, the gap from
 *   call i to call i+25 at the simulator (the pacing's slack over the vendor's second) and how
 *   late this process's timers fire (the floor of that slack).
 * - P3 ILS steps per second, limits lifted: service + worker + simulator in one process, then on
 *   loopback with the simulator in its own process, CPU per step split into service, simulator
 *   and each side's loopback floor (a bare Hono route over loopback HTTP); and whole borrowing
 *   lifecycles per second the same way.
 * - P5 1 M requests seeded in bulk (in a child process): every list, filter and search of the API
 *   through its route, p50 / p99, claim time, the service's RSS, and the console's queue page (13
 *   capped counts + one page: keyset, back, search) as its route loads it.
 * P4 (the conformance matrix) is `pnpm conformance`, timed by the shell.
 *
 * Env: RUNS (default 3), LATENCY_MS (P1, default 20), P2_RECEIVES (default 100), P2_LATENCY_MS
 * (default 0), P3_LIFECYCLES (default 100), P5_REQUESTS (default 1,000,000), ONLY (comma list:
 * p1,p2,p3,p5).
 */
const runs = Number(process.env.RUNS ?? 3);
const latencyMs = Number(process.env.LATENCY_MS ?? 20);
const only = new Set((process.env.ONLY ?? 'p1,p2,p3,p5').split(','));
const host = 'http://alma.bench.test';
const patron = demo.alma.patrons.good.primaryId;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const min = (xs: number[]) => Math.min(...xs);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
const f = (n: number, digits = 2) => n.toFixed(digits);
const report = (name: string, xs: number[], unit: string, floor?: number) =>
  console.log(
    `${name}: min ${f(min(xs))} ${unit}, median ${f(median(xs))} ${unit}${floor !== undefined ? ` — ${f(min(xs) / floor)}× / ${f(median(xs) / floor)}× floor (${f(floor)} ${unit})` : ''}`,
  );

/** The loopback floor: one in-process request to a bare Hono route, the way the service reaches the simulator. */
async function bareRouteMs(): Promise<number> {
  const app = new Hono().get('/x', (c) => c.json({ ok: true }));
  for (let i = 0; i < 200; i += 1) await (await app.request('http://h/x')).text();
  const started = performance.now();
  for (let i = 0; i < 2000; i += 1) await (await app.request('http://h/x')).text();
  return (performance.now() - started) / 2000;
}

interface Bench {
  service: Service;
  call(method: string, path: string, body?: unknown): Promise<{ id: string }>;
  calls: () => number;
  status429: () => number;
  /** when each call reached the simulator (performance.now) and how long it took to answer */
  arrivals: number[];
  durations: number[];
  /** the in-process simulator's gateway counts (GET /_sim/governance); undefined on loopback */
  governance(): Promise<{ peakPerSecond: number; refusedPerSecond: number } | undefined>;
  close(): Promise<void>;
}

/**
 * The service with the demo Alma library, calling the simulator in process (`sim.app.request`)
 * or, given `loopback`, over HTTP on 127.0.0.1 with the platform's fetch. The worker has the
 * service's defaults unless `worker` says otherwise.
 */
async function bench(options: {
  perSecond: number;
  registry: AdapterRegistry;
  latencyMs?: number;
  loopback?: string;
  worker?: Parameters<typeof createService>[0]['worker'];
}): Promise<Bench> {
  const sim = options.loopback ? undefined : createSimulator({ vendor: 'alma', limits: { perSecond: options.perSecond } });
  let calls = 0;
  let refused = 0;
  const arrivals: number[] = [];
  const durations: number[] = [];
  const fetch: FetchLike = async (input, init) => {
    calls += 1;
    if (options.latencyMs) await sleep(options.latencyMs);
    const arrived = performance.now();
    const response = sim ? await sim.app.request(input, init) : await globalThis.fetch(input, init);
    arrivals.push(arrived);
    durations.push(performance.now() - arrived);
    if (response.status === 429) refused += 1;
    return response;
  };
  const service = createService({
    dbPath: ':memory:',
    adminKey: demoAdminKey,
    fetch,
    registry: options.registry,
    ...(options.worker ? { worker: options.worker } : {}),
  });
  const [library] = almaDemoLibraries(demo.alma, options.loopback ?? host);
  await createLibrary({ db: service.database.db, clock: service.clock, registry: options.registry }, library!, library!.apiKey);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await service.app.request(path, {
      method,
      headers: { authorization: `Bearer ${library!.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ id: string }>;
  };
  return {
    service,
    call,
    calls: () => calls,
    status429: () => refused,
    arrivals,
    durations,
    governance: async () =>
      sim
        ? ((await (await sim.app.request('/_sim/governance')).json()) as { governance: { peakPerSecond: number; refusedPerSecond: number } }).governance
        : undefined,
    close: async () => {
      await service.close();
      sim?.close();
    },
  };
}

async function shipped(b: Bench, title: string): Promise<string> {
  const { id } = await b.call('POST', '/v1/requests', { role: 'borrowing', title, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] });
  await b.call('POST', `/v1/requests/${id}/send`);
  await b.call('POST', `/v1/requests/${id}/supplier-shipped`);
  return id;
}

/** Starts the worker's loops and resolves when no step is left to run (the loops keep going). */
async function drained(b: Bench): Promise<void> {
  b.service.worker.start();
  const pending = b.service.database.sqlite.prepare("select count(*) as n from outbox_jobs where state in ('pending','running','failed-retryable')");
  while ((pending.get() as { n: number }).n > 0) await sleep(2);
}

/**
 * One adapter's library on its own simulator, through the service, for P1. `minimum` is the
 * fewest ILS calls its protocol allows for a receive (temporary item + the patron's item-level
 * hold), with the session or token the library's earlier jobs left.
 */
interface P1Target {
  name: string;
  vendor: 'alma' | 'sierra' | 'symphony' | 'horizon' | 'wms' | 'millennium';
  registry: AdapterRegistry;
  library: (host: string) => DemoLibrary;
  patron: string;
  minimum: number;
  why: string;
}

/** The NCIP demo library spoken to over the vendor's REST / Web Services API only. */
const restOnly = (library: DemoLibrary): DemoLibrary => {
  const { ncipUrl: _url, ncip: _ncip, ...connection } = library.connection;
  return { ...library, connection: { ...connection, protocol: 'rest' } };
};
const unpaced = (key: keyof typeof defaultAdapterRegistry): AdapterRegistry => {
  const definition = defaultAdapterRegistry[key];
  if (!definition) throw new Error(`no adapter ${key}`);
  return { [key]: { ...definition, ratePerSecond: Number.POSITIVE_INFINITY } };
};

const p1Targets: P1Target[] = [
  {
    name: 'Alma REST',
    vendor: 'alma',
    registry: unpaced('alma:rest'),
    library: (url) => almaDemoLibraries(demo.alma, url)[0]!,
    patron,
    minimum: 4,
    why: 'bib, holding, item, user request',
  },
  {
    name: 'Alma NCIP',
    vendor: 'alma',
    registry: unpaced('alma:ncip'),
    library: (url) => almaNcipDemoLibrary(demo.alma, url),
    patron,
    minimum: 1,
    why: 'AcceptItem with the hold',
  },
  {
    name: 'Sierra REST',
    vendor: 'sierra',
    registry: unpaced('sierra:rest'),
    library: (url) => restOnly(sierraDemoLibrary(demo.sierra, url)),
    patron: demo.sierra.patrons.good.barcode,
    minimum: 3,
    why: "bib, item, hold on the patron record (known from the request's look-up)",
  },
  {
    name: 'Sierra NCIP',
    vendor: 'sierra',
    registry: unpaced('sierra:ncip'),
    library: (url) => sierraDemoLibrary(demo.sierra, url),
    patron: demo.sierra.patrons.good.barcode,
    minimum: 1,
    why: 'AcceptItem with the hold',
  },
  {
    name: 'Symphony WS',
    vendor: 'symphony',
    registry: unpaced('symphony:rest'),
    library: (url) => restOnly(sirsiDynixDemoLibrary(demo.symphony, url)),
    patron: demo.symphony.patrons.good.barcode,
    minimum: 2,
    why: 'title+call+item in one POST, placeHold',
  },
  {
    name: 'Symphony NCIP',
    vendor: 'symphony',
    registry: unpaced('symphony:ncip'),
    library: (url) => sirsiDynixDemoLibrary(demo.symphony, url),
    patron: demo.symphony.patrons.good.barcode,
    minimum: 1,
    why: 'AcceptItem with the hold',
  },
  {
    name: 'Horizon WS',
    vendor: 'horizon',
    registry: unpaced('horizon:rest'),
    library: (url) => restOnly(sirsiDynixDemoLibrary(demo.horizon, url)),
    patron: demo.horizon.patrons.good.barcode,
    minimum: 2,
    why: 'title+call+item in one POST, placeHold',
  },
  {
    name: 'Horizon NCIP',
    vendor: 'horizon',
    registry: unpaced('horizon:ncip'),
    library: (url) => sirsiDynixDemoLibrary(demo.horizon, url),
    patron: demo.horizon.patrons.good.barcode,
    minimum: 1,
    why: 'AcceptItem with the hold',
  },
  {
    name: 'WMS NCIP',
    vendor: 'wms',
    registry: unpaced('wms:ncip'),
    library: (url) => wmsDemoLibraries(demo.wms, url)[0]!,
    patron: demo.wms.patrons.good.barcode,
    minimum: 1,
    why: 'AcceptItem with the hold',
  },
  {
    name: 'Millennium NCIP',
    vendor: 'millennium',
    registry: unpaced('millennium:ncip'),
    library: (url) => millenniumDemoLibrary(demo.millennium, url),
    patron: demo.millennium.patrons.good.barcode,
    minimum: 1,
    why: 'AcceptItem with the hold',
  },
];

async function p1Target(target: P1Target, loopbackMs: number): Promise<string> {
  const sim = createSimulator({ vendor: target.vendor });
  const calls: string[] = [];
  const fetch: FetchLike = async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const ncip = /<(?:ns\d*:)?(AcceptItem|RequestItem|LookupUser|LookupItem|CheckOutItem|CheckInItem)\b/.exec(body)?.[1];
    calls.push(`${init?.method ?? 'GET'} ${new URL(input).pathname}${ncip ? ` ${ncip}` : ''}`);
    if (latencyMs) await sleep(latencyMs);
    return sim.app.request(input, init);
  };
  const service = createService({ dbPath: ':memory:', adminKey: demoAdminKey, fetch, registry: target.registry, worker: { pollMs: 5 } });
  try {
    const library = target.library(`http://${target.vendor}.bench.test`);
    await createLibrary({ db: service.database.db, clock: service.clock, registry: target.registry }, library, library.apiKey);
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await service.app.request(path, {
        method,
        headers: { authorization: `Bearer ${library.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!response.ok) throw new Error(`${target.name}: ${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ id: string; status?: string }>;
    };
    const pickupLocation = library.pickupLocations[0]?.code ?? 'MAIN';
    const times: number[] = [];
    const perReceive: number[] = [];
    let listed: string[] = [];
    for (let i = 0; i < runs * 5; i += 1) {
      const { id } = await api('POST', '/v1/requests', { role: 'borrowing', title: `P1 ${i}`, patronId: target.patron, pickupLocation, lenders: ['LENDA'] });
      await api('POST', `/v1/requests/${id}/send`);
      await api('POST', `/v1/requests/${id}/supplier-shipped`);
      await service.worker.runUntilIdle();
      await api('POST', `/v1/requests/${id}/receive`);
      const before = calls.length;
      const started = performance.now();
      await service.worker.runUntilIdle();
      times.push(performance.now() - started);
      perReceive.push(calls.length - before);
      if (i === 0) listed = calls.slice(before);
      const received = await api('GET', `/v1/requests/${id}`);
      if (received.status !== 'received') throw new Error(`${target.name}: request ${id} is ${received.status} after receive`);
    }
    const floor = target.minimum * (latencyMs + loopbackMs);
    const line = `${target.name}: ${median(perReceive)} calls per receive (protocol minimum ${target.minimum}: ${target.why}); time min ${f(min(times))} ms, median ${f(median(times))} ms = ${f(min(times) / floor)}× / ${f(median(times) / floor)}× floor (${f(floor)} ms)`;
    console.log(`P1 ${line}`);
    console.log(`P1   ${target.name} calls: ${listed.join(', ')}`);
    return line;
  } finally {
    await service.close();
    sim.close();
  }
}

async function p1(loopbackMs: number) {
  const wanted = process.env.P1_TARGETS?.split(',').map((name) => name.trim().toLowerCase());
  console.log(
    `P1 receive (temporary item + hold) per adapter, ${latencyMs} ms vendor latency, ${runs * 5} receives each; floor = minimum calls × (latency + loopback)`,
  );
  for (const target of p1Targets) {
    if (wanted && !wanted.includes(target.name.toLowerCase())) continue;
    await p1Target(target, loopbackMs);
  }
}

async function timerLateness<T>(during: () => Promise<T>): Promise<{ result: T; late: number[] }> {
  const late: number[] = [];
  let running = true;
  const tick = () => {
    const due = performance.now() + 20;
    setTimeout(() => {
      late.push(performance.now() - due);
      if (running) tick();
    }, 20);
  };
  tick();
  try {
    return { result: await during(), late };
  } finally {
    running = false;
  }
}

async function p2() {
  const receives = Number(process.env.P2_RECEIVES ?? 100);
  const p2LatencyMs = Number(process.env.P2_LATENCY_MS ?? 0);
  const elapsed: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    // The service's own worker settings (as deployed), the simulator at Alma's 25 calls/s.
    const b = await bench({ perSecond: 25, registry: { 'alma:rest': almaRestAdapter }, latencyMs: p2LatencyMs });
    try {
      // Seeded before the clock starts: lookups, sends and shipments at lifted pace would spend
      // the same budget; what is measured is the receives' ILS work.
      const ids: string[] = [];
      for (let i = 0; i < receives; i += 1) ids.push(await shipped(b, `P2 ${i}`));
      await b.service.worker.runUntilIdle();
      await sleep(1_100);
      for (const id of ids) await b.call('POST', `/v1/requests/${id}/receive`);
      const before = b.calls();
      const refusedBefore = b.status429();
      const peakBefore = (await b.governance())?.peakPerSecond;
      const started = performance.now();
      const { late } = await timerLateness(() => drained(b));
      const ms = performance.now() - started;
      const calls = b.calls() - before;
      const floorMs = (calls / 25) * 1000;
      elapsed.push(ms / floorMs);
      const gateway = await b.governance();
      console.log(
        `P2 run ${r + 1}: ${receives} receives, ${calls} calls in ${f(ms / 1000)} s = ${f(ms / floorMs)}× (calls ÷ 25 = ${f(floorMs / 1000)} s), 429s: ${b.status429() - refusedBefore}; the simulator's busiest second: ${gateway?.peakPerSecond} calls (before the run ${peakBefore})`,
      );
      // Where the time goes: a call's place is free again a second after its answer; the gap
      // from call i to call i+25 at the ILS over 1,000 ms is the pacing's slack (below it the ILS
      // answers 429). Timers firing late (a loaded machine) and vendor latency are the floor of it.
      const arrived = b.arrivals.slice(before);
      const gaps = arrived.slice(25).map((at, i) => at - (arrived[i] as number));
      const answered = b.durations.slice(before);
      const meanGap = gaps.reduce((a, g) => a + g, 0) / Math.max(1, gaps.length);
      console.log(
        `P2 run ${r + 1}: call i to call i+25 at the ILS: min ${f(min(gaps), 1)} ms, median ${f(median(gaps), 1)} ms, mean ${f(meanGap, 1)} ms, p99 ${f(pct(gaps, 0.99), 1)} ms; ILS answer time median ${f(median(answered), 1)} ms (+ ${p2LatencyMs} ms latency); timers late by median ${f(median(late), 1)} ms, p99 ${f(pct(late, 0.99), 1)} ms`,
      );
    } finally {
      await b.close();
    }
  }
  console.log(`P2 ratio to calls ÷ 25: min ${f(min(elapsed))}×, median ${f(median(elapsed))}× (goal ≤ 1.05×)`);
}

const unlimited: AdapterRegistry = { 'alma:rest': { ...almaRestAdapter, ratePerSecond: Number.POSITIVE_INFINITY } };

async function p3InProcess() {
  const rates: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const b = await bench({ perSecond: 1_000_000, registry: unlimited });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 200; i += 1) ids.push(await shipped(b, `P3 ${i}`));
      await b.service.worker.runUntilIdle();
      for (const id of ids) await b.call('POST', `/v1/requests/${id}/receive`);
      const steps = b.service.database.sqlite.prepare("select count(*) as n from outbox_jobs where state = 'pending'").get() as { n: number };
      const cpu = process.cpuUsage();
      const started = performance.now();
      await drained(b);
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      rates.push(steps.n / seconds);
      console.log(
        `P3 in process, run ${r + 1}: ${steps.n} steps in ${f(seconds)} s = ${f(steps.n / seconds, 0)} steps/s; CPU ${f((used.user + used.system) / 1000 / steps.n)} ms per step (service + simulator, one process)`,
      );
    } finally {
      await b.close();
    }
  }
  console.log(`P3 in process, steps/s: min ${f(min(rates), 0)}, median ${f(median(rates), 0)} (goal ≥ 1,000: ${f(median(rates) / 1000)}× goal)`);
}

interface SimProcess {
  host: string;
  bareUrl: string;
  /** the simulator process's CPU time so far, ms */
  cpu(): Promise<number>;
  close(): void;
}

/** The simulator in its own process (bench/sim-process.ts), reached over loopback HTTP. */
async function simProcess(): Promise<SimProcess> {
  // tsx's loader comes along in the inherited execArgv
  const child = fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), { stdio: 'inherit' });
  const ports = await new Promise<{ simPort: number; barePort: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { simPort: number; barePort: number })),
  );
  return {
    host: `http://127.0.0.1:${ports.simPort}`,
    bareUrl: `http://127.0.0.1:${ports.barePort}/x`,
    cpu: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => {
          const { cpu } = m as { cpu: NodeJS.CpuUsage };
          resolve((cpu.user + cpu.system) / 1000);
        });
        child.send('cpu');
      }),
    close: () => child.disconnect(),
  };
}

const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/** CPU per call on each side of loopback HTTP to a bare Hono route (8 at a time, as the worker's calls go). */
async function loopbackFloor(sim: SimProcess): Promise<{ client: number; server: number; wall: number }> {
  const one = async () => (await fetch(sim.bareUrl)).text();
  for (let i = 0; i < 200; i += 1) await one();
  const n = 2_000;
  const [client, server, started] = [cpuMs(), await sim.cpu(), performance.now()];
  for (let i = 0; i < n; i += 8) await Promise.all(Array.from({ length: 8 }, one));
  const wall = (performance.now() - started) / n;
  return { client: (cpuMs() - client) / n, server: ((await sim.cpu()) - server) / n, wall };
}

/** CPU of the service (this process) and of the simulator while `during` runs, ms. */
async function splitCpu(sim: SimProcess, during: () => Promise<void>): Promise<{ service: number; simulator: number; seconds: number }> {
  const [service, simulator, started] = [cpuMs(), await sim.cpu(), performance.now()];
  await during();
  const seconds = (performance.now() - started) / 1000;
  return { service: cpuMs() - service, simulator: (await sim.cpu()) - simulator, seconds };
}

const cores = os.availableParallelism();

function splitReport(
  label: string,
  units: number,
  unit: string,
  calls: number,
  used: { service: number; simulator: number },
  floor: { client: number; server: number },
) {
  const perCall = calls / units;
  const service = used.service / units;
  const simulator = used.simulator / units;
  const clientFloor = perCall * floor.client;
  const serverFloor = perCall * floor.server;
  console.log(
    `${label}: CPU per ${unit} ${f(service + simulator)} ms = service ${f(service)} ms (${f(service / clientFloor, 1)}× its loopback floor ${f(clientFloor)} ms: ${f(perCall, 1)} calls × ${f(floor.client, 3)} ms) + simulator ${f(simulator)} ms (${f(simulator / serverFloor, 1)}× its floor ${f(serverFloor)} ms: ${f(perCall, 1)} × ${f(floor.server, 3)} ms); CPU-bound on ${cores} cores: ${f((cores * 1000) / (service + simulator), 0)} ${unit}s/s, with both at their floors ${f((cores * 1000) / (clientFloor + serverFloor), 0)}`,
  );
}

/**
 * P3 as deployed: service + worker in this process, the simulator in another, loopback HTTP
 * between them. Steps/s for receives, then whole borrowing lifecycles (create → ship → receive →
 * check-out → return → complete) per second, limits lifted; CPU per step and per lifecycle split
 * into service, simulator and the loopback floor measured in the same run.
 */
async function p3Loopback() {
  const sim = await simProcess();
  const stepRates: number[] = [];
  const lifecycleRates: number[] = [];
  try {
    const floor = await loopbackFloor(sim);
    console.log(
      `P3 loopback floor: a bare Hono route over loopback HTTP costs ${f(floor.client, 3)} ms CPU in the caller + ${f(floor.server, 3)} ms in the server per call (${f(floor.wall, 3)} ms wall, 8 at a time)`,
    );
    // Each run and each lifecycle batch on a fresh simulator: a new service database numbers its
    // requests from the start again, and the previous run's items under the same barcodes would
    // make the adapter look for (and find) records of its own earlier runs.
    const reset = async () => {
      const response = await fetch(`${sim.host}/_sim/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`simulator reset: ${response.status}`);
    };
    for (let r = 0; r < runs; r += 1) {
      await reset();
      const b = await bench({ perSecond: 1_000_000, registry: unlimited, loopback: sim.host });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 200; i += 1) ids.push(await shipped(b, `P3 ${i}`));
        await b.service.worker.runUntilIdle();
        for (const id of ids) await b.call('POST', `/v1/requests/${id}/receive`);
        const steps = (b.service.database.sqlite.prepare("select count(*) as n from outbox_jobs where state = 'pending'").get() as { n: number }).n;
        const before = b.calls();
        const used = await splitCpu(sim, () => drained(b));
        stepRates.push(steps / used.seconds);
        console.log(`P3 loopback, run ${r + 1}: ${steps} steps in ${f(used.seconds)} s = ${f(steps / used.seconds, 0)} steps/s (goal ≥ 1,000)`);
        splitReport(`P3 loopback, run ${r + 1}`, steps, 'step', b.calls() - before, used, floor);
      } finally {
        await b.close();
      }
      const lifecycles = Number(process.env.P3_LIFECYCLES ?? 100);
      await reset();
      const l = await bench({ perSecond: 1_000_000, registry: unlimited, loopback: sim.host });
      try {
        const before = l.calls();
        const used = await splitCpu(sim, async () => {
          const desk = deskOf(sim.host);
          const ids: string[] = [];
          for (let i = 0; i < lifecycles; i += 1)
            ids.push(
              (await l.call('POST', '/v1/requests', { role: 'borrowing', title: `P3 life ${i}`, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] }))
                .id,
            );
          await drained(l); // the patron looked up
          for (const id of ids) {
            await l.call('POST', `/v1/requests/${id}/send`);
            await l.call('POST', `/v1/requests/${id}/supplier-shipped`);
            await l.call('POST', `/v1/requests/${id}/receive`);
          }
          await drained(l); // temporary item and hold in Alma
          // at the Alma desk: on the hold shelf, out to the patron, back
          for (const id of ids) await desk.circulate(id);
          for (const id of ids) await l.call('POST', `/v1/requests/${id}/mark-returned`);
          await drained(l); // temporary item gone
          for (const id of ids) await l.call('POST', `/v1/requests/${id}/complete`);
        });
        const statuses = l.service.database.sqlite.prepare('select status, count(*) as n from requests group by status').all() as {
          status: string;
          n: number;
        }[];
        if (statuses.length !== 1 || statuses[0]?.status !== 'complete') throw new Error(`P3 lifecycles did not all complete: ${JSON.stringify(statuses)}`);
        lifecycleRates.push(lifecycles / used.seconds);
        console.log(`P3 lifecycles, run ${r + 1}: ${lifecycles} in ${f(used.seconds)} s = ${f(lifecycles / used.seconds, 1)} lifecycles/s (goal ≥ 300)`);
        splitReport(`P3 lifecycles, run ${r + 1}`, lifecycles, 'lifecycle', l.calls() - before + lifecycles * deskCallsPerLifecycle, used, floor);
      } finally {
        await l.close();
      }
    }
  } finally {
    sim.close();
  }
  console.log(`P3 loopback steps/s: min ${f(min(stepRates), 0)}, median ${f(median(stepRates), 0)} (goal ≥ 1,000: ${f(median(stepRates) / 1000)}× goal)`);
  console.log(
    `P3 lifecycles/s: min ${f(min(lifecycleRates), 1)}, median ${f(median(lifecycleRates), 1)} (goal ≥ 300: ${f(median(lifecycleRates) / 300)}× goal)`,
  );
}

/** Alma desk calls per lifecycle: find the item (+ its redirect), scan in, loan, scan in. */
const deskCallsPerLifecycle = 5;

/** What circulation staff do at the Alma desk (the e2e tests' desk), over loopback. */
function deskOf(simHost: string) {
  const headers = { authorization: `apikey ${demo.alma.apiKey}`, accept: 'application/json', 'content-type': 'application/json' };
  const alma = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(path.startsWith('http') ? path : `${simHost}/almaws/v1${path}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Alma desk ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, any>;
  };
  const circDesk = demo.alma.circDesks.MAIN ?? 'DEFAULT_CIRC_DESK';
  return {
    async circulate(barcode: string) {
      const found = await alma('GET', `/items?item_barcode=${encodeURIComponent(barcode)}`);
      const itemPath = `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}`;
      await alma('POST', `${itemPath}?op=scan&library=MAIN&circ_desk=${circDesk}`);
      await alma('POST', `/users/${encodeURIComponent(patron)}/loans?item_barcode=${encodeURIComponent(barcode)}`, {
        circ_desk: { value: circDesk },
        library: { value: 'MAIN' },
      });
      await alma('POST', `${itemPath}?op=scan&library=MAIN&circ_desk=${circDesk}`);
    },
  };
}

async function p3() {
  await p3InProcess();
  await p3Loopback();
}

/** P5 runs in its own process (bench/store-scale.ts): its RSS is the service's alone, not the bench's. */
async function p5() {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('./store-scale.ts', import.meta.url))], { stdio: 'inherit' });
}

const loopbackMs = await bareRouteMs();
console.log(`floor: a bare Hono route answers in ${f(loopbackMs, 3)} ms in process (loopback floor); runs: ${runs}`);
if (only.has('p1')) await p1(loopbackMs);
if (only.has('p2')) await p2();
if (only.has('p3')) await p3();
if (only.has('p5')) await p5();
