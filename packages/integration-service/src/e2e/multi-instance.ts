import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driverFor } from '@bookstrap/ils-simulators/drivers/registry';
import type { IlsDriver } from '@bookstrap/ils-simulators/drivers/types';
import { type Instance, startInstance, startSimulatorProcess, stopAll } from './instances.ts';

/**
 * Several service instances on ONE database, as behind a load balancer (issue 16): three
 * `tsx src/main.ts` processes, the simulators in a fourth (Alma REST at its real 25 calls a second, Sierra),
 * a few hundred borrowing and lending workflows sent round-robin to whichever instance answers,
 * simulator faults along the way, one instance killed -9 and another stopped (SIGTERM) mid-run.
 * Then, through the simulators' /_sim/ state dumps: every ILS record the workflows should have
 * made exists exactly once, every one they should have removed is gone, every request settled
 * with all its steps done, and Alma's gateway never refused a call over its per-second threshold.
 *
 * The database is the environment's (`BOOKSTRAP_DATABASE_URL` or `BOOKSTRAP_DB`), else a fresh
 * SQLite file (WAL) in a temporary folder. Shared by the vitest e2e and scripts/multi-instance.ts.
 */
export interface MultiInstanceOptions {
  /** borrowing workflows (default 240), split between Alma and Sierra */
  borrowing?: number;
  /** lending workflows on Alma, one per lendable seed item (default 20, at most 24) */
  lending?: number;
  /** BOOKSTRAP_DATABASE_URL / BOOKSTRAP_DB for the instances; default a temporary SQLite file */
  database?: Record<string, string>;
  /** workflows driven at once by the test's clients */
  clients?: number;
  /** how long to wait for everything to settle after the last action */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface MultiInstanceReport {
  database: string;
  instances: { name: string; fate: string; stepsDone: number; stepsNotDone: number }[];
  workflows: { borrowing: number; lending: number };
  requests: { created: number; settled: number; lost: number; duplicated: number; unsettled: string[] };
  ils: {
    /** received, not returned: one temporary item, one bib, one live hold each */
    keptItems: { expected: number; found: number };
    /** returned: the temporary item and its bib gone */
    removedItems: { expected: number; left: number };
    /** temporary items, bibs or live holds found more than once */
    duplicates: string[];
    /** lent and not returned: one active loan each; returned: none */
    lendingLoans: { expected: number; found: number; leftAfterReturn: number };
  };
  alma: { perSecond: number; admitted: number; refusedPerSecond: number; peakPerSecond: number };
  /**
   * The periodic work (sweeps, ILS sync, notices): who held it, the instance killed while holding
   * it, who took over and how long after the kill, and who holds it at the end (one instance).
   */
  periodic: { firstHolder: string; killedHolder: boolean; takenOverBy: string; takeoverSeconds: number; holdersAtEnd: string[] };
  /** answers the test's clients got from an instance that was killed or stopping (retried elsewhere) */
  clientRetries: number;
  /** creates whose answer was lost and that were sent again under their Idempotency-Key */
  replayedCreates: number;
  violations: string[];
  seconds: number;
}

const adminKey = 'multi-instance-admin-key-0000';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: any;
}

/** The load balancer: round-robin over the instances still listening; a dead one's connection error is retried on the next. */
class Balancer {
  private next = 0;
  retries = 0;
  constructor(private readonly instances: Instance[]) {}

  live(): Instance[] {
    return this.instances.filter((instance) => instance.alive());
  }

  /**
   * `once`: the request must not be sent twice (a create). A refused connection is retried on the
   * next instance (nothing was sent); a connection lost after sending throws, and the caller
   * finds out whether it was done — as a load balancer does not replay a POST it already forwarded.
   */
  async send(method: string, path: string, key: string, body?: unknown, options: { once?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const live = this.live();
      if (live.length === 0) throw new Error('no instance left');
      const instance = live[this.next++ % live.length]!;
      try {
        const response = await fetch(`${instance.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
        // A stopping instance closes its listener; one already closing may answer 503.
        if (response.status === 503) {
          this.retries += 1;
          continue;
        }
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : undefined };
      } catch (error) {
        const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        if (options.once && !refused) throw error;
        // The instance died under the request (or is gone): another one answers.
        this.retries += 1;
        await sleep(50);
      }
    }
    throw new Error(`${method} ${path}: no instance answered`);
  }
}

interface Workflow {
  kind: 'alma-borrowing' | 'sierra-borrowing' | 'alma-lending';
  title: string;
  key: string;
  /** the end of its path: borrowing received / returned, lending shipped / returned */
  returns: boolean;
  id?: string;
  itemBarcode?: string;
  patron?: string;
}

export async function runMultiInstance(options: MultiInstanceOptions = {}): Promise<MultiInstanceReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const borrowing = options.borrowing ?? 240;
  const lendingCount = Math.min(options.lending ?? 20, 24);
  const scratch = mkdtempSync(join(tmpdir(), 'bookstrap-multi-'));
  const database = options.database ?? { BOOKSTRAP_DB: join(scratch, 'service.sqlite') };
  const databaseName = database.BOOKSTRAP_DATABASE_URL?.replace(/\/\/[^@/]*@/, '//…@') ?? `SQLite ${database.BOOKSTRAP_DB}`;
  const violations: string[] = [];
  const simulators = await startSimulatorProcess();
  const instances: Instance[] = [];
  try {
    const almaUrl = simulators.urls.alma!;
    const sierraUrl = simulators.urls.sierra!;
    const alma = driverFor('alma', { origin: almaUrl });
    const sierra = driverFor('sierra', { origin: sierraUrl });
    // Short leases: a killed instance's steps and periodic work are taken over in seconds.
    const env = {
      BOOKSTRAP_ADMIN_KEY: adminKey,
      BOOKSTRAP_LEASE_MS: '5000',
      ...database,
    };
    // The first creates the schema; the other two open the migrated database.
    instances.push(await startInstance('instance-1', env));
    instances.push(...(await Promise.all([startInstance('instance-2', env), startInstance('instance-3', env)])));
    log(`3 instances on ${databaseName}: ${instances.map((i) => `${i.name} ${i.url} (pid ${i.pid})`).join(', ')}`);
    const lb = new Balancer(instances);

    const library = async (symbol: string, driver: IlsDriver, role: 'borrowing' | 'lending') => {
      const created = await lb.send('POST', '/v1/libraries', adminKey, { symbol, name: `Multi-instance ${symbol}`, ...driver.libraryConfig(role) });
      if (created.status !== 201) throw new Error(`library ${symbol}: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.apiKey as string;
    };
    const keys = {
      almaBorrowing: await library('MIALMAB', alma, 'borrowing'),
      almaLending: await library('MIALMAL', alma, 'lending'),
      sierraBorrowing: await library('MISIERRA', sierra, 'borrowing'),
    };

    const workflows: Workflow[] = [];
    for (let n = 0; n < borrowing; n += 1) {
      const onAlma = n % 2 === 0;
      workflows.push({
        kind: onAlma ? 'alma-borrowing' : 'sierra-borrowing',
        title: `Multi-instance borrowing ${String(n).padStart(4, '0')}`,
        key: onAlma ? keys.almaBorrowing : keys.sierraBorrowing,
        returns: n % 4 >= 2,
        patron: (onAlma ? alma : sierra).fixture.patrons.good,
      });
    }
    for (let n = 0; n < lendingCount; n += 1) {
      workflows.splice(Math.floor(((n + 1) * workflows.length) / (lendingCount + 1)), 0, {
        kind: 'alma-lending',
        title: `Multi-instance lending ${String(n).padStart(4, '0')}`,
        key: keys.almaLending,
        returns: n % 2 === 1,
        itemBarcode: alma.fixture.lendableItems[n]!,
      });
    }

    /**
     * Creates the request once, even when the instance died with the answer on its way: the ILL
     * system's retry carries the same Idempotency-Key, so whichever instance gets it answers the
     * request the first one made (the end-of-run count by title checks no create was doubled).
     */
    let replayedCreates = 0;
    const create = async (workflow: Workflow, body: Record<string, unknown>) => {
      const headers = { 'idempotency-key': `multi-instance-${workflow.title.replaceAll(' ', '-')}` };
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const answer = await lb.send('POST', '/v1/requests', workflow.key, body, { once: true, headers }).catch(() => undefined);
        if (answer?.status === 201) return answer.body.id as string;
        if (answer) throw new Error(`create ${workflow.title}: ${answer.status} ${JSON.stringify(answer.body)}`);
        replayedCreates += 1;
      }
      throw new Error(`create ${workflow.title}: no instance created it`);
    };
    /** A workflow action; a retry after a lost answer may find it done already (409 and the request past it). */
    const act = async (workflow: Workflow, action: string, after: string[], body?: unknown) => {
      const before = lb.retries;
      const answer = await lb.send('POST', `/v1/requests/${workflow.id}/${action}`, workflow.key, body);
      if (answer.status === 200) return;
      if (lb.retries > before && answer.status === 409) {
        const now = await lb.send('GET', `/v1/requests/${workflow.id}`, workflow.key);
        if (after.includes(now.body?.status)) return;
      }
      violations.push(`${workflow.title} (${workflow.id}) ${action}: ${answer.status} ${JSON.stringify(answer.body)}`);
    };

    /** Its ILS steps so far have all run (staff return an item after it has reached the patron). */
    const stepsRan = async (workflow: Workflow) => (await lb.send('GET', `/v1/requests/${workflow.id}`, workflow.key)).body?.pendingSteps === 0;

    /** Drives one workflow as far as it can go now; true when it is finished, false when it waits for its steps. */
    const drive = async (workflow: Workflow): Promise<boolean> => {
      if (workflow.kind === 'alma-lending') {
        if (!workflow.id) {
          workflow.id = await create(workflow, {
            role: 'lending',
            borrowingLibrary: alma.fixture.partnerSymbol,
            title: workflow.title,
            itemBarcode: workflow.itemBarcode,
          });
          await act(workflow, 'ship', ['shipped', 'returned', 'complete'], { dueDate: '2030-06-30' });
          if (workflow.returns) return false;
          return true;
        }
        if (!(await stepsRan(workflow))) return false;
        await act(workflow, 'borrower-returned', ['returned', 'complete']);
        await act(workflow, 'check-in', ['complete']);
        return true;
      }
      if (!workflow.id) {
        const fixture = (workflow.kind === 'alma-borrowing' ? alma : sierra).fixture;
        workflow.id = await create(workflow, {
          role: 'borrowing',
          title: workflow.title,
          patronId: workflow.patron,
          pickupLocation: fixture.pickupLocation,
          lenders: ['LENDA'],
        });
        await act(workflow, 'send', ['sent', 'in-transit', 'received', 'returned']);
        await act(workflow, 'supplier-shipped', ['in-transit', 'received', 'returned'], { lenderDueDate: '2030-06-30' });
        await act(workflow, 'receive', ['received', 'returned']);
        return !workflow.returns;
      }
      if (!(await stepsRan(workflow))) return false;
      await act(workflow, 'mark-returned', ['returned']);
      return true;
    };

    // ---- the run: clients drive the workflows; faults, a kill -9 and a stop happen along the way
    let done = 0;
    const fates = new Map<Instance, string>();
    const total = workflows.length;
    const queue = [...workflows];
    const fault = (url: string, body: Record<string, unknown>) =>
      fetch(`${url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.text());
    const events: Promise<void>[] = [];
    const at = (fraction: number, what: () => Promise<void>) =>
      events.push(
        (async () => {
          while (done < fraction * total) await sleep(100);
          await what();
        })(),
      );
    at(0.1, async () => {
      log(`${done}/${total}: Alma fails the next 8 calls (503)`);
      await fault(almaUrl, { failNext: 8, errorStatus: 503 });
    });
    at(0.2, async () => {
      log(`${done}/${total}: Sierra fails 20% of calls (500) for 3 s`);
      await fault(sierraUrl, { errorRate: 0.2, errorStatus: 500 });
      await sleep(3_000);
      await fault(sierraUrl, {});
    });
    // kill -9 the instance that holds the periodic work: another must take it over when its leases run out
    let firstHolder = '';
    let killedAt = 0;
    at(0.35, async () => {
      const victim = instances.find((i) => i.holding.has('ils-sync')) ?? instances[1]!;
      firstHolder = victim.name;
      log(
        `${done}/${total}: kill -9 ${victim.name} (pid ${victim.pid}, ${victim.steps.done} steps done so far, holding ${[...victim.holding].join(', ') || 'no periodic work'})`,
      );
      fates.set(victim, 'killed -9');
      killedAt = Date.now();
      await victim.kill();
    });
    at(0.5, async () => {
      log(`${done}/${total}: Alma down for 2 s`);
      await fault(almaUrl, { down: true });
      await sleep(2_000);
      await fault(almaUrl, {});
    });
    at(0.65, async () => {
      // one of the two left, not the one that took the periodic work over (the survivor runs it to the end)
      const left = instances.filter((i) => i.alive());
      const stopping = left.find((i) => !i.holding.has('ils-sync')) ?? left[left.length - 1]!;
      fates.set(stopping, 'stopped (SIGTERM)');
      log(`${done}/${total}: SIGTERM ${stopping.name} (pid ${stopping.pid}, ${stopping.steps.done} steps done so far)`);
      const code = await stopping.stop();
      log(`${stopping.name} exited ${code}`);
      if (code !== 0) violations.push(`${stopping.name} stopped with exit code ${code}`);
    });
    at(0.8, async () => {
      log(`${done}/${total}: Sierra fails the next 6 calls (502)`);
      await fault(sierraUrl, { failNext: 6, errorStatus: 502 });
    });
    const clients = Array.from({ length: options.clients ?? 6 }, async () => {
      for (let workflow = queue.shift(); workflow; workflow = queue.shift()) {
        let finished = true;
        try {
          finished = await drive(workflow);
        } catch (error) {
          violations.push(`${workflow.title}: ${(error as Error).message}`);
        }
        if (finished) done += 1;
        else {
          // Comes back for its return once its steps have run; meanwhile the others go on.
          queue.push(workflow);
          if (queue.length <= (options.clients ?? 6)) await sleep(500);
        }
      }
    });
    await Promise.all(clients);
    await Promise.all(events);
    await Promise.all([fault(almaUrl, {}), fault(sierraUrl, {})]);
    log(`all ${total} workflows sent in ${((Date.now() - started) / 1000).toFixed(1)} s; settling`);

    // ---- settle: every request's steps done (the retries' backoff runs out within a minute or two)
    const created = workflows.filter((w) => w.id);
    const settleBy = Date.now() + (options.settleTimeoutMs ?? 150_000);
    let unsettled = created;
    const snapshots = new Map<string, any>();
    while (unsettled.length > 0 && Date.now() < settleBy) {
      const still: Workflow[] = [];
      for (const workflow of unsettled) {
        const answer = await lb.send('GET', `/v1/requests/${workflow.id}`, workflow.key);
        snapshots.set(workflow.id!, answer.body);
        if (answer.status !== 200 || answer.body.pendingSteps !== 0) still.push(workflow);
      }
      unsettled = still;
      if (unsettled.length > 0) await sleep(2_000);
    }
    log(`settled after ${((Date.now() - started) / 1000).toFixed(1)} s; ${unsettled.length} not settled`);

    const stepsNotDone: string[] = [];
    for (const workflow of created) {
      const request = snapshots.get(workflow.id!);
      for (const step of (request?.steps ?? []) as { key: string; state: string; lastOutcome?: { reason?: string } }[]) {
        if (step.state !== 'succeeded') stepsNotDone.push(`${workflow.title} ${step.key} ${step.state}: ${step.lastOutcome?.reason ?? ''}`);
      }
      const expected = workflow.kind === 'alma-lending' ? (workflow.returns ? 'complete' : 'shipped') : workflow.returns ? 'returned' : 'received';
      if (request?.status !== expected) violations.push(`${workflow.title} (${workflow.id}) is ${request?.status}, expected ${expected}`);
    }
    if (stepsNotDone.length > 0) violations.push(`steps not done: ${stepsNotDone.slice(0, 10).join('; ')}${stepsNotDone.length > 10 ? ' …' : ''}`);

    // ---- one request per workflow (no create was lost or made twice)
    let lost = workflows.length - created.length;
    let duplicated = 0;
    for (const [key, role] of [
      [keys.almaBorrowing, 'borrowing'],
      [keys.sierraBorrowing, 'borrowing'],
      [keys.almaLending, 'lending'],
    ] as const) {
      const titles = new Map<string, number>();
      for (let cursor: string | undefined, page = 0; page < 50; page += 1) {
        const list = await lb.send('GET', `/v1/requests?role=${role}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key);
        for (const request of list.body.requests as { title: string }[]) titles.set(request.title, (titles.get(request.title) ?? 0) + 1);
        cursor = list.body.nextCursor ?? undefined;
        if (!cursor) break;
      }
      const mine = workflows.filter((w) => w.key === key);
      for (const workflow of mine) {
        const count = titles.get(workflow.title) ?? 0;
        if (count === 0 && workflow.id) lost += 1;
        if (count > 1) duplicated += count - 1;
      }
    }
    if (lost > 0) violations.push(`${lost} request(s) lost`);
    if (duplicated > 0) violations.push(`${duplicated} request(s) created twice`);

    // ---- the ILS, through the simulators' state dumps
    const state = async (url: string) => ((await (await fetch(`${url}/_sim/state`)).json()) as { tables: Record<string, any[]> }).tables;
    const [almaState, sierraState] = await Promise.all([state(almaUrl), state(sierraUrl)]);
    const duplicates: string[] = [];
    let keptFound = 0;
    let keptExpected = 0;
    let removedExpected = 0;
    let removedLeft = 0;
    const liveHold = (hold: { status: string }) => !['fulfilled', 'cancelled', 'expired'].includes(hold.status);
    for (const workflow of created.filter((w) => w.kind !== 'alma-lending')) {
      const tables = workflow.kind === 'alma-borrowing' ? almaState : sierraState;
      const items = tables.items!.filter((item) => item.barcode === workflow.id);
      const bibs = tables.bibs!.filter((bib) => bib.title === workflow.title);
      const holds = tables.holds!.filter((hold) => items.some((item) => item.id === hold.itemId) && liveHold(hold));
      if (items.length > 1 || bibs.length > 1 || holds.length > 1) {
        duplicates.push(`${workflow.title}: ${items.length} items, ${bibs.length} bibs, ${holds.length} live holds`);
      }
      if (workflow.returns) {
        removedExpected += 1;
        if (items.length > 0 || bibs.length > 0) {
          removedLeft += 1;
          violations.push(`${workflow.title} (${workflow.id}) returned, but ${items.length} item(s) and ${bibs.length} bib(s) are left`);
        }
      } else {
        keptExpected += 1;
        if (items.length === 1 && bibs.length === 1 && holds.length === 1) keptFound += 1;
        else violations.push(`${workflow.title} (${workflow.id}) received: ${items.length} items, ${bibs.length} bibs, ${holds.length} live holds`);
      }
    }
    let loansExpected = 0;
    let loansFound = 0;
    let loansLeft = 0;
    for (const workflow of created.filter((w) => w.kind === 'alma-lending')) {
      const item = almaState.items!.find((i) => i.barcode === workflow.itemBarcode);
      const active = almaState.loans!.filter((loan) => loan.itemId === item?.id && loan.status === 'active');
      if (active.length > 1) duplicates.push(`${workflow.title}: ${active.length} active loans of ${workflow.itemBarcode}`);
      if (workflow.returns) {
        if (active.length > 0) {
          loansLeft += 1;
          violations.push(`${workflow.title} checked in, but ${workflow.itemBarcode} is still on loan`);
        }
      } else {
        loansExpected += 1;
        if (active.length === 1) loansFound += 1;
        else violations.push(`${workflow.title} shipped: ${active.length} active loans of ${workflow.itemBarcode}`);
      }
    }
    if (duplicates.length > 0) violations.push(`duplicated ILS records: ${duplicates.join('; ')}`);

    const governance = ((await (await fetch(`${almaUrl}/_sim/governance`)).json()) as { governance: MultiInstanceReport['alma'] }).governance;
    if (governance.refusedPerSecond > 0) violations.push(`Alma refused ${governance.refusedPerSecond} call(s) over its per-second threshold`);

    // ---- the periodic work: taken over from the killed holder, one holder at the end
    const takeover = instances
      .filter((i) => i.name !== firstHolder)
      .flatMap((i) => i.took.filter((t) => t.task === 'ils-sync' && t.at >= killedAt).map((t) => ({ name: i.name, at: t.at })))
      .sort((a, b) => a.at - b.at)[0];
    const holdersAtEnd = instances.filter((i) => i.alive() && i.holding.size > 0).map((i) => `${i.name}: ${[...i.holding].sort().join(', ')}`);
    const killedHolder = instances.find((i) => i.name === firstHolder)?.took.some((t) => t.task === 'ils-sync') ?? false;
    if (!killedHolder) violations.push(`the killed instance ${firstHolder} did not hold the periodic work`);
    if (!takeover) violations.push('nobody took the periodic work over from the killed instance');
    if (holdersAtEnd.length !== 1) violations.push(`periodic work held at the end by ${holdersAtEnd.length} instances: ${holdersAtEnd.join('; ')}`);

    return {
      database: databaseName,
      instances: instances.map((instance) => ({
        name: instance.name,
        fate: fates.get(instance) ?? 'ran to the end',
        stepsDone: instance.steps.done,
        stepsNotDone: instance.steps.notDone,
      })),
      periodic: {
        firstHolder,
        killedHolder,
        takenOverBy: takeover?.name ?? '',
        takeoverSeconds: takeover ? Math.round((takeover.at - killedAt) / 100) / 10 : Number.NaN,
        holdersAtEnd,
      },
      workflows: { borrowing, lending: lendingCount },
      requests: {
        created: created.length,
        settled: created.length - unsettled.length,
        lost,
        duplicated,
        unsettled: unsettled.map((w) => `${w.title} (${w.id})`),
      },
      ils: {
        keptItems: { expected: keptExpected, found: keptFound },
        removedItems: { expected: removedExpected, left: removedLeft },
        duplicates,
        lendingLoans: { expected: loansExpected, found: loansFound, leftAfterReturn: loansLeft },
      },
      alma: governance,
      clientRetries: lb.retries,
      /** creates whose answer was lost and that were sent again under their Idempotency-Key */
      replayedCreates,
      violations: [...violations, ...(unsettled.length > 0 ? [`${unsettled.length} request(s) never settled`] : [])],
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await stopAll(instances);
    await simulators.stop();
    // MULTI_KEEP=1 keeps the database for a look afterwards
    if (process.env.MULTI_KEEP) log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}
