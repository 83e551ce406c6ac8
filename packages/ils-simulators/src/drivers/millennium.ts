import { demo } from '../index.ts';
import {
  buildRequest,
  type InitiationHeader,
  type LookupItemResponse,
  type LookupUserResponse,
  type NcipRequest,
  type NcipService,
  type NcipSuccessResponse,
  parseResponse,
  profiles,
} from '@bookstrap/ncip';
import { annualDates } from './dates.ts';
import type { DriverFactory, DriverFetch, DriverTarget, FeeView, HoldView, IlsDriver, LocationView, TemporaryItemView } from './types.ts';

/**
 * Millennium has no REST API. Circulation staff are acted out through Innovative's NCIP
 * Responder (CheckInItem, CheckOutItem; the partner SCIDESK is a login at the Science Library,
 * for "checked in elsewhere"); the probe reads state through NCIP (LookupItem with the current
 * borrower and requesters, LookupUser with requested items) and the read-only Patron API
 * (`/PATRONAPI/{barcode}/dump`: money owed).
 */
const millennium = demo.millennium;

/** NCIP 2.02 elements the Millennium probe reads (LookupItem's ItemTransaction, LookupUser's RequestedItem). */
interface ItemTransaction {
  currentBorrower?: string;
  currentRequesters?: string[];
}
interface RequestedItem {
  itemId?: string;
  requestStatusType?: string;
  pickupLocation?: string;
}
type ItemLookup = LookupItemResponse & { itemTransaction?: ItemTransaction; requestId?: string };
type UserLookup = LookupUserResponse & { requestedItems?: RequestedItem[] };

class InnovativeNcip {
  constructor(
    private readonly url: string,
    private readonly toAgencyId: string,
    private readonly fetch: DriverFetch = globalThis.fetch,
  ) {}

  /** One NCIP message (the header is added); a Problem is `{ok: false}` with its words. */
  async send(
    request: { service: NcipService } & Record<string, unknown>,
    fromAgencyId = 'BOOKSTRAP',
  ): Promise<{ ok: true; response: NcipSuccessResponse } | { ok: false; problem: string }> {
    const header: InitiationHeader = { fromAgencyId, toAgencyId: this.toAgencyId };
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: buildRequest({ ...request, header } as unknown as NcipRequest, profiles.millennium),
    });
    const parsed = parseResponse(await response.text(), request.service);
    if (parsed.ok) return { ok: true, response: parsed.response };
    return { ok: false, problem: parsed.error.problems?.map((p) => `${p.problemType}${p.detail ? `: ${p.detail}` : ''}`).join('; ') ?? parsed.error.message };
  }

  async ok(request: { service: NcipService } & Record<string, unknown>, fromAgencyId?: string): Promise<NcipSuccessResponse> {
    const reply = await this.send(request, fromAgencyId);
    if (!reply.ok) throw new Error(`Millennium NCIP ${request.service} refused: ${reply.problem}`);
    return reply.response;
  }
}

/** Patron API lines `FIELD[pNN]=value<BR>` into field → values. */
function patronApiFields(html: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const raw of html.replace(/<[^>]+>/g, '\n').split('\n')) {
    const at = raw.indexOf('=');
    if (at <= 0) continue;
    const name = raw.slice(0, at).trim();
    fields.set(name, [...(fields.get(name) ?? []), raw.slice(at + 1).trim()]);
  }
  return fields;
}

const dayOf = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined);

function calendarOf(libraryCode: string) {
  const library = millennium.libraries.find((l) => l.code === libraryCode);
  return { closedWeekdays: library?.closedWeekdays ?? [], closedDates: annualDates(library?.annualClosedDates ?? []) };
}

/** A LookupItem Location (library name, location name) as the location code staff know it. */
function locationCode(names: { level?: number; value: string }[] | undefined): string {
  const library = millennium.libraries.find((l) => names?.some((n) => n.value === l.name))?.code;
  const shelf = names?.find((n) => n.level === 2)?.value ?? names?.at(-1)?.value;
  return millennium.locations.find((l) => (library === undefined || l.library === library) && l.name === shelf)?.code ?? shelf ?? '';
}

export function millenniumDriver(): DriverFactory {
  return (target: DriverTarget): IlsDriver => {
    const ncip = new InnovativeNcip(`${target.origin}${millennium.ncipPath}`, millennium.ncipAgencyId, target.fetch);
    const home = 'MAIN';
    const pickup = millennium.pickupLocations.find((location) => location.library === home)?.code ?? 'main';
    const illRuleDays = 21; // the seed's loan rule for the ILL item type; the library's local rule matches it
    /** The NCIP partner whose login sits at another branch than the ILL office. */
    const elsewhere = Object.keys(millennium.ncipPartners)[0] ?? 'SCIDESK';

    const lookupItem = async (barcode: string, elements: string[], extra: { currentBorrowerDesired?: boolean; currentRequestersDesired?: boolean } = {}) => {
      const reply = await ncip.send({ service: 'LookupItem', itemId: barcode, itemElementTypes: elements, ...extra });
      if (!reply.ok) {
        if (/unknown item/i.test(reply.problem)) return null;
        throw new Error(`Millennium NCIP LookupItem ${barcode} refused: ${reply.problem}`);
      }
      return reply.response as ItemLookup;
    };

    const desk = {
      async checkIn(barcode: string, at: 'pickup' | 'elsewhere' | 'home') {
        // The pickup library and the lent items' home are MAIN, where the ILL office's login works.
        const reply = await ncip.send({ service: 'CheckInItem', itemId: barcode }, at === 'elsewhere' ? elsewhere : 'BOOKSTRAP');
        if (!reply.ok && !/item not checked out/i.test(reply.problem)) throw new Error(`Millennium NCIP CheckInItem refused: ${reply.problem}`);
      },
      async checkOut(barcode: string, patronBarcode: string) {
        const out = (await ncip.ok({ service: 'CheckOutItem', userId: patronBarcode, itemId: barcode })) as Extract<
          NcipSuccessResponse,
          { service: 'CheckOutItem' }
        >;
        return { dueDate: dayOf(out.dateDue) ?? '' };
      },
      async renew(barcode: string, patronBarcode: string, dueDate: string) {
        // Millennium has no circulation REST API: the desk's renewal is played as NCIP RenewItem.
        const renewed = (await ncip.ok({ service: 'RenewItem', userId: patronBarcode, itemId: barcode, desiredDateDue: `${dueDate}T23:59:00Z` })) as Extract<
          NcipSuccessResponse,
          { service: 'RenewItem' }
        >;
        return { dueDate: dayOf(renewed.dateDue) ?? '' };
      },
    };

    const probe = {
      async item(barcode: string): Promise<TemporaryItemView | null> {
        const item = await lookupItem(barcode, ['Bibliographic Description', 'Circulation Status', 'Location', 'Item Use Restriction Type']);
        if (!item) return null;
        const bib = item.item.bibliographicDescription;
        // NCIP shows no item notes: the ILL request the item was accepted for, and the lender in Publisher, are what it shows.
        const notes = [item.requestId ? `ILL request ${item.requestId}` : '', bib?.publisher ? `Lending library: ${bib.publisher}` : ''].filter(Boolean);
        return {
          barcode,
          title: bib?.title ?? '',
          notes: notes.join(' | '),
          location: locationCode(item.item.locations?.[0]?.names),
          libraryUseOnly: (item.item.itemUseRestrictions ?? []).some((r) => /in library use only/i.test(r)),
          onLoan: item.item.circulationStatus === 'On Loan',
        };
      },
      async countItems(barcode: string) {
        return (await lookupItem(barcode, ['Circulation Status'])) ? 1 : 0;
      },
      async holds(barcode: string): Promise<HoldView[]> {
        const item = await lookupItem(barcode, ['Circulation Status'], { currentRequestersDesired: true });
        if (!item) return [];
        const transit = /in transit/i.test(item.item.circulationStatus ?? '');
        const holds: HoldView[] = [];
        for (const requester of item.itemTransaction?.currentRequesters ?? []) {
          const user = (await ncip.ok({ service: 'LookupUser', userId: requester, requestedItemsDesired: true })) as UserLookup;
          const requested = user.requestedItems?.find((r) => r.itemId === barcode);
          const status: HoldView['status'] = /available for pickup/i.test(requested?.requestStatusType ?? '') ? 'ready' : transit ? 'in-transit' : 'pending';
          holds.push({ patronId: requester, status, pickupLocation: requested?.pickupLocation ?? '' });
        }
        return holds;
      },
      async loan(barcode: string) {
        const item = await lookupItem(barcode, ['Circulation Status', 'Date Due'], { currentBorrowerDesired: true });
        const borrower = item?.itemTransaction?.currentBorrower;
        const dueDate = dayOf(item?.item.dateDue);
        return item && borrower && dueDate ? { patronId: borrower, dueDate } : null;
      },
      async fees(patronBarcode: string): Promise<FeeView[]> {
        // The Patron API shows only the total owed; Millennium's interfaces list no single charges.
        const page = await (target.fetch ?? globalThis.fetch)(`${target.origin}${millennium.patronApiPath}/${encodeURIComponent(patronBarcode)}/dump`);
        const owed = patronApiFields(await page.text()).get('MONEY OWED[p96]')?.[0] ?? '$0.00';
        const amount = Number(owed.replace(/[^0-9.]/g, ''));
        return amount > 0 ? [{ amount, feeType: '', comment: '' }] : [];
      },
      async location(barcode: string): Promise<LocationView> {
        const item = await lookupItem(barcode, ['Location']);
        if (!item) throw new Error(`Millennium has no item with barcode ${barcode}`);
        // LookupItem's Location elements: the Permanent one, and a Temporary one while the
        // responder has the item in its ILL check-out location (NCIP 2.02 LocationType).
        const of = (type: string) => item.item.locations?.find((l) => l.type.toLowerCase() === type);
        const temporary = of('temporary');
        return {
          permanentLocation: locationCode((of('permanent') ?? item.item.locations?.[0])?.names),
          temporaryLocation: temporary ? locationCode(temporary.names) : undefined,
        };
      },
    };

    return {
      ils: 'millennium',
      unsupported: [
        // Tipasa: charging the patron on shipped is Alma and WMS only.
        '@fees-on-shipped',
        // Lending holds: Horizon and Symphony only.
        '@lending-hold',
        // Millennium deletes the temporary item (WMS is the one that keeps it).
        '@retain-temporary-item',
        // Lost charges: Innovative's NCIP Responder offers no CreateUserFiscalTransaction and the
        // Patron API is read-only (PATRONAPI …/dump), so no API can put a charge on the account.
        '@lost-charges',
        // Millennium is NCIP only: AcceptItem items go where Innovative's NCIP responder is configured
        // to put them (no source documents it honouring AcceptItem's ItemOptionalFields/Location), and
        // no Millennium API (the Patron API is read-only) can move one after. Sierra does it over REST.
        '@shelving-location',
        // NCIP LookupItem shows the current loan only; the Patron API dumps the patron, not an item's
        // history: a pickup and return between two syncs is not told apart from an expired hold.
        '@loan-history',
      ],
      desk,
      probe,
      fixture: {
        patrons: {
          good: millennium.patrons.good.barcode,
          blocked: millennium.patrons.blocked.barcode,
          unknown: '23999999999999',
          other: millennium.otherPatrons[2]!.barcode,
          expired: millennium.patrons.expired.barcode,
        },
        partnerSymbol: 'PARTNR',
        partnerAccount: millennium.institutionalPatrons.PARTNR.barcode,
        defaultAccount: millennium.institutionalPatrons.default.barcode,
        lendableItems: millennium.lendableItems.filter((i) => i.library === home).map((i) => i.barcode),
        pickupLocation: pickup,
        otherPickupLocation: millennium.pickupLocations.find((l) => l.code !== pickup)!.code,
        calendar: calendarOf(home),
      },
      libraryConfig: () => ({
        connection: {
          ils: 'millennium',
          protocol: 'ncip',
          ncipUrl: `${target.origin}${millennium.ncipPath}`,
          ncip: { toAgencyId: millennium.ncipAgencyId, fromAgencyId: 'BOOKSTRAP' },
          credentials: {},
          library: home,
        },
        settings: {
          borrowing: { illLocation: millennium.illLocation, localLoanDays: illRuleDays },
          lending: {
            borrowerIdentifiers: {
              map: { PARTNR: millennium.institutionalPatrons.PARTNR.barcode },
              defaultId: millennium.institutionalPatrons.default.barcode,
            },
          },
          calendar: calendarOf(home),
        },
        pickupLocations: [{ code: pickup, name: 'Main Library', ilsLocationCode: pickup, active: true }],
      }),
    };
  };
}
