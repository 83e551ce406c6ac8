import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadQueue, queues } from '../src/console/queues.ts';
import { createService } from '../src/service.ts';
import { openDatabase } from '../src/store/database.ts';
import { claimNextJob } from '../src/store/outbox.ts';
import { listRequests } from '../src/store/requests.ts';

/**
 * P5 of `pnpm bench` (issue 14), in its own process so its RSS is the service's: the service's
 * modules and the database at size, nothing of the simulators or the other benches. The requests
 * are seeded by a child process of this one (`P5_SEED=<path>`), then every list, filter and
 * search of the API is timed through its route, and the console's queue page as its route loads
 * it. Env: P5_REQUESTS (default 1,000,000).
 */
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
const f = (n: number, digits = 2) => n.toFixed(digits);
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

/**
 * P5 seeding, in a child process (`P5_SEED=<path>`): the measuring process then holds only what
 * the service itself holds, so its RSS is the service's at that size, not the seeder's garbage.
 * One transaction of prepared inserts (bulkRequests), with durability off: a bench file.
 */
async function seed(path: string, total: number) {
  const { demo } = await import('@bookstrap/ils-simulators');
  const { almaDemoLibraries } = await import('../src/demo-libraries.ts');
  const { almaRestAdapter } = await import('../src/adapters/alma/alma.ts');
  const { createLibrary } = await import('../src/workflow/libraries.ts');
  const { bulkRequests } = await import('../src/testutil/bulk.ts');
  const { db, sqlite, close } = openDatabase(path);
  try {
    sqlite.pragma('synchronous = OFF');
    const [library] = almaDemoLibraries(demo.alma, 'http://alma.bench.test');
    const created = await createLibrary({ db, clock: { now: () => new Date() }, registry: { 'alma:rest': almaRestAdapter } }, library!, library!.apiKey);
    const libraryId = created.library.id;
    const started = performance.now();
    bulkRequests(sqlite, { libraryId, requests: total, jobsPerRequest: 1, serviceIds: true });
    bulkRequests(sqlite, { libraryId, requests: 100, startSeq: total + 1, jobsPerRequest: 2, pendingEvery: 1, serviceIds: true });
    // temporary barcodes on one received request in a thousand, as receive would set them
    sqlite.prepare(`update requests set temporary_barcode = 'TB-' || seq where status = 'received' and seq % 1000 < 7`).run();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`P5 seeded ${total} requests (+ jobs, title index) in ${f((performance.now() - started) / 1000)} s`);
  } finally {
    close();
  }
}

async function measure() {
  const total = Number(process.env.P5_REQUESTS ?? 1_000_000);
  const path = `${process.env.TMPDIR ?? '/tmp'}/bookstrap-bench-${process.pid}.sqlite`;
  console.log(`P5 RSS at start (node, tsx, this file) ${f(rssMb(), 0)} MB`);
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, P5_SEED: path, P5_REQUESTS: String(total) },
    stdio: 'inherit',
  });
  console.log(`P5 database ${f(statSync(path).size / 1024 / 1024, 0)} MB on disk`);
  // The service as it runs (not started: no worker competes with the timings), on that file.
  const service = createService({ dbPath: path, adminKey: 'bench-admin-key' });
  console.log(`P5 RSS with the service open ${f(rssMb(), 0)} MB`);
  // the library the seeder made (almaDemoLibraries: TULSA, its demo key)
  const demoLibrary = { symbol: 'TULSA', apiKey: 'demo-key-tulsa' };
  const db = service.database.db;
  const sqlite = service.database.sqlite;
  try {
    const library = (sqlite.prepare('select id from libraries where symbol = ?').get(demoLibrary!.symbol) as { id: number }).id;
    const api = async (path: string) => {
      const response = await service.app.request(path, { headers: { authorization: `Bearer ${demoLibrary!.apiKey}` } });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ nextCursor?: string; prevCursor?: string; requests?: { id: string }[] }>;
    };
    const scanned = (
      sqlite.prepare(`select temporary_barcode as barcode from requests where temporary_barcode is not null order by seq desc limit 1 offset 100`).get() as {
        barcode: string;
      }
    ).barcode;
    const someId = (sqlite.prepare('select id from requests where seq = ?').get(Math.floor(total / 2)) as { id: string }).id;
    const queueOf = (key: string) => queues.find((q) => q.key === key)!;
    let closedDeep: string | undefined;
    for (let i = 0; i < 200; i += 1)
      closedDeep = (await loadQueue(db, library, queueOf('borrowing-closed'), closedDeep ? { cursor: closedDeep } : {})).listed.nextCursor ?? closedDeep;
    let cursor = (await api('/v1/requests?limit=50')).nextCursor;
    for (let i = 0; i < 200 && cursor; i += 1) cursor = (await api(`/v1/requests?limit=50&cursor=${cursor}`)).nextCursor;
    // 5,000 matches in ("walden" is one title in ten)
    let titleCursor = (await api('/v1/requests?limit=50&title=walden')).nextCursor;
    for (let i = 0; i < 100 && titleCursor; i += 1)
      titleCursor = (await api(`/v1/requests?limit=50&title=walden&cursor=${titleCursor}`)).nextCursor ?? titleCursor;
    const cases: [string, () => unknown][] = [
      // the API, through its route (auth, validation, the list, each page's steps and findings, JSON)
      ['API newest 50', () => api('/v1/requests')],
      ['API status', () => api('/v1/requests?status=received')],
      ['API two statuses', () => api('/v1/requests?status=received,sent')],
      ['API role', () => api('/v1/requests?role=lending')],
      ['API role + status', () => api('/v1/requests?role=lending&status=shipped')],
      ['API patron', () => api('/v1/requests?patronId=patron-42')],
      ['API needsAttention', () => api('/v1/requests?needsAttention=true')],
      ['API role + needsAttention', () => api('/v1/requests?role=lending&needsAttention=true')],
      ['API title (specific: "Walden 99")', () => api('/v1/requests?title=Walden%2099')],
      ['API title (common: "walden", 1 in 10)', () => api('/v1/requests?title=walden')],
      ['API title matching nothing', () => api('/v1/requests?title=no%20such%20thing')],
      ['API title + role + status', () => api('/v1/requests?title=walden&role=lending&status=shipped')],
      ['API title, 5,000 matches in (cursor)', () => api(`/v1/requests?title=walden&cursor=${titleCursor}`)],
      ['API search: request ID', () => api(`/v1/requests?search=${someId}`)],
      ['API search: patron', () => api('/v1/requests?search=patron-42')],
      ['API search: temporary barcode', () => api(`/v1/requests?search=${scanned}`)],
      ['API search matching nothing', () => api('/v1/requests?search=no%20such%20thing')],
      ['API cursor page 10,000 deep', () => api(`/v1/requests?cursor=${cursor}`)],
      ['API prevCursor page back, 10,000 deep', () => api(`/v1/requests?prevCursor=${cursor}`)],
      ['API offset 1,000', () => api('/v1/requests?offset=1000')],
      ['API single GET', () => api(`/v1/requests/${someId}`)],
      ['API attention counts', () => api('/v1/requests/attention-counts')],
      ['store newest 50 (listRequests alone)', async () => await listRequests(db, { libraryId: library, limit: 50, offset: 0 })],
      ['claim', async () => await claimNextJob(db, { owner: 'bench', now: new Date(Date.UTC(2025, 2, 13)), leaseMs: 60_000 })],
      // the console's queue page (issue 15): all 13 queue counts (capped at 1,000) + the page, as the route loads them
      ['console queue: counts + Sent', async () => await loadQueue(db, library, queueOf('borrowing-sent'))],
      ['console queue: counts + Received / In Use (4 statuses)', async () => await loadQueue(db, library, queueOf('borrowing-received'))],
      ['console queue: counts + Needs attention (lending)', async () => await loadQueue(db, library, queueOf('lending-attention'))],
      ['console queue: counts + Closed, 200 pages in', async () => await loadQueue(db, library, queueOf('borrowing-closed'), { cursor: closedDeep })],
      ['console queue: counts + Closed, a page back', async () => await loadQueue(db, library, queueOf('borrowing-closed'), { newer: closedDeep })],
      ['console queue: counts + search by temporary barcode', async () => await loadQueue(db, library, queueOf('borrowing-received'), { q: scanned })],
      ['console queue: counts + search by patron', async () => await loadQueue(db, library, queueOf('borrowing-received'), { q: 'patron-42' })],
      ['console queue: counts + search by title (common)', async () => await loadQueue(db, library, queueOf('borrowing-closed'), { q: 'Walden' })],
      ['console queue: counts + search matching nothing', async () => await loadQueue(db, library, queueOf('borrowing-received'), { q: 'no such thing' })],
      [
        'console queue: counts + search of 2 characters (identifiers only)',
        async () => await loadQueue(db, library, queueOf('borrowing-received'), { q: 'Em' }),
      ],
    ];
    let worst = 0;
    for (const [name, run] of cases) {
      const times: number[] = [];
      for (let i = 0; i < 200; i += 1) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
      worst = Math.max(worst, pct(times, 0.99));
      console.log(`P5 ${name}: p50 ${f(pct(times, 0.5))} ms, p99 ${f(pct(times, 0.99))} ms (${f(pct(times, 0.99) / 50)}× the 50 ms goal)`);
    }
    console.log(`P5 worst p99 ${f(worst)} ms (${f(worst / 50)}× the 50 ms goal)`);
    const rss = rssMb();
    console.log(`P5 RSS ${f(rss, 0)} MB (${f(rss / 200)}× the 200 MB goal), heap ${f(process.memoryUsage().heapUsed / 1024 / 1024, 0)} MB`);
  } finally {
    await service.close();
    for (const suffix of ['', '-wal', '-shm']) await import('node:fs/promises').then((fs) => fs.rm(`${path}${suffix}`, { force: true }));
  }
}

if (process.env.P5_SEED) await seed(process.env.P5_SEED, Number(process.env.P5_REQUESTS));
else await measure();
