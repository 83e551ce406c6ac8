import { createSimulator, demo } from '@bookstrap/ils-simulators';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { almaRestAdapter } from '../src/adapters/alma/alma.ts';
import type { AdapterRegistry, FetchLike } from '../src/adapters/types.ts';
import { defaultAdapterRegistry } from '../src/adapters/registry.ts';
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
 * - P2 N receives at Alma's real governance (25 calls/s) vs calls ÷ 25; 429s counted.
 * - P3 ILS steps per second, service + worker + simulator in one process, limits lifted.
 * - P5 1 M requests seeded in bulk (in a child process): every list, filter and search of the API
 *   through its route, p50 / p99, claim time, the service's RSS, and the console's queue page (13
 *   capped counts + one page: keyset, back, search) as its route loads it.
 * P4 (the conformance matrix) is `pnpm conformance`, timed by the shell.
 *
 * Env: RUNS (default 3), LATENCY_MS (P1, default 20), P2_RECEIVES (default 100), P5_REQUESTS
 * (default 1,000,000), ONLY (comma list: p1,p2,p3,p5).
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
  close(): Promise<void>;
}

async function bench(options: { perSecond: number; registry: AdapterRegistry; latencyMs?: number }): Promise<Bench> {
  const sim = createSimulator({ vendor: 'alma', limits: { perSecond: options.perSecond } });
  let calls = 0;
  let refused = 0;
  const fetch: FetchLike = async (input, init) => {
    calls += 1;
    if (options.latencyMs) await sleep(options.latencyMs);
    const response = await sim.app.request(input, init);
    if (response.status === 429) refused += 1;
    return response;
  };
  const service = createService({ dbPath: ':memory:', adminKey: demoAdminKey, fetch, registry: options.registry, worker: { pollMs: 5 } });
  const [library] = almaDemoLibraries(demo.alma, host);
  createLibrary({ db: service.database.db, clock: service.clock, registry: options.registry }, library!, library!.apiKey);
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
    close: async () => {
      await service.close();
      sim.close();
    },
  };
}

async function shipped(b: Bench, title: string): Promise<string> {
  const { id } = await b.call('POST', '/v1/requests', { role: 'borrowing', title, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] });
  await b.call('POST', `/v1/requests/${id}/send`);
  await b.call('POST', `/v1/requests/${id}/supplier-shipped`);
  return id;
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
    createLibrary({ db: service.database.db, clock: service.clock, registry: target.registry }, library, library.apiKey);
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

async function p2() {
  const receives = Number(process.env.P2_RECEIVES ?? 100);
  const elapsed: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const b = await bench({ perSecond: 25, registry: { 'alma:rest': almaRestAdapter } });
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
      const started = performance.now();
      b.service.worker.start();
      const pending = b.service.database.sqlite.prepare("select count(*) as n from outbox_jobs where state in ('pending','running','failed-retryable')");
      while ((pending.get() as { n: number }).n > 0) await sleep(5);
      const ms = performance.now() - started;
      const calls = b.calls() - before;
      const floorMs = (calls / 25) * 1000;
      elapsed.push(ms / floorMs);
      console.log(
        `P2 run ${r + 1}: ${receives} receives, ${calls} calls in ${f(ms / 1000)} s = ${f(ms / floorMs)}× (calls ÷ 25 = ${f(floorMs / 1000)} s), 429s: ${b.status429() - refusedBefore}`,
      );
    } finally {
      await b.close();
    }
  }
  console.log(`P2 ratio to calls ÷ 25: min ${f(min(elapsed))}×, median ${f(median(elapsed))}× (goal ≤ 1.05×)`);
}

async function p3() {
  const rates: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const b = await bench({ perSecond: 1_000_000, registry: { 'alma:rest': { ...almaRestAdapter, ratePerSecond: Number.POSITIVE_INFINITY } } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 200; i += 1) ids.push(await shipped(b, `P3 ${i}`));
      await b.service.worker.runUntilIdle();
      for (const id of ids) await b.call('POST', `/v1/requests/${id}/receive`);
      const steps = b.service.database.sqlite.prepare("select count(*) as n from outbox_jobs where state = 'pending'").get() as { n: number };
      const cpu = process.cpuUsage();
      const started = performance.now();
      b.service.worker.start();
      const pending = b.service.database.sqlite.prepare("select count(*) as n from outbox_jobs where state in ('pending','running','failed-retryable')");
      while ((pending.get() as { n: number }).n > 0) await sleep(2);
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      rates.push(steps.n / seconds);
      console.log(
        `P3 run ${r + 1}: ${steps.n} steps in ${f(seconds)} s = ${f(steps.n / seconds, 0)} steps/s; CPU ${f((used.user + used.system) / 1000 / steps.n)} ms per step (service + simulator, one process)`,
      );
    } finally {
      await b.close();
    }
  }
  console.log(`P3 steps/s: min ${f(min(rates), 0)}, median ${f(median(rates), 0)} (goal ≥ 1,000: ${f(median(rates) / 1000)}× goal)`);
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
