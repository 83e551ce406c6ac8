import { demo } from '../index.ts';
import { annualDates } from './dates.ts';
import type { DriverFactory, DriverFetch, DriverTarget, FeeView, HoldView, IlsDriver, TemporaryItemView } from './types.ts';

/**
 * OCLC WorldShare Management Services: what desk staff do (check in at a branch, check out, change
 * a due date) and see (item details, holds, checkouts, bills, Discover Items for temporary items)
 * through the simulator's desk (`/_sim/desk`, control plane — OCLC has no API for these screens).
 * The library under test talks NCIP (staff and patron profiles) + SCIM to the same WMS; whose loan
 * an item is on (ownership checks, by-patron recovery) it reads from the patron profile's
 * LookupUser, for the account or patron the token was obtained for.
 */
// biome-ignore lint/suspicious/noExplicitAny: WMS bodies are read field by field
type Json = Record<string, any>;
const wms = demo.wms;

export interface WmsDesk {
  /** "Change Due Date" on a patron's checkout (staff match the date on the book strap) */
  changeDueDate(barcode: string, patronId: string, dueDate: string): Promise<void>;
  /** Discover Items, data type Temporary Items: barcodes of temporary items whose title or author matches */
  findTemporaryItems(words: string): Promise<{ barcode: string; requestId?: string }[]>;
  /** the patron's current checkouts, as the desk sees them */
  checkouts(patronId: string): Promise<{ barcode: string; dueDate: string; temporaryItem: boolean }[]>;
  /** WMS item status (AVAILABLE, ON_LOAN, ON_HOLD, IN_TRANSIT, UNAVAILABLE, …) and the ILL data on the item */
  itemDetails(barcode: string): Promise<{ status: string; requestId?: string; illDueDate?: string; institution?: string } | null>;
  /** the due date WMS chose at the last desk check-out and why (LOAN_POLICY | ILL_DUE_DATE) */
  lastCheckOut(): { dueDate: string; source: string } | undefined;
  /** Hold Pickup Notifications WMS generated for the patron */
  pickupNotices(patronId: string): Promise<{ barcode: string; branchId: string }[]>;
}

export interface WmsDriver extends IlsDriver {
  wms: WmsDesk;
}

/**
 * The WorldShare Circulation desk: what staff do and see in WMS's screens. OCLC publishes no API
 * for these (its WMS Circulation API routes items, counts in-house uses, lists pull lists), so
 * against the simulator they are its control plane, `/_sim/desk`. No vendor auth: a person at the
 * desk, not an integration. The library under test never uses them.
 */
class WmsDeskApi {
  constructor(
    private readonly origin: string,
    private readonly fetch: DriverFetch = globalThis.fetch,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const response = await this.fetch(`${this.origin}/_sim/desk${path}`, {
      method,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
  }

  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const { status, json } = await this.call(method, path, body);
    if (status >= 300) throw new Error(`WMS desk ${method} ${path} → ${status} ${json.message ?? ''} ${json.detail ?? JSON.stringify(json)}`);
    return json;
  }

  async item(barcode: string): Promise<Json | null> {
    const { status, json } = await this.call('GET', `/items/${encodeURIComponent(barcode)}`);
    if (status === 404) return null;
    if (status >= 300) throw new Error(`WMS item ${barcode} → ${status} ${JSON.stringify(json)}`);
    return json;
  }
}

const holdStatus = (status: string): HoldView['status'] =>
  status === 'READY_FOR_USE'
    ? 'ready'
    : status === 'IN_TRANSIT'
      ? 'in-transit'
      : status === 'PENDING'
        ? 'pending'
        : status === 'FILLED'
          ? 'fulfilled'
          : 'cancelled';

const day = (instant: unknown) => String(instant ?? '').slice(0, 10);

export const wmsDriver: DriverFactory = (target: DriverTarget): WmsDriver => {
  const wskey = target.credentials?.clientKey ?? wms.wskey;
  const secret = target.credentials?.clientSecret ?? wms.secret;
  const api = new WmsDeskApi(target.origin, target.fetch);
  const home = wms.branches.find((b) => b.code === 'MAIN') ?? wms.branches[0];
  const other = wms.branches.find((b) => b.branchId !== home?.branchId) ?? home;
  if (!home || !other) throw new Error('the WMS demo has no branches');
  const calendar = { closedWeekdays: home.closedWeekdays, closedDates: annualDates(home.annualClosedDates) };
  let lastCheckOut: { dueDate: string; source: string } | undefined;

  const desk = {
    async checkIn(barcode: string, at: 'pickup' | 'elsewhere' | 'home') {
      const item = await api.item(barcode);
      if (!item) throw new Error(`WMS has no item with barcode ${barcode}`);
      const branchId = at === 'elsewhere' ? other.branchId : at === 'home' ? item.branch.branchId : home.branchId;
      await api.ok('POST', '/check-in', { itemBarcode: barcode, branchId });
    },
    async checkOut(barcode: string, patronId: string) {
      const loan = await api.ok('POST', `/patrons/${encodeURIComponent(patronId)}/checkouts`, { itemBarcode: barcode, branchId: home.branchId });
      lastCheckOut = { dueDate: day(loan.dueDate), source: String(loan.dueDateSource) };
      return { dueDate: day(loan.dueDate) };
    },
    async renew(barcode: string, patronId: string, dueDate: string) {
      // WorldShare Circulation: select the checkout → "Change due date" (seed 004's desk steps).
      const changed = await api.ok('PUT', `/patrons/${encodeURIComponent(patronId)}/checkouts/${encodeURIComponent(barcode)}`, { dueDate });
      return { dueDate: day(changed.dueDate ?? dueDate) };
    },
  };

  const probe = {
    async item(barcode: string): Promise<TemporaryItemView | null> {
      const item = await api.item(barcode);
      if (!item) return null;
      const ill = item.illRequest
        ? [`ILL request ${item.illRequest.requestId}`, item.illRequest.lendingInstitution ?? item.illRequest.borrowingInstitution]
        : [];
      return {
        barcode: item.barcode,
        title: item.title,
        notes: [...(item.notes ?? []), ...ill].filter(Boolean).join(' | '),
        location: item.holdingLocation,
        libraryUseOnly: item.inLibraryUseOnly === true || item.circulates === false,
        onLoan: item.currentLoan !== null && item.currentLoan !== undefined,
      };
    },
    async countItems(barcode: string) {
      // WMS barcodes are unique per institution: the lookup finds at most one.
      return (await api.item(barcode)) ? 1 : 0;
    },
    async holds(barcode: string): Promise<HoldView[]> {
      if (!(await api.item(barcode))) return [];
      const list = await api.ok('GET', `/items/${encodeURIComponent(barcode)}/holds?state=all`);
      return (list.entries ?? []).map((h: Json) => ({ patronId: h.patronBarcode, status: holdStatus(h.status), pickupLocation: h.pickupBranch?.branchId }));
    },
    async loan(barcode: string) {
      const item = await api.item(barcode);
      return item?.currentLoan ? { patronId: item.currentLoan.patronBarcode, dueDate: day(item.currentLoan.dueDate) } : null;
    },
    async fees(patronId: string): Promise<FeeView[]> {
      const list = await api.ok('GET', `/patrons/${encodeURIComponent(patronId)}/fines`);
      return (list.entries ?? [])
        .filter((f: Json) => f.status === 'OUTSTANDING')
        .map((f: Json) => ({ amount: Number(f.amount?.value), feeType: f.type ?? '', comment: f.note ?? '' }));
    },
    async location(barcode: string) {
      const item = await api.item(barcode);
      if (!item) throw new Error(`WMS has no item with barcode ${barcode}`);
      return { permanentLocation: item.holdingLocation, temporaryLocation: item.temporaryLocation?.holdingLocation ?? undefined };
    },
  };

  const wmsDesk: WmsDesk = {
    async changeDueDate(barcode, patronId, dueDate) {
      await api.ok('PUT', `/patrons/${encodeURIComponent(patronId)}/checkouts/${encodeURIComponent(barcode)}`, { dueDate });
    },
    async findTemporaryItems(words) {
      const found = await api.ok('GET', `/items?q=${encodeURIComponent(words)}&itemType=TEMPORARY`);
      return (found.entries ?? []).map((e: Json) => ({ barcode: e.barcode, ...(e.illRequest?.requestId ? { requestId: e.illRequest.requestId } : {}) }));
    },
    async checkouts(patronId) {
      const list = await api.ok('GET', `/patrons/${encodeURIComponent(patronId)}/checkouts`);
      return (list.entries ?? []).map((e: Json) => ({ barcode: e.itemBarcode, dueDate: day(e.dueDate), temporaryItem: e.temporaryItem === true }));
    },
    async itemDetails(barcode) {
      const item = await api.item(barcode);
      if (!item) return null;
      return {
        status: item.status,
        ...(item.illRequest?.requestId ? { requestId: item.illRequest.requestId } : {}),
        ...(item.illRequest?.illDueDate ? { illDueDate: item.illRequest.illDueDate } : {}),
        ...(item.illRequest ? { institution: item.illRequest.lendingInstitution ?? item.illRequest.borrowingInstitution } : {}),
      };
    },
    lastCheckOut: () => lastCheckOut,
    async pickupNotices(patronId) {
      const list = await api.ok('GET', `/patrons/${encodeURIComponent(patronId)}/notifications`);
      return (list.entries ?? []).map((n: Json) => ({ barcode: n.itemBarcode, branchId: n.pickupBranch?.branchId }));
    },
  };

  const connection = {
    ils: 'wms',
    protocol: 'ncip',
    // One origin stands in for oauth.oclc.org, the SCIM host and circ.sd00.worldcat.org.
    baseUrl: target.origin,
    ncipUrl: `${target.origin}/ncip`,
    credentials: { clientKey: wskey, clientSecret: secret },
    ncip: { toAgencyId: wms.institutionId, fromAgencyId: wms.institutionId },
    institutionCode: wms.institutionId,
  };

  return {
    ils: 'wms',
    unsupported: [
      // Tipasa: only Horizon and Symphony take a hold on the requested item for lending.
      '@lending-hold',
      // WMS keeps temporary items after return (Unavailable, still showing the request ID).
      '@delete-temporary-item',
      // WMS has no documented API to move a lent item to a temporary location.
      '@temporary-location',
      // WMS makes the temporary item itself from WMS Circulation › ILL Settings ("temporary item
      // holding location + shelving location": /work/shared/reference/ill-workflow.md §1.1); no
      // message sets it, so the library sets its shelving location there.
      '@shelving-location',
      // WMS takes charges over NCIP CreateUserFiscalTransaction, which only adds a transaction; no
      // documented WMS API waives or cancels one (staff do it in WMS Circulation's patron bills).
      '@fee-removal',
      // WMS shows whose loan an item is on only through the patron profile's LookupUser (the
      // borrowing library account's loans; OCLC documents no item look-up). A lent item no longer
      // on that account's loans may be back on the shelf or lent to a local patron, so the
      // check-in leaves it for staff instead of counting it as already checked in.
      '@ils-item-status',
      // OCLC's patron-profile LookupUser lists a patron's current loans only, with no loan history,
      // and the staff profile answers no LookupItem: a pickup and return between two syncs leaves
      // nothing to read, so the sync can only say the hold is gone (worded as possibly expired).
      '@loan-history',
    ],
    desk,
    probe,
    wms: wmsDesk,
    fixture: {
      patrons: {
        good: wms.patrons.good.barcode,
        blocked: wms.patrons.blocked.barcode,
        expired: wms.patrons.expired.barcode,
        unknown: 'no-such-patron',
        other: wms.otherPatrons[2]!.barcode,
      },
      partnerSymbol: 'PARTNR',
      partnerAccount: wms.institutionalPatrons.PARTNR.barcode,
      defaultAccount: wms.institutionalPatrons.default.barcode,
      lendableItems: wms.lendableItems.filter((i) => i.branchId === home.branchId).map((i) => i.barcode),
      pickupLocation: home.branchId,
      otherPickupLocation: wms.branches.find((b) => b.branchId !== home.branchId)!.branchId,
      calendar,
    },
    libraryConfig: () => ({
      connection,
      settings: {
        borrowing: {
          illLocation: wms.illSettings.temporaryHoldingLocation,
          illFee: { amount: 0, feeType: wms.feeTypes.illFee },
          // WMS's loan policy for the good patron's category: the local rule the library states matches it.
          localLoanDays: 28,
        },
        lending: {
          borrowerIdentifiers: { map: { PARTNR: wms.institutionalPatrons.PARTNR.barcode }, defaultId: wms.institutionalPatrons.default.barcode },
        },
        calendar,
      },
      pickupLocations: [{ code: home.branchId, name: home.name, ilsLocationCode: home.branchId, active: true }],
    }),
  };
};
