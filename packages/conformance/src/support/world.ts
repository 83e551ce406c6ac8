import { BeforeAll, setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { driverFor } from '@bookstrap/ils-simulators/drivers/registry';
import type { IlsDriver, IlsFixture } from '@bookstrap/ils-simulators/drivers/types';
import { harness } from './harness.ts';
import { ServiceClient } from './service-client.ts';

setDefaultTimeout(30_000);

export interface SuiteParameters {
  /** which target: a registered driver name (alma, alma-ncip, sierra, …) */
  target: string;
  serviceUrl: string;
  adminKey: string;
  /** scheme://host:port of the ILS under test */
  ilsOrigin: string;
  /** simulator control plane origin, when the target is a simulator (fault injection, clock) */
  simulatorOrigin?: string;
  credentials?: Record<string, string>;
  /** a real ILS's own demo identities (patrons, accounts, items) over the simulator seed's */
  fixture?: Partial<IlsFixture>;
  /**
   * The systems are live (the suite was given their URLs, did not start them): after each
   * scenario the kit removes what it made there, and reports what it could not (support/sandbox.ts).
   */
  sandbox?: boolean;
  /**
   * Calls per second the ILS under test allows, when the suite started it (a simulator with its
   * governance lifted): the service paces to that instead of the vendor's documented rate.
   * Without it, every scenario's library on the same demo key shares one Alma budget of 25 calls/s
   * (vendor-apis.md §Alma governance), and that pacing was most of the suite's time.
   */
  ilsPerSecond?: number;
}

/** A record of the ILS the scenario used, as it was before the suite first touched it. */
export interface TouchedItem {
  /** an item of the library's own collection (lent, checked out at the desk), never deleted */
  kind: 'library-item';
  wasOnLoan: boolean;
  temporaryLocationBefore?: string | undefined;
}

let librarySequence = 0;
const usedItems = new Set<string>();
/** Called before each target's run: items used against one target may be used again by the next. */
export const resetRunState = () => usedItems.clear();

/**
 * One scenario's view of the world: a fresh library in the service connected to the ILS under
 * test, the request it works on, and what the scenario remembers (barcodes, due dates).
 */
export class IllWorld extends World<SuiteParameters> {
  readonly driver: IlsDriver;
  readonly admin: ServiceClient;
  library!: { symbol: string; client: ServiceClient; role: 'borrowing' | 'lending' };
  request?: any;
  lastRefusal?: { status: number; body: any };
  temporaryBarcode?: string;
  itemBarcode?: string;
  /** other patrons' holds before a correction (repairs), to show they did not move */
  bystanderHolds?: string;
  recordedDueDate?: string;
  recordedItem?: unknown;
  noticeId?: number;
  pendingSettings: Record<string, any> = {};
  /** set while a scenario has taken the ILS down: failing steps are then expected to wait */
  ilsDown = false;
  /** what this scenario made or used, for the sandbox clean-up: libraries, requests, library items */
  readonly made = { libraries: [] as string[], requests: [] as { id: string; role: string }[], items: new Map<string, TouchedItem>() };

  constructor(options: IWorldOptions<SuiteParameters>) {
    super(options);
    const driver = driverFor(this.parameters.target, {
      origin: this.parameters.ilsOrigin,
      ...(this.parameters.credentials ? { credentials: this.parameters.credentials } : {}),
    });
    // A real sandbox has its own patrons and items: the given fixture overrides the seed's.
    const withFixture = this.parameters.fixture ? { ...driver, fixture: { ...driver.fixture, ...this.parameters.fixture } } : driver;
    // Every desk check-out is noted with the item's state before it, so a clean-up undoes only the suite's own loans.
    const desk = {
      ...withFixture.desk,
      checkOut: async (barcode: string, patronId: string) => {
        await this.noteItem(barcode);
        return withFixture.desk.checkOut(barcode, patronId);
      },
    };
    this.driver = { ...withFixture, desk };
    this.admin = new ServiceClient(this.parameters.serviceUrl, this.parameters.adminKey);
  }

  /** A fresh library per scenario: nothing one scenario configures leaks into the next. */
  async createLibrary(role: 'borrowing' | 'lending') {
    librarySequence += 1;
    const symbol = `CF${process.pid % 1000}${librarySequence}`.slice(0, 12).toUpperCase();
    const driverConfig = this.driver.libraryConfig(role);
    const perSecond = this.parameters.ilsPerSecond;
    const connection = driverConfig.connection as { rateLimit?: Record<string, unknown> } & Record<string, unknown>;
    const config = perSecond ? { ...driverConfig, connection: { ...connection, rateLimit: { ...connection.rateLimit, perSecond } } } : driverConfig;
    const created = await this.admin.ok('POST', '/v1/libraries', { symbol, name: `Conformance ${role} library ${symbol}`, ...config });
    this.made.libraries.push(symbol);
    this.library = { symbol, client: this.admin.withKey(created.apiKey), role };
  }

  async patchSettings(settings: Record<string, unknown>) {
    await this.admin.ok('PATCH', `/v1/libraries/${this.library.symbol}`, { settings });
  }

  get staff(): ServiceClient {
    return this.library.client;
  }

  get requestId(): string {
    if (!this.request) throw new Error('no request yet in this scenario');
    return this.request.id;
  }

  /** `{id}` in a feature's text is the request ID, so barcodes are unique per scenario. */
  expand(text: string): string {
    return text.replaceAll('{id}', this.request?.id ?? '');
  }

  async createRequest(body: Record<string, unknown>) {
    this.request = await this.staff.ok('POST', '/v1/requests', body);
    this.made.requests.push({ id: this.request.id, role: this.request.role });
    await this.settle();
  }

  /** Applies an action; a refusal is remembered for a later "the service refuses" step. */
  async act(action: string, body: Record<string, unknown> = {}, expectRefusal = false) {
    const result = await this.staff.call('POST', `/v1/requests/${this.requestId}/${action}`, body);
    if (result.status >= 300) {
      if (!expectRefusal) throw new Error(`${action} refused: ${result.status} ${JSON.stringify(result.body)}`);
      this.lastRefusal = result;
      return;
    }
    this.request = result.body;
    await this.settle();
  }

  async refresh() {
    this.request = await this.staff.ok('GET', `/v1/requests/${this.requestId}`);
    return this.request;
  }

  /**
   * Waits until the worker has run every ILS step that is due: none queued or running, and —
   * unless the scenario took the ILS down — none waiting for an automatic retry (a passing 429
   * from a real ILS is retried, not a result). Steps that stopped for staff are settled.
   */
  async settle(timeoutMs = 20_000) {
    const started = Date.now();
    const service = harness();
    for (;;) {
      // counted before looking, so a step that finishes while we look is not waited for again
      const seen = service?.stepRunsFinished() ?? 0;
      const request = await this.refresh();
      // A pending step waiting for an earlier one that stopped (retry later, or staff) is settled too.
      const busy = (request.steps ?? []).filter(
        (s: any) => s.state === 'running' || (s.state === 'pending' && !s.waitingFor) || (s.state === 'failed-retryable' && !this.ilsDown),
      );
      if (busy.length === 0) return request;
      if (Date.now() - started > timeoutMs) throw new Error(`ILS steps still busy after ${timeoutMs} ms: ${JSON.stringify(busy)}`);
      // In process, the worker says when a step run is over; the 25 ms stay the longest wait
      // (a retry's backoff runs out without a run finishing), and the only one against live systems.
      if (service) await service.stepRunFinishedAfter(seen, 25);
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  history(): string[] {
    return (this.request?.history ?? []).map((h: any) => h.text as string);
  }

  /** An on-shelf item this run has not used yet (lending scenarios each ship their own). */
  async availableItem(): Promise<string> {
    for (const barcode of this.driver.fixture.lendableItems) {
      if (usedItems.has(barcode)) continue;
      usedItems.add(barcode);
      if ((await this.driver.probe.loan(barcode)) === null) {
        await this.noteItem(barcode);
        return barcode;
      }
    }
    throw new Error(
      `no lendable item left on the shelf: the fixture's ${this.driver.fixture.lendableItems.length} lendableItems are used up (each lending scenario ships its own; see the README for how many a run needs)`,
    );
  }

  /** Notes a library item's loan and temporary location the first time the scenario uses it (sandbox runs only). */
  async noteItem(barcode: string) {
    if (!this.parameters.sandbox || this.made.items.has(barcode)) return;
    // the request's temporary item is the suite's own (deleted, not restored), unless it was a library item first
    if (barcode === this.temporaryBarcode || barcode === this.request?.temporaryBarcode) return;
    const before: TouchedItem = { kind: 'library-item', wasOnLoan: (await this.driver.probe.loan(barcode)) !== null };
    try {
      before.temporaryLocationBefore = (await this.driver.probe.location(barcode)).temporaryLocation;
    } catch {
      // an item the ILS has no location for: nothing to restore
    }
    this.made.items.set(barcode, before);
  }

  async simulator(method: string, path: string, body?: unknown) {
    if (!this.parameters.simulatorOrigin) throw new Error('this target has no simulator control plane');
    const response = await fetch(`${this.parameters.simulatorOrigin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`simulator ${method} ${path} → ${response.status} ${await response.text()}`);
  }
}

setWorldConstructor(IllWorld);

// Each target's run starts with the simulator reset to its seed, so every shelf item is free again.
BeforeAll(() => resetRunState());
