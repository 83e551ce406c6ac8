import { describe, expect, it } from 'vitest';
import { type ContractSubject, circulationSystemContract } from '../contract.ts';
import type { AdapterContext } from '../types.ts';
import { host, mainBranch, testNow, wms, wmsCirculationProbe, wmsConnection, wmsSim } from './test-support.ts';
import { WmsAdapter, wmsNcipAdapter, wmsOptions } from './wms.ts';

/**
 * The shared adapter contract against the simulated WMS: OAuth + SCIM + NCIP in OCLC's flavour,
 * in-process through `fetch` as to the real OCLC hosts; the probe reads WMS's desk (`/_sim/desk`, the
 * simulator's control plane), which the adapter never uses.
 */
/** A borrowed item as the receive step hands it over: barcode = request id, the lender's date. */
const receivedItem = (requestId: string, title: string, patronId: string) => ({
  requestId,
  barcode: requestId,
  title,
  note: `ILL request ${requestId} from LENDA`,
  lendingLibrary: 'LENDA',
  location: 'ILL',
  inLibraryUseOnly: false,
  dueDate: '2025-04-02',
  patronId,
  pickupLocation: mainBranch,
});

const lendable = wms.lendableItems.filter((item) => item.branchId === mainBranch).map((item) => item.barcode);

async function wmsSubject(): Promise<
  ContractSubject & {
    traffic: ReturnType<typeof wmsSim>['traffic'];
    calls: string[];
    sim: ReturnType<typeof wmsSim>['sim'];
    clock: ReturnType<typeof wmsSim>['clock'];
  }
> {
  const { sim, clock, context, traffic, calls } = wmsSim();
  const circulation = wmsCirculationProbe(sim);
  return {
    system: new WmsAdapter(wmsOptions(wmsConnection()), context),
    probe: circulation.probe,
    traffic,
    calls,
    sim,
    clock,
    fixture: {
      patronId: wms.patrons.good.barcode,
      unknownPatronId: 'no-such-patron',
      blockedPatronId: wms.patrons.blocked.barcode,
      expiredPatronId: wms.patrons.expired.barcode,
      accountId: wms.institutionalPatrons.PARTNR.barcode,
      lendableBarcodes: lendable,
      pickupLocation: mainBranch,
      illLocation: wms.illSettings.temporaryHoldingLocation,
      temporaryLocation: wms.illSettings.temporaryHoldingLocation,
      feeType: wms.feeTypes.illFee,
      today: '2025-03-12',
      futureDueDate: '2025-04-16',
      laterDueDate: '2025-04-30',
    },
    ilsDown: () => circulation.faults({ down: true }),
    ilsUp: () => circulation.faults({}),
    deskCheckIn: circulation.deskCheckIn,
  };
}

circulationSystemContract('WMS: OAuth + SCIM + NCIP (simulated)', wmsSubject, {
  unsupported: [
    // WMS keeps temporary items after return; there is nothing to delete (covered below).
    'delete temporary item twice',
    // Neither WMS's NCIP nor a documented WMS API moves an item to a temporary location.
    'temporary location and back',
    // Tipasa: only Horizon and Symphony take a hold on the requested item for lending.
    'lending hold',
    // NCIP cannot read a loan's due date or a patron's bills on WMS (no LookupItem, no LookupUser):
    // a repeated RenewItem or CreateUserFiscalTransaction cannot be told from a first one. The
    // date change itself and a single charge are covered by the contract and below.
    'update due date',
    'charge fee twice',
  ],
});

describe('WMS adapter: OCLC conventions', () => {
  it('gets one token per scope from the token service and reuses it until it nearly expires', async () => {
    const { system, calls, fixture, clock } = await wmsSubject();
    await system.lookupPatron({ patronId: fixture.patronId });
    await system.lookupPatron({ patronId: fixture.blockedPatronId });
    await system.createTemporaryItem({
      requestId: '9200001',
      barcode: '9200001',
      title: 'T',
      note: 'ILL request 9200001 from LENDA',
      lendingLibrary: 'LENDA',
      location: 'ILL',
      inLibraryUseOnly: false,
    });
    expect(calls.filter((c) => c.startsWith('POST /token'))).toHaveLength(2);
    // Nearly 20 minutes on (service and WMS share the clock): inside the renewal margin, so a new token is fetched.
    clock.advance(19.5 * 60_000);
    await system.lookupPatron({ patronId: fixture.patronId });
    expect(calls.filter((c) => c.startsWith('POST /token'))).toHaveLength(3);
  });

  it('looks patrons up over SCIM: expired patrons come back expired, with the expiry date', async () => {
    const { system } = await wmsSubject();
    const expired = await system.lookupPatron({ patronId: wms.patrons.expired.barcode });
    expect(expired).toMatchObject({ kind: 'done', value: { status: 'expired', expiryDate: '2025-02-10', patronId: wms.patrons.expired.barcode } });
    const good = await system.lookupPatron({ patronId: wms.patrons.good.barcode });
    expect(good).toMatchObject({ kind: 'done', value: { status: 'active', name: wms.patrons.good.name, barcode: wms.patrons.good.barcode } });
  });

  it('turns refused credentials into configuration errors, for SCIM and for NCIP alike', async () => {
    const { context } = wmsSim();
    const system = new WmsAdapter(wmsOptions(wmsConnection({ clientSecret: 'wrong' })), context);
    const lookup = await system.lookupPatron({ patronId: wms.patrons.good.barcode });
    expect(lookup).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining("WSKey 'wms-demo-wskey' is invalid") });
    const checkIn = await system.checkIn({ requestId: '1', itemBarcode: lendable[0] as string });
    expect(checkIn.kind).toBe('configuration-error');
  });

  it('says a WSKey without SCIM:read_user cannot look patrons up', async () => {
    const { context } = wmsSim();
    const system = new WmsAdapter(wmsOptions(wmsConnection({ clientKey: wms.ncipOnlyWskey, clientSecret: wms.ncipOnlySecret })), context);
    const lookup = await system.lookupPatron({ patronId: wms.patrons.good.barcode });
    expect(lookup).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('SCIM:read_user') });
  });

  it('fetches a new token once when WMS stops accepting the cached one', async () => {
    const { system, calls, sim, fixture } = await wmsSubject();
    await system.lookupPatron({ patronId: fixture.patronId });
    // A simulator reset forgets every token it issued, as a revoked token would be.
    await sim.app.request(`${host}/_sim/reset`, { method: 'POST' });
    expect((await system.lookupPatron({ patronId: fixture.patronId })).kind).toBe('done');
    expect(calls.filter((c) => c.startsWith('POST /token'))).toHaveLength(2);
  });

  it('masks the bearer token and the Basic credentials in the protocol log', async () => {
    const { system, traffic, fixture } = await wmsSubject();
    await system.lookupPatron({ patronId: fixture.patronId });
    const logged = JSON.stringify(traffic);
    expect(logged).not.toContain(wms.secret);
    expect(logged).not.toMatch(/tk_sim\w+/);
    expect(traffic.map((t) => t.url)).toEqual([
      expect.stringContaining('/token?grant_type=client_credentials&scope=SCIM'),
      `${host}/idaas/scim/v2/Users/.search`,
    ]);
  });

  it('changes a loan due date with RenewItem and DesiredDateDue', async () => {
    const { system, probe, fixture } = await wmsSubject();
    const barcode = fixture.lendableBarcodes[4] as string;
    await system.checkOut({ requestId: '9200002', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.futureDueDate });
    const outcome = await system.updateDueDate({ requestId: '9200002', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.laterDueDate });
    expect(outcome).toMatchObject({ kind: 'done', value: { dueDate: fixture.laterDueDate } });
    expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: fixture.laterDueDate });
  });

  it("reads an item's circulation for the sync through the NCIP patron profile only (LookupUser), never a simulator-only endpoint", async () => {
    const { system, fixture, sim, calls } = await wmsSubject();
    const circulation = wmsCirculationProbe(sim);
    const item = receivedItem('9200010', 'Emma', fixture.patronId);
    expect((await system.createTemporaryItem(item)).kind).toBe('done');
    const read = () => system.readItemCirculation!({ itemBarcode: '9200010', patronId: fixture.patronId });
    expect(await read()).toMatchObject({ kind: 'done', value: { exists: true, holdForPatron: 'pending' } });
    await circulation.deskCheckIn('9200010');
    expect(await read()).toMatchObject({ kind: 'done', value: { status: 'hold-shelf', holdForPatron: 'ready' } });
    await circulation.desk('POST', `/patrons/${fixture.patronId}/checkouts`, { itemBarcode: '9200010', branchId: mainBranch });
    expect(await read()).toMatchObject({ kind: 'done', value: { status: 'on-loan', loan: { toPatron: true, dueDate: '2025-04-02' } } });
    await circulation.deskCheckIn('9200010');
    const back = await read();
    expect(back).toMatchObject({ kind: 'done', value: { exists: true, status: 'other', holdForPatron: 'none' } });
    // What LookupUser cannot show is said, not guessed.
    expect((back as { value: { unseen: string[] } }).value.unseen).toEqual([expect.stringContaining('no LookupItem')]);
    // Every read went to OCLC's documented patron profile; nothing touched /circ or the control plane.
    const paths = calls.map((call) => call.split(' ')[1] ?? '');
    expect(paths.filter((p) => p.startsWith('/_sim') || p.startsWith('/circ/'))).toEqual([]);
    expect(paths).toContain('/circ-patron');
  });

  it('a blocked patron at check-out: WMS answers "UserBlocked" (OCLC\'s spelling); the adapter says needs staff, nothing is lent', async () => {
    const { system, fixture, sim, traffic } = await wmsSubject();
    const circulation = wmsCirculationProbe(sim);
    const barcode = fixture.lendableBarcodes[2] as string;
    const outcome = await system.checkOut({ requestId: '9200012', itemBarcode: barcode, patronId: fixture.blockedPatronId, dueDate: '2025-04-16' });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringMatching(/blocked/i) });
    expect(traffic.some((t) => /<(?:\w+:)?ProblemType[^>]*>UserBlocked</.test(t.responseBody ?? ''))).toBe(true);
    expect((await circulation.item(barcode))?.currentLoan).toBeNull();
  });

  it("asks the patron profile with a token obtained for that patron (principalID: the SCIM user), one look-up per patron; staff messages keep the application's token", async () => {
    const { sim, context } = wmsSim();
    const urls: string[] = [];
    const bearers = new Map<string, string>();
    const recording: AdapterContext = {
      ...context,
      fetch: async (input, init) => {
        urls.push(input);
        const response = await context.fetch(input, init);
        const path = new URL(input).pathname;
        if (path !== '/token') bearers.set(path, new Headers(init?.headers).get('authorization') ?? '');
        return response;
      },
    };
    const system = new WmsAdapter(wmsOptions(wmsConnection()), recording);
    const account = wms.institutionalPatrons.PARTNR.barcode;
    const barcode = lendable[6] as string;
    expect((await system.checkOut({ requestId: '9200020', patronId: account, itemBarcode: barcode, dueDate: '2025-04-16' })).kind).toBe('done');
    const owner = { kind: 'lent-item' as const, requestId: '9200020', borrowerPatronId: account };
    expect((await system.updateDueDate({ requestId: '9200020', patronId: account, itemBarcode: barcode, dueDate: '2025-04-30', owner })).kind).toBe('done');
    expect((await system.checkIn({ requestId: '9200020', itemBarcode: barcode, owner })).kind).toBe('done');
    const scim = (await (
      await sim.app.request(`${host}/idaas/scim/v2/Users/.search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await staffBearer(sim)}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `External_ID eq "${account}"` }),
      })
    ).json()) as { Resources: { id: string }[] };
    const tokenUrls = urls.filter((u) => new URL(u).pathname === '/token').map((u) => new URL(u).searchParams);
    expect(
      tokenUrls.filter((q) => q.get('principalID') === scim.Resources[0]?.id && q.get('principalIDNS') === `urn:oclc:platform:${wms.institutionId}`),
    ).toHaveLength(1);
    // Two ownership reads of the account's loans, one SCIM search for its principal.
    expect(urls.filter((u) => u.endsWith('/circ-patron'))).toHaveLength(2);
    expect(urls.filter((u) => u.endsWith('/Users/.search'))).toHaveLength(1);
    expect(bearers.get('/circ-patron')).not.toBe(bearers.get('/ncip'));
  });

  it('reads as a failure, never as "no loan", when the patron profile refuses the patron', async () => {
    const { system } = await wmsSubject();
    const outcome = await system.readItemCirculation!({ itemBarcode: '9200011', patronId: 'no-such-patron' });
    expect(outcome.kind).toBe('needs-staff');
  });

  it('keeps the temporary item after return: check-in leaves it Unavailable, delete is refused as configuration', async () => {
    const { system, fixture, sim } = await wmsSubject();
    const circulation = wmsCirculationProbe(sim);
    const item = receivedItem('9200003', 'The Name of the Rose', fixture.patronId);
    expect((await system.createTemporaryItem(item)).kind).toBe('done');
    expect(
      (
        await system.placeHold({
          requestId: '9200003',
          patronId: fixture.patronId,
          itemBarcode: '9200003',
          pickupLocation: mainBranch,
          inLibraryUseOnly: false,
        })
      ).kind,
    ).toBe('already-done');
    await circulation.deskCheckIn('9200003');
    const loan = await circulation.desk('POST', `/patrons/${fixture.patronId}/checkouts`, { itemBarcode: '9200003', branchId: mainBranch });
    // The lender's date (DateForReturn) is stricter than the 28-day policy.
    expect(loan.body).toMatchObject({ dueDate: '2025-04-02T23:59:59Z', dueDateSource: 'ILL_DUE_DATE' });
    expect(await system.checkIn({ requestId: '9200003', itemBarcode: '9200003' })).toMatchObject({ kind: 'done', value: { routing: 'Withdrawn' } });
    expect((await circulation.item('9200003'))?.status).toBe('UNAVAILABLE');
    expect((await system.deleteTemporaryItem({ requestId: '9200003', itemBarcode: '9200003' })).kind).toBe('configuration-error');
    expect(system.capabilities.deleteTemporaryItem).toBe(false);
  });

  it('never deletes a temporary item another patron holds: the delete is refused, the item and both holds kept', async () => {
    const { system, fixture, sim, probe, traffic } = await wmsSubject();
    const circulation = wmsCirculationProbe(sim);
    expect((await system.createTemporaryItem(receivedItem('9200005', 'Middlemarch', fixture.patronId))).kind).toBe('done');
    // Another patron's hold on the item, placed over WMS's staff NCIP RequestItem (the simulator's
    // desk has no hold form) under a request that is not 9200005.
    const faculty = wms.patrons.faculty.barcode;
    expect(
      (await system.placeHold({ requestId: '9200006', patronId: faculty, itemBarcode: '9200005', pickupLocation: mainBranch, inLibraryUseOnly: false })).kind,
    ).toBe('done');
    const before = await probe.holds('9200005');
    expect(before.map((hold) => hold.patronId).sort()).toEqual([fixture.patronId, faculty].sort());
    traffic.length = 0;

    const outcome = await system.deleteTemporaryItem({ requestId: '9200005', itemBarcode: '9200005', patronId: fixture.patronId });
    // WMS's NCIP has no DeleteItem and no LookupItem (the patron profile's LookupUser shows one
    // patron's requests only), so nothing could show the other hold; nothing is sent at all.
    expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('no LookupItem') });
    expect(traffic).toEqual([]);
    expect(await circulation.item('9200005')).toBeDefined();
    expect(await probe.holds('9200005')).toEqual(before);
  });

  it('charges the ILL fee with CreateUserFiscalTransaction', async () => {
    const { system, probe, fixture } = await wmsSubject();
    const outcome = await system.chargeFee({
      requestId: '9200004',
      patronId: fixture.patronId,
      feeType: 'ILL-fee',
      amount: 7.5,
      comment: 'ILL fee for request 9200004',
    });
    expect(outcome.kind).toBe('done');
    expect(await probe.fees(fixture.patronId)).toEqual([{ amount: 7.5, feeType: 'ILL-fee', comment: 'ILL fee for request 9200004' }]);
  });

  it('refuses a lending hold as a configuration error, never a fake success', async () => {
    const { system, fixture } = await wmsSubject();
    expect(system.capabilities.lendingHold).toBe(false);
    expect((await system.placeLendingHold({ requestId: '9200005', title: 'x', patronId: fixture.accountId })).kind).toBe('configuration-error');
  });

  it('is the registry row for wms:ncip, and checks the registry id at configuration time', () => {
    expect(wmsNcipAdapter).toMatchObject({ ils: 'wms', protocol: 'ncip' });
    expect(wmsNcipAdapter.capabilities).toMatchObject({ feesOnShipped: true, deleteTemporaryItem: false, dueDateUpdate: 'renewal', temporaryLocation: false });
    expect(wmsNcipAdapter.checkConnection?.({ ...wmsConnection(), ncip: { toAgencyId: 'TULSA' } })).toEqual([
      expect.objectContaining({ path: 'connection.ncip.toAgencyId' }),
    ]);
    expect(wmsNcipAdapter.checkConnection?.(wmsConnection())).toEqual([]);
    const context: AdapterContext = {
      fetch: async () => new Response(''),
      timeoutMs: 1,
      clock: { now: () => new Date(testNow) },
      record: () => {},
      throttle: async () => {},
      backOff: () => {},
    };
    expect(wmsNcipAdapter.create(wmsConnection(), context).ils).toBe('wms');
  });

  it('uses the real OCLC hosts when no base URL overrides them', () => {
    const { baseUrl: _base, ncipUrl: _ncip, ...real } = wmsConnection();
    expect(wmsOptions(real)).toMatchObject({
      ncipUrl: 'https://circ.sd00.worldcat.org/ncip',
      tokenUrl: 'https://oauth.oclc.org/token',
      scimSearchUrl: `https://${wms.institutionId}.share.worldcat.org/idaas/scim/v2/Users/.search`,
    });
  });
});

/** An application token from the simulated token service (for reading SCIM in a test). */
async function staffBearer(sim: ReturnType<typeof wmsSim>['sim']): Promise<string> {
  const response = await sim.app.request(`${host}/token?grant_type=client_credentials&scope=SCIM:read_user`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${wms.wskey}:${wms.secret}`).toString('base64')}` },
  });
  return String(((await response.json()) as { access_token: string }).access_token);
}
