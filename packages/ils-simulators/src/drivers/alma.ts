import { demo } from '../index.ts';
import { annualDates } from './dates.ts';
import type { DriverFactory, DriverFetch, DriverTarget, FeeView, HoldView, IlsDriver, TemporaryItemView } from './types.ts';

/**
 * Alma, through the Alma REST API only (`/almaws/v1`, `Authorization: apikey …`, JSON on
 * request): circulation staff scan items in at a circulation desk and create loans; the probe
 * reads items, requests, loans and fees as an Alma client would.
 */
type Json = Record<string, any>;
const alma = demo.alma;

class AlmaApi {
  constructor(
    private readonly origin: string,
    private readonly apiKey: string,
    private readonly fetch: DriverFetch = globalThis.fetch,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    // Alma allows about 25 calls a second per institution; like any Alma client, wait and retry
    // on its 429 PER_SECOND_THRESHOLD rather than fail.
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.fetch(`${this.origin}/almaws/v1${path}`, {
        method,
        headers: { authorization: `apikey ${this.apiKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      if (response.status === 429 && attempt < 8) {
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
        continue;
      }
      return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
    }
  }

  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const { status, json } = await this.call(method, path, body);
    if (status >= 300) {
      const error = json.errorList?.error?.[0] ?? json.web_service_result?.errorList?.error?.[0];
      throw new Error(`Alma ${method} ${path} → ${status} ${error?.errorCode ?? ''} ${error?.errorMessage ?? JSON.stringify(json)}`);
    }
    return json;
  }

  /** `GET /items?item_barcode=` answers with a redirect to the item; fetch follows it. */
  async item(barcode: string): Promise<Json | null> {
    const { status, json } = await this.call('GET', `/items?item_barcode=${encodeURIComponent(barcode)}`);
    if (status === 400 || status === 404) return null;
    if (status >= 300) throw new Error(`Alma item lookup ${barcode} → ${status}`);
    return json;
  }

  async requireItem(barcode: string): Promise<Json> {
    const item = await this.item(barcode);
    if (!item) throw new Error(`Alma has no item with barcode ${barcode}`);
    return item;
  }
}

const itemPath = (item: Json) => `/bibs/${item.bib_data.mms_id}/holdings/${item.holding_data.holding_id}/items/${item.item_data.pid}`;

const holdStatus = (status: string): HoldView['status'] =>
  status === 'ON_HOLD_SHELF'
    ? 'ready'
    : status === 'IN_PROCESS'
      ? 'in-transit'
      : status === 'NOT_STARTED'
        ? 'pending'
        : status === 'CANCELLED'
          ? 'cancelled'
          : 'fulfilled';

function calendarOf(libraryCode: string) {
  const library = alma.libraries.find((l) => l.code === libraryCode);
  return { closedWeekdays: library?.closedWeekdays ?? [], closedDates: annualDates(library?.annualClosedDates ?? []) };
}

export function almaDriver(protocol: 'rest' | 'ncip'): DriverFactory {
  return (target: DriverTarget): IlsDriver => {
    const apiKey = target.credentials?.apiKey ?? alma.apiKey;
    const api = new AlmaApi(target.origin, apiKey, target.fetch);
    const home = 'MAIN';
    const other = alma.libraries.find((l) => l.code !== home)?.code ?? home;
    const calendar = calendarOf(home);
    const illPolicyDays = 21; // the Alma seed's loan rule for the ILL item policy; the library's local rule matches it

    const desk = {
      async checkIn(barcode: string, at: 'pickup' | 'elsewhere' | 'home') {
        const item = await api.requireItem(barcode);
        const library = at === 'elsewhere' ? other : at === 'home' ? item.item_data.library.value : home;
        await api.ok('POST', `${itemPath(item)}?op=scan&library=${library}&circ_desk=${alma.circDesks[library] ?? 'DEFAULT_CIRC_DESK'}`);
      },
      async checkOut(barcode: string, patronId: string) {
        const loan = await api.ok('POST', `/users/${encodeURIComponent(patronId)}/loans?item_barcode=${encodeURIComponent(barcode)}`, {
          circ_desk: { value: alma.circDesks[home] ?? 'DEFAULT_CIRC_DESK' },
          library: { value: home },
        });
        return { dueDate: String(loan.due_date).slice(0, 10) };
      },
      async renew(barcode: string, patronId: string, dueDate: string) {
        // Alma refuses to renew a borrowed resource-sharing item (401822); staff change the loan's
        // due date instead (Manage Patron Services → Change Due Date: the loan PUT).
        const item = await api.requireItem(barcode);
        const loans = await api.ok('GET', `${itemPath(item)}/loans`);
        const active = (loans.item_loan ?? []).find((l: Json) => l.loan_status === 'ACTIVE');
        if (!active) throw new Error(`Alma item ${barcode} is not on loan`);
        const changed = await api.ok('PUT', `/users/${encodeURIComponent(patronId)}/loans/${active.loan_id}`, { ...active, due_date: `${dueDate}T23:59:00Z` });
        return { dueDate: String(changed.due_date).slice(0, 10) };
      },
    };

    const probe = {
      async item(barcode: string): Promise<TemporaryItemView | null> {
        const item = await api.item(barcode);
        if (!item) return null;
        const d = item.item_data;
        return {
          barcode: d.barcode,
          title: item.bib_data.title,
          notes: [d.public_note, d.fulfillment_note, d.internal_note_1, d.internal_note_2, d.internal_note_3].filter(Boolean).join(' | '),
          location: d.location?.value ?? '',
          libraryUseOnly: d.policy?.value === alma.itemPolicies.libraryUseOnly,
          onLoan: d.process_type?.value === 'LOAN',
        };
      },
      async countItems(barcode: string) {
        // Alma keeps barcodes unique per institution: the lookup finds at most one.
        return (await api.item(barcode)) ? 1 : 0;
      },
      async holds(barcode: string): Promise<HoldView[]> {
        const item = await api.item(barcode);
        if (!item) return [];
        const list = await api.ok('GET', `${itemPath(item)}/requests`);
        return (list.user_request ?? []).map((r: Json) => ({
          patronId: r.user_primary_id,
          status: holdStatus(r.request_status),
          pickupLocation: r.pickup_location_library,
        }));
      },
      async loan(barcode: string) {
        const item = await api.item(barcode);
        if (!item) return null;
        const list = await api.ok('GET', `${itemPath(item)}/loans`);
        const active = (list.item_loan ?? []).find((l: Json) => l.loan_status === 'ACTIVE');
        return active ? { patronId: active.user_id, dueDate: String(active.due_date).slice(0, 10) } : null;
      },
      async fees(patronId: string): Promise<FeeView[]> {
        const list = await api.ok('GET', `/users/${encodeURIComponent(patronId)}/fees?status=ACTIVE`);
        return (list.fee ?? []).map((f: Json) => ({ amount: Number(f.original_amount), feeType: f.type?.value ?? '', comment: f.comment ?? '' }));
      },
      async location(barcode: string) {
        const item = await api.requireItem(barcode);
        const h = item.holding_data;
        return { permanentLocation: item.item_data.location.value, temporaryLocation: h.in_temp_location ? (h.temp_location?.value ?? undefined) : undefined };
      },
    };

    const connection = {
      ils: 'alma',
      protocol,
      baseUrl: `${target.origin}/almaws/v1`,
      credentials: { apiKey },
      library: home,
      circulationDesk: alma.circDesks[home] ?? 'DEFAULT_CIRC_DESK',
      institutionCode: alma.institutionCode,
      ...(protocol === 'ncip'
        ? { ncipUrl: `${target.origin}/view/NCIPServlet`, ncip: { toAgencyId: alma.institutionCode, applicationProfileType: alma.ncipPartnerCode } }
        : {}),
    };

    return {
      ils: protocol === 'rest' ? 'alma' : 'alma-ncip',
      // The lender's (strap) date reaches a desk check-out as the item's holding_data.due_back_date
      // over REST, as AcceptItem's DateForReturn over NCIP.
      unsupported: [
        '@lending-hold',
        '@retain-temporary-item',
        // Over NCIP, Alma shelves AcceptItem items at the resource-sharing partner's "Accept Item
        // default location" (its partner parameters; /work/shared/reference/ill-workflow.md §1.1):
        // no message sets it, so the library sets its shelving location on the partner in Alma.
        ...(protocol === 'ncip' ? ['@shelving-location'] : []),
        // Neither Alma's REST API (item loans list the current loan only; a user's requests in
        // history say HISTORY, not fulfilled or expired) nor NCIP shows who had an item last, so a
        // pickup and return between two syncs reads like an expired hold (and is said to be either).
        '@loan-history',
      ],
      desk,
      probe,
      fixture: {
        ...(protocol === 'rest' ? { shelvingLocation: 'RSHOLD' } : {}),
        patrons: {
          good: alma.patrons.good.primaryId,
          blocked: alma.patrons.blocked.primaryId,
          unknown: 'no.such.patron',
          other: alma.otherPatrons[2]!.primaryId,
          expired: alma.patrons.expired.primaryId,
        },
        partnerSymbol: 'PARTNR',
        partnerAccount: alma.institutionalPatrons.PARTNR.primaryId,
        defaultAccount: alma.institutionalPatrons.default.primaryId,
        lendableItems: alma.lendableItems.filter((i) => i.library === home).map((i) => i.barcode),
        pickupLocation: home,
        otherPickupLocation: alma.libraries.find((l) => l.code !== home)!.code,
        calendar,
      },
      libraryConfig: () => ({
        connection,
        settings: {
          borrowing: {
            illLocation: alma.illLocation,
            temporaryItemPolicy: alma.itemPolicies.interlibraryLoan,
            libraryUseOnlyItemPolicy: alma.itemPolicies.libraryUseOnly,
            illFee: { amount: 0, feeType: alma.feeTypes.illFee },
            localLoanDays: illPolicyDays,
          },
          lending: {
            borrowerIdentifiers: { map: { PARTNR: alma.institutionalPatrons.PARTNR.primaryId }, defaultId: alma.institutionalPatrons.default.primaryId },
          },
          calendar,
        },
        pickupLocations: [{ code: home, name: 'Main Library', ilsLocationCode: home, active: true }],
      }),
    };
  };
}
