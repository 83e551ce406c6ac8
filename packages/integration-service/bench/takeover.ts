import { createSimulator, demo } from '@bookstrap/ils-simulators';
import { almaRestAdapter } from '../src/adapters/alma/alma.ts';
import type { FetchLike } from '../src/adapters/types.ts';
import { almaDemoLibraries, demoAdminKey } from '../src/demo-libraries.ts';
import { createService } from '../src/service.ts';
import { jobsOfRequest } from '../src/store/outbox.ts';
import { createLibrary } from '../src/workflow/libraries.ts';
import { createWorker } from '../src/worker/worker.ts';

/**
 * `pnpm bench`: crash takeover time, on the real clock. Worker A claims a step and dies mid-step
 * (its call never returns and its heartbeat stops, as after kill -9); worker B's ordinary loop
 * runs alongside. Measured: from the kill until B has finished that step. LEASE_MS, POLL_MS and
 * RUNS override the defaults.
 */
const leaseMs = process.env.LEASE_MS ? Number(process.env.LEASE_MS) : undefined;
const pollMs = process.env.POLL_MS ? Number(process.env.POLL_MS) : undefined;
const runs = Number(process.env.RUNS ?? 1);
const host = 'http://alma.bench.test';

async function takeoverOnce(): Promise<number> {
  const sim = createSimulator({ vendor: 'alma', limits: { perSecond: 100_000 } });
  const fetch: FetchLike = async (input, init) => sim.app.request(input, init);
  const registry = { 'alma:rest': { ...almaRestAdapter, ratePerSecond: 10_000 } };
  const service = createService({ dbPath: ':memory:', adminKey: demoAdminKey, fetch, registry });
  const [library] = almaDemoLibraries(demo.alma, host);
  await createLibrary({ db: service.database.db, clock: service.clock, registry }, library!, library!.apiKey);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await service.app.request(path, {
      method,
      headers: { authorization: `Bearer ${library!.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ id: string }>;
  };
  const { id } = await call('POST', '/v1/requests', {
    role: 'borrowing',
    title: 'Dracula',
    patronId: demo.alma.patrons.good.primaryId,
    pickupLocation: 'MAIN',
    lenders: ['LENDA'],
  });
  for (const action of ['send', 'supplier-shipped', 'receive']) await call('POST', `/v1/requests/${id}/${action}`);

  let killed!: () => void;
  const midStep = new Promise<void>((resolve) => {
    killed = resolve;
  });
  const base = { db: service.database.db, clock: service.clock, registry, ...(leaseMs ? { leaseMs } : {}), ...(pollMs ? { pollMs } : {}) };
  // The dying worker: its step hangs forever and its heartbeat never beats again.
  const dead = createWorker({
    ...base,
    heartbeatMs: 2 ** 30,
    fetch: () => {
      killed();
      return new Promise<Response>(() => {});
    },
  });
  void dead.runOnce();
  await midStep;
  const killedAt = performance.now();
  const [victim] = (await jobsOfRequest(service.database.db, id)).filter((job) => job.state === 'running');
  const survivor = createWorker({ ...base, fetch });
  survivor.start();
  while ((await jobsOfRequest(service.database.db, id)).find((job) => job.id === victim!.id)?.state !== 'succeeded') {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsed = performance.now() - killedAt;
  await survivor.stop();
  await service.close();
  sim.close();
  return elapsed;
}

const figures: number[] = [];
for (let i = 0; i < runs; i += 1) figures.push(await takeoverOnce());
const seconds = figures.map((ms) => (ms / 1000).toFixed(2));
console.log(`crash takeover (kill mid-step -> step done by another worker): ${seconds.join(', ')} s`);
console.log(`  lease ${leaseMs ?? 'default'} ms, poll ${pollMs ?? 'default'} ms, ${runs} run(s)`);
process.exit(0);
