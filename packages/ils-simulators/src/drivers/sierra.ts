import { demo } from '../index.ts';
import { annualDates } from './dates.ts';
import type { DriverFactory, DriverFetch, DriverTarget, FeeView, HoldView, IlsDriver, LocationView, TemporaryItemView } from './types.ts';

/**
 * Sierra, through the Sierra REST API only (`/iii/sierra-api/v6`, a client-credentials token):
 * circulation staff check items in by barcode at a statistics group (their desk) and out by
 * patron and item barcode; the probe reads items, holds, checkouts and fines as a Sierra client.
 * The library under test connects the default way: Innovative's NCIP responder, with Sierra REST
 * alongside for fees and locations.
 */
// biome-ignore lint/suspicious/noExplicitAny: Sierra bodies are read field by field, as a client does
type Json = Record<string, any>;
const sierra = demo.sierra;

class SierraApi {
  private token: string | undefined;

  constructor(
    private readonly origin: string,
    private readonly key: string,
    private readonly secret: string,
    private readonly fetch: DriverFetch = globalThis.fetch,
  ) {}

  private async authorize(): Promise<string> {
    const response = await this.fetch(`${this.origin}${sierra.basePath}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.key}:${this.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    if (response.status !== 200) throw new Error(`Sierra token → ${response.status} ${await response.text()}`);
    this.token = ((await response.json()) as { access_token: string }).access_token;
    return this.token;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    for (let attempt = 0; ; attempt += 1) {
      const token = this.token ?? (await this.authorize());
      const response = await this.fetch(`${this.origin}${sierra.basePath}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      // Tokens live an hour (of the simulator's clock, which scenarios move): ask again once.
      if (response.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
    }
  }

  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const { status, json } = await this.call(method, path, body);
    if (status >= 300)
      throw new Error(
        `Sierra ${method} ${path} → ${status} ${json.code ?? ''}/${json.specificCode ?? ''} ${json.description ?? json.name ?? JSON.stringify(json)}`,
      );
    return json;
  }

  async item(barcode: string): Promise<Json | null> {
    const list = await this.ok('GET', `/items?barcode=${encodeURIComponent(barcode)}&fields=id,bibIds,barcode,location,status,itemType,varFields`);
    return (list.entries?.[0] as Json | undefined) ?? null;
  }

  async requireItem(barcode: string): Promise<Json> {
    const item = await this.item(barcode);
    if (!item) throw new Error(`Sierra has no item with barcode ${barcode}`);
    return item;
  }

  async patronBarcode(patronLink: string): Promise<string> {
    const patron = await this.ok('GET', `/patrons/${String(patronLink).split('/').pop()}?fields=barcodes`);
    return patron.barcodes?.[0] ?? '';
  }
}

const last = (link: string) => String(link).split('/').pop() ?? '';

/** Hold status codes: 0 on hold; i, b, j ready for pickup (item, bib, volume hold); t in transit. */
const holdStatus = (code: string): HoldView['status'] => (code === 't' ? 'in-transit' : ['i', 'b', 'j'].includes(code) ? 'ready' : 'pending');

function calendarOf(libraryCode: string) {
  const library = sierra.libraries.find((l) => l.code === libraryCode);
  return { closedWeekdays: library?.closedWeekdays ?? [], closedDates: annualDates(library?.annualClosedDates ?? []) };
}

const statGroupOf = (library: string) => sierra.statGroups.find((group) => group.library === library)?.number ?? 1;

export function sierraDriver(): DriverFactory {
  return (target: DriverTarget): IlsDriver => {
    const key = target.credentials?.clientKey ?? sierra.clientKey;
    const secret = target.credentials?.clientSecret ?? sierra.clientSecret;
    const api = new SierraApi(target.origin, key, secret, target.fetch);
    const home = 'MAIN';
    const other = sierra.libraries.find((l) => l.code !== home)?.code ?? home;
    const pickup = sierra.pickupLocations.find((location) => location.library === home)?.code ?? 'main';
    // Where the seed shelves each item: Sierra shows one location, so "temporary" is "not there".
    const shelvedAt = new Map(
      [...sierra.lendableItems, sierra.referenceItem, sierra.libraryUseOnlyItem, sierra.checkedOutItem].map((i) => [i.barcode, i.location]),
    );
    const illRuleDays = 21; // the seed's loan rule for the ILL item type; the library's local rule matches it

    const desk = {
      async checkIn(barcode: string, at: 'pickup' | 'elsewhere' | 'home') {
        let library = at === 'elsewhere' ? other : home;
        if (at === 'home') {
          const item = await api.requireItem(barcode);
          library = sierra.locations.find((l) => l.code === (shelvedAt.get(barcode) ?? item.location?.code))?.library ?? home;
        }
        await api.ok('DELETE', `/items/checkouts/${encodeURIComponent(barcode)}?statgroup=${statGroupOf(library)}`);
      },
      async checkOut(barcode: string, patronBarcode: string) {
        const checkout = await api.ok('POST', '/patrons/checkout', { patronBarcode, itemBarcode: barcode, statgroup: statGroupOf(home) });
        const loan = await api.ok('GET', `/patrons/checkouts/${last(checkout.link)}`);
        return { dueDate: String(loan.dueDate).slice(0, 10) };
      },
      /**
       * A renewal at the desk: Sierra renews a checkout by its renewal rule
       * (`POST /v6/patrons/checkouts/{id}/renewal`, vendor-apis.md); no date can be asked for, so
       * the date the step wants is not sent. Resolves to the date Sierra gave.
       */
      /**
       * The seed's ILL item type renews only through the lender; a library whose ILL items the desk
       * may renew gives them a type like BOOK (28 days, 2 renewals): ItemPatch `itemType` over
       * `PUT /v6/items/{id}` (vendor-apis.md, Sierra "Temp item" ItemPatch).
       */
      async makeRenewable(barcode: string) {
        const item = await api.requireItem(barcode);
        await api.ok('PUT', `/items/${item.id}`, { itemType: sierra.itemTypes.BOOK });
      },
      async renew(barcode: string, patronBarcode: string) {
        const item = await api.requireItem(barcode);
        const checkout = (await api.ok('GET', `/items/${item.id}/checkouts`)).entries?.[0];
        if (!checkout) throw new Error(`Sierra: ${barcode} is not on loan`);
        const holder = await api.patronBarcode(checkout.patron);
        if (holder !== patronBarcode) throw new Error(`Sierra: ${barcode} is on loan to ${holder}, not ${patronBarcode}`);
        const renewed = await api.ok('POST', `/patrons/checkouts/${last(checkout.id)}/renewal`);
        return { dueDate: String(renewed.dueDate).slice(0, 10) };
      },
    };

    const probe = {
      async item(barcode: string): Promise<TemporaryItemView | null> {
        const item = await api.item(barcode);
        if (!item) return null;
        const bib = await api.ok('GET', `/bibs/${item.bibIds?.[0]}?fields=title`);
        const notes = (item.varFields ?? []).filter((f: Json) => f.fieldTag === 'x' || f.fieldTag === 'm').map((f: Json) => f.content);
        return {
          barcode: item.barcode,
          title: bib.title,
          notes: notes.join(' | '),
          location: item.location?.code ?? '',
          libraryUseOnly: item.itemType === sierra.itemTypes.LIBUSE || item.status?.code === 'o',
          onLoan: Boolean(item.status?.duedate),
        };
      },
      async countItems(barcode: string) {
        return (await api.ok('GET', `/items?barcode=${encodeURIComponent(barcode)}`)).total as number;
      },
      async holds(barcode: string): Promise<HoldView[]> {
        const item = await api.item(barcode);
        if (!item) return [];
        // Sierra keeps only holds still waiting; filled and cancelled ones are gone.
        const all = await api.ok('GET', '/patrons/holds?limit=2000&fields=id,record,patron,status,pickupLocation');
        const mine = (all.entries ?? []).filter((h: Json) => last(h.record) === item.id);
        return Promise.all(
          mine.map(async (h: Json) => ({
            patronId: await api.patronBarcode(h.patron),
            status: holdStatus(h.status?.code),
            pickupLocation: h.pickupLocation?.code ?? '',
          })),
        );
      },
      async loan(barcode: string) {
        const item = await api.item(barcode);
        if (!item) return null;
        const checkout = (await api.ok('GET', `/items/${item.id}/checkouts`)).entries?.[0];
        return checkout ? { patronId: await api.patronBarcode(checkout.patron), dueDate: String(checkout.dueDate).slice(0, 10) } : null;
      },
      async fees(patronBarcode: string): Promise<FeeView[]> {
        const patron = await api.ok('GET', `/patrons/find?varFieldTag=b&varFieldContent=${encodeURIComponent(patronBarcode)}&fields=id`);
        const fines = await api.ok('GET', `/patrons/${patron.id}/fines?limit=2000`);
        return (fines.entries ?? []).map((f: Json) => ({ amount: Number(f.itemCharge), feeType: f.chargeType?.code ?? '', comment: f.description ?? '' }));
      },
      async location(barcode: string): Promise<LocationView> {
        const item = await api.requireItem(barcode);
        const current = item.location?.code ?? '';
        const permanent = shelvedAt.get(barcode) ?? current;
        return { permanentLocation: permanent, temporaryLocation: current === permanent ? undefined : current };
      },
    };

    const connection = {
      ils: 'sierra',
      protocol: 'ncip',
      ncipUrl: `${target.origin}${sierra.ncipPath}`,
      ncip: { toAgencyId: sierra.ncipAgencyId, fromAgencyId: 'BOOKSTRAP' },
      baseUrl: `${target.origin}${sierra.basePath}`,
      credentials: { clientKey: key, clientSecret: secret },
      library: home,
    };

    return {
      ils: 'sierra',
      unsupported: [
        // Tipasa: charging the patron on shipped is Alma and WMS only.
        '@fees-on-shipped',
        // Lending holds: Horizon and Symphony only.
        '@lending-hold',
        // Sierra deletes the temporary item (WMS is the one that keeps it).
        '@retain-temporary-item',
        // Sierra REST v6 lists current checkouts only (GET /items/{id}/checkouts, vendor-apis.md);
        // a patron's reading history exists only for patrons who opted in, so no item's last loan can
        // be relied on: a pickup and return between two syncs is not told apart from an expired hold.
        '@loan-history',
        // (@shelving-location runs: AcceptItem makes the item, Sierra REST shelves it, PUT /v6/items/{id} location)
        // Sierra REST v6 charges (POST /patrons/{id}/fines/charge) and records payments
        // (PUT /patrons/{id}/fines/payment), but documents no waive or removal of a charge: recording
        // a payment would tell the bursar money came in. The office removes them in Sierra.
        '@fee-removal',
      ],
      desk,
      probe,
      fixture: {
        shelvingLocation: sierra.locations.find((l) => l.library === 'MAIN' && l.location === 'RSHOLD')?.code,
        patrons: {
          good: sierra.patrons.good.barcode,
          blocked: sierra.patrons.blocked.barcode,
          unknown: '22999999999999',
          other: sierra.otherPatrons[2]!.barcode,
          expired: sierra.patrons.expired.barcode,
        },
        partnerSymbol: 'PARTNR',
        partnerAccount: sierra.institutionalPatrons.PARTNR.barcode,
        defaultAccount: sierra.institutionalPatrons.default.barcode,
        lendableItems: sierra.lendableItems.filter((i) => i.library === home).map((i) => i.barcode),
        pickupLocation: pickup,
        otherPickupLocation: sierra.pickupLocations.find((l) => l.code !== pickup)!.code,
        calendar: calendarOf(home),
      },
      libraryConfig: () => ({
        connection,
        settings: {
          borrowing: {
            illLocation: sierra.illLocation,
            temporaryItemPolicy: String(sierra.itemTypes.ILL),
            libraryUseOnlyItemPolicy: String(sierra.itemTypes.LIBUSE),
            illFee: { amount: 0, feeType: sierra.manualChargeType },
            localLoanDays: illRuleDays,
          },
          lending: {
            // Sierra names the ILL institution account by barcode (Tipasa's rule, checked at configuration).
            borrowerIdentifiers: { map: { PARTNR: sierra.institutionalPatrons.PARTNR.barcode }, defaultId: sierra.institutionalPatrons.default.barcode },
          },
          calendar: calendarOf(home),
        },
        // Sierra's pickup location codes are its own (lower case); the service uses the same code.
        pickupLocations: [{ code: pickup, name: 'Main Library', ilsLocationCode: pickup, active: true }],
      }),
    };
  };
}
