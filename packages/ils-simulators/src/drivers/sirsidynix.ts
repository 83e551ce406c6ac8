import { demo } from '../index.ts';
import { annualDates } from './dates.ts';
import type { DriverFactory, DriverFetch, DriverTarget, FeeView, HoldView, IlsDriver, TemporaryItemView } from './types.ts';

/**
 * SirsiDynix Symphony and Horizon, through their own Web Services only (Symphony ILSWS under
 * `/symws`, Horizon ROA under `/hzws/v1`): a staff login with the site's client id, circulation
 * at the desk as WorkFlows/Horizon staff do it (discharge at a working library, charge to a
 * user — with the due date the ILL office wrote on the temporary item, as staff read it from the
 * item's notes), and reads of items, holds, charges and blocks. Every expansion names its fields,
 * because Horizon's ROA ignores `{*}` inside a relation.
 */
// biome-ignore lint/suspicious/noExplicitAny: Web Services bodies are read field by field, as the Alma driver does
type Json = Record<string, any>;
export type SirsiProduct = 'symphony' | 'horizon';

class WebServices {
  private token: string | undefined;

  constructor(
    private readonly base: string,
    private readonly credentials: { clientId: string; login: string; password: string },
    private readonly fetch: DriverFetch = globalThis.fetch,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'x-sirs-clientID': this.credentials.clientId,
      'SD-Originating-App-Id': 'BookstrapConformance',
      'User-Agent': 'bookstrap-conformance',
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...extra,
    };
  }

  private async login(): Promise<string> {
    const response = await this.fetch(`${this.base}/user/staff/login`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ login: this.credentials.login, password: this.credentials.password }),
    });
    const body = (await response.json()) as Json;
    if (response.status !== 200 || typeof body.sessionToken !== 'string')
      throw new Error(`Web Services staff login → ${response.status} ${JSON.stringify(body)}`);
    return body.sessionToken;
  }

  /** One call with a staff session; a timed-out session (the suite moves clocks) is renewed once. */
  async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
    for (let attempt = 0; ; attempt += 1) {
      this.token ??= await this.login();
      const response = await this.fetch(`${this.base}${path}`, {
        method,
        headers: this.headers({ 'x-sirs-sessionToken': this.token, ...extra }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const json = text ? (JSON.parse(text) as Json) : {};
      if (attempt === 0 && json.messageList?.[0]?.code === 'sessionTimedOut') {
        this.token = undefined;
        continue;
      }
      return { status: response.status, json };
    }
  }

  async ok(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Json> {
    const { status, json } = await this.call(method, path, body, extra);
    if (status >= 300) {
      const message = json.messageList?.[0];
      throw new Error(
        `${method} ${path} → ${status} ${message?.code ?? ''} ${message?.message ?? JSON.stringify(json)}${json.promptRequired ? ` (prompt ${json.dataMap?.promptType})` : ''}`,
      );
    }
    return json;
  }
}

const itemFields = [
  'barcode',
  'bib{title}',
  'library',
  'homeLocation',
  'currentLocation',
  'itemType',
  'customInformation{itemExtendedInformation,data}',
  'holdRecordList{status,patron{barcode},pickupLibrary}',
  'circRecord{dueDate,patron{barcode}}',
].join(',');

const circulationStates = new Set(['CHECKEDOUT', 'INTRANSIT', 'HOLDS', 'MISSING', 'LOST']);

const holdStatus = (status: string): HoldView['status'] =>
  status === 'BEING_HELD' ? 'ready' : status === 'TRANSIT' ? 'in-transit' : status === 'PLACED' ? 'pending' : 'fulfilled';

const notesOf = (item: Json): { type: string; data: string }[] =>
  (item.fields.customInformation ?? []).map((entry: Json) => ({
    type: entry.fields.itemExtendedInformation?.key ?? '',
    data: String(entry.fields.data ?? ''),
  }));

export function sirsiDynixDriver(product: SirsiProduct, protocol: 'ncip' | 'rest'): DriverFactory {
  return (target: DriverTarget): IlsDriver => {
    const sirsi = demo[product];
    const credentials = {
      clientId: target.credentials?.clientId ?? sirsi.clientId,
      login: target.credentials?.username ?? sirsi.staff.login,
      password: target.credentials?.password ?? sirsi.staff.password,
    };
    const ws = new WebServices(`${target.origin}${sirsi.basePath}`, credentials, target.fetch);
    const home = sirsi.illLibrary;
    const other = sirsi.libraries.find((library) => library.code !== home)?.code ?? home;
    const homeLibrary = sirsi.libraries.find((library) => library.code === home);
    const calendar = { closedWeekdays: homeLibrary?.closedWeekdays ?? [], closedDates: annualDates(homeLibrary?.annualClosedDates ?? []) };
    // The seed's loan rule for the ILL item type; the library's local rule matches it.
    const illItemTypeDays = 21;

    const item = async (barcode: string): Promise<Json | null> => {
      const { status, json } = await ws.call('GET', `/catalog/item/barcode/${encodeURIComponent(barcode)}?includeFields=${itemFields}`);
      if (status === 404) return null;
      if (status >= 300) throw new Error(`item ${barcode} → ${status} ${JSON.stringify(json)}`);
      return json;
    };
    const requireItem = async (barcode: string) => {
      const found = await item(barcode);
      if (!found) throw new Error(`${product} has no item with barcode ${barcode}`);
      return found;
    };

    const desk = {
      async checkIn(barcode: string, at: 'pickup' | 'elsewhere' | 'home') {
        const library = at === 'elsewhere' ? other : at === 'home' ? (await requireItem(barcode)).fields.library.key : home;
        await ws.ok('POST', '/circulation/circRecord/checkIn', { itemBarcode: barcode }, { 'SD-Working-LibraryID': library });
      },
      async checkOut(barcode: string, patronId: string) {
        // Staff charge a borrowed item until the date the ILL office wrote on it.
        const notes = notesOf(await requireItem(barcode));
        const returnBy = notes.map((note) => /Return to lender by (\d{4}-\d{2}-\d{2})/.exec(note.data)?.[1]).find(Boolean);
        const charged = await ws.ok(
          'POST',
          '/circulation/circRecord/checkOut?includeFields=circRecord{dueDate}',
          { itemBarcode: barcode, patronBarcode: patronId, ...(returnBy ? { dueDate: `${returnBy}T23:59:00Z` } : {}) },
          { 'SD-Working-LibraryID': home },
        );
        return { dueDate: String(charged.circRecord.fields.dueDate).slice(0, 10) };
      },
      async renew(barcode: string, _patronId: string, dueDate: string) {
        // The staff renewal wizard with a due date (ILSWS circulation/circRecord/renew).
        const renewed = await ws.ok(
          'POST',
          '/circulation/circRecord/renew?includeFields=circRecord{dueDate}',
          { itemBarcode: barcode, dueDate: `${dueDate}T23:59:00Z` },
          { 'SD-Working-LibraryID': home },
        );
        return { dueDate: String(renewed.circRecord.fields.dueDate).slice(0, 10) };
      },
    };

    const probe = {
      async item(barcode: string): Promise<TemporaryItemView | null> {
        const found = await item(barcode);
        if (!found) return null;
        const f = found.fields;
        return {
          barcode: f.barcode,
          title: f.bib?.fields?.title ?? '',
          notes: notesOf(found)
            .map((note) => note.data)
            .join(' | '),
          location: f.homeLocation?.key ?? '',
          libraryUseOnly: f.itemType?.key === sirsi.itemTypes.libraryUseOnly,
          onLoan: f.circRecord !== null && f.circRecord !== undefined,
        };
      },
      async countItems(barcode: string) {
        // Barcodes are unique in both products: the lookup finds at most one.
        return (await item(barcode)) ? 1 : 0;
      },
      async holds(barcode: string): Promise<HoldView[]> {
        const found = await item(barcode);
        if (!found) return [];
        return (found.fields.holdRecordList ?? []).map((hold: Json) => ({
          patronId: hold.fields.patron?.fields?.barcode ?? '',
          status: holdStatus(hold.fields.status),
          pickupLocation: hold.fields.pickupLibrary?.key ?? '',
        }));
      },
      async loan(barcode: string) {
        const circ = (await item(barcode))?.fields.circRecord;
        return circ ? { patronId: circ.fields.patron?.fields?.barcode ?? '', dueDate: String(circ.fields.dueDate).slice(0, 10) } : null;
      },
      async fees(patronId: string): Promise<FeeView[]> {
        const { status, json } = await ws.call('GET', `/user/patron/barcode/${encodeURIComponent(patronId)}?includeFields=blockList{block,amount,comment}`);
        if (status === 404) return [];
        return (json.fields?.blockList ?? [])
          .filter((block: Json) => Number(block.fields.amount?.amount ?? 0) > 0)
          .map((block: Json) => ({ amount: Number(block.fields.amount.amount), feeType: block.fields.block?.key ?? '', comment: block.fields.comment ?? '' }));
      },
      async location(barcode: string) {
        const f = (await requireItem(barcode)).fields;
        const current = f.currentLocation?.key;
        const permanentLocation = f.homeLocation?.key ?? '';
        return { permanentLocation, temporaryLocation: current && current !== permanentLocation && !circulationStates.has(current) ? current : undefined };
      },
    };

    const connection = {
      ils: product,
      protocol,
      baseUrl: `${target.origin}${sirsi.basePath}`,
      credentials: { clientId: credentials.clientId, username: credentials.login, password: credentials.password },
      library: home,
      ...(protocol === 'ncip' ? { ncipUrl: `${target.origin}${sirsi.ncip.path}`, ncip: { toAgencyId: sirsi.ncip.agencyId, fromAgencyId: 'BOOKSTRAP' } } : {}),
    };

    return {
      ils: protocol === 'ncip' ? product : `${product}-ws`,
      unsupported: [
        // Tipasa: charge patron on shipped is Alma and WMS only; no bill creation in either protocol.
        '@fees-on-shipped',
        // Lost charges: neither Web Services nor their NCIP 1.0 responder document creating a
        // bill (the ILSWS SDK only records payments on bills that exist), so none can be charged.
        '@lost-charges',
        // Both delete temporary items; keeping them is WMS's behaviour.
        '@retain-temporary-item',
        // Horizon Web Services cannot move an item; the ILL location of lent items is the NCIP
        // server's own check-out setting, so only over NCIP does Horizon shelve them there.
        ...(product === 'horizon' && protocol === 'rest' ? ['@temporary-location'] : []),
        // Over NCIP the responder creates AcceptItem items where its own configuration says (as
        // Alma's partner "Accept Item default location" and FOLIO mod-ncip's per-agency item
        // location do: /work/shared/reference/ill-workflow.md §1.1, §2.4); no SirsiDynix source
        // documents AcceptItem's ItemOptionalFields/Location being honoured.
        ...(protocol === 'ncip' ? ['@shelving-location'] : []),
        // No loan history of an item in what vendor-apis.md documents of Web Services (circRecord is
        // the current charge) or their NCIP: a pickup and return between two syncs is not told apart.
        '@loan-history',
      ],
      desk,
      probe,
      fixture: {
        ...(protocol === 'rest' ? { shelvingLocation: 'RSHOLD' } : {}),
        patrons: {
          good: sirsi.patrons.good.barcode,
          blocked: sirsi.patrons.blocked.barcode,
          unknown: `${sirsi.patrons.good.barcode.slice(0, 2)}999999999999`,
          other: sirsi.otherPatrons[2]!.barcode,
          expired: sirsi.patrons.expired.barcode,
        },
        partnerSymbol: 'PARTNR',
        partnerAccount: sirsi.institutionalPatrons.PARTNR.barcode,
        defaultAccount: sirsi.institutionalPatrons.default.barcode,
        // Both targets of a product share one simulator and the run's used-item list: every
        // lendable item is offered, the working library's first (any library's item can be charged at MAIN).
        lendableItems: [...sirsi.lendableItems.filter((i) => i.library === home), ...sirsi.lendableItems.filter((i) => i.library !== home)].map(
          (i) => i.barcode,
        ),
        pickupLocation: home,
        otherPickupLocation: sirsi.libraries.find((l) => l.code !== home)!.code,
        calendar,
      },
      libraryConfig: () => ({
        connection,
        settings: {
          borrowing: {
            illLocation: sirsi.illLocation,
            temporaryItemPolicy: sirsi.itemTypes.interlibraryLoan,
            libraryUseOnlyItemPolicy: sirsi.itemTypes.libraryUseOnly,
            localLoanDays: illItemTypeDays,
          },
          lending: {
            borrowerIdentifiers: { map: { PARTNR: sirsi.institutionalPatrons.PARTNR.barcode }, defaultId: sirsi.institutionalPatrons.default.barcode },
          },
          calendar,
        },
        pickupLocations: [{ code: home, name: homeLibrary?.name ?? home, ilsLocationCode: home, active: true }],
      }),
    };
  };
}
