import {
  alreadyDone,
  type CancelHoldInput,
  type CheckInInput,
  type CheckOutInput,
  type CirculationSystem,
  type Connection,
  configurationError,
  type DeleteTemporaryItemInput,
  type DueDateInput,
  done,
  type FeeInput,
  type HoldInput,
  type IlsCapabilities,
  type LendingHoldInput,
  type LocationInput,
  needsStaff,
  failedCheck,
  type Ownership,
  passedCheck,
  type PatronIllLoan,
  type PatronSummary,
  type PreflightCheck,
  type PreflightInput,
  skippedCheck,
  temporaryItemRequestId,
  type RestoreLocationInput,
  type SettingsProblem,
  type StepOutcome,
  findFreeBarcode,
  type TemporaryItemFound,
  type TemporaryItemInput,
  otherRequestHolding,
  type ItemCirculation,
  type ItemCirculationInput,
  shelfOf,
} from '@bookstrap/core';
import { holdGone, judgeRecordedHold, judgeUnrecordedHold, type SeenHold, sirsiHoldMarker } from '../holds.ts';
import { type HeldRecord, leftAlone, ownershipProblem } from '../ownership.ts';
import type { AdapterContext } from '../types.ts';
import {
  asRecord,
  dayOf,
  type FailedOutcome,
  keyOf,
  recordList,
  SirsiDynixClient,
  type SirsiDynixConnectionOptions,
  type SirsiRecord,
  type SirsiReply,
  wireDueDate,
} from './client.ts';

/**
 * A SirsiDynix ILS through its Web Services (Symphony ILSWS or Horizon ROA). What differs
 * between the products is data: where they live, how blocks show on a patron, and whether
 * `{*}` works inside a relation (not on Horizon, so every expansion names its fields).
 *
 *   lookupPatron        GET /user/patron/barcode/{id}: standing (Symphony) or blockList, expiry
 *   createTemporaryItem POST /catalog/bib with the call number and item in one record (Stanford's
 *                       v2 create), notes as item customInformation (CIRCNOTE, STAFF)
 *   placeHold           POST /circulation/holdRecord/placeHold, COPY hold on the item barcode,
 *                       comment "ILL <id>" — the user's hold on the item is this request's only
 *                       with that comment; any other is left alone (needs staff)
 *   checkOut            POST /circulation/circRecord/checkOut with the due date forced
 *   updateDueDate       POST /circulation/circRecord/renew with the due date (a staff renewal)
 *   checkIn             POST /circulation/circRecord/checkIn at the working library
 *   deleteTemporaryItem DELETE /catalog/item/key/{key} (the request's own hold cancelled first;
 *                       anyone else's hold keeps the item: needs staff), then the title
 *   temporary location  PUT /catalog/item/key/{key} currentLocation (Symphony only)
 *   placeLendingHold    placeHold for the borrowing library's account, comment "ILL lending <id>"
 *   chargeFee           no documented bill creation: configuration error, capability off
 *
 * Every step looks first, so a retry finds its own work (`already-done`) instead of repeating it —
 * except on a step's first run (`AdapterContext.firstRun`), when no earlier run can have left
 * anything: the title POST and the placeHold then go straight in (a receive is two calls), and a
 * refusal is read the long way.
 */
export interface SirsiDynixProduct {
  ils: 'symphony' | 'horizon';
  name: string;
  capabilities: IlsCapabilities;
  /** Symphony shows `standing` (OK/BLOCKED/BARRED); Horizon only the block list */
  standing: boolean;
}

/** "ILL request 1000017": the marker on a temporary item saying which request it stands for. */
const requestMarker = (requestId: string) => new RegExp(`\\bILL request ${requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);

type Found<T> = { found: true; value: T } | { found: false } | { failed: FailedOutcome };

/**
 * The ILS said no to the request itself (a taken barcode, a hold the user has, a prompt), not
 * "later": 4xx but a dead session, refused credentials or a rate limit.
 */
const refused = (reply: SirsiReply) => reply.status >= 400 && reply.status < 500 && reply.status !== 401 && reply.status !== 403 && reply.status !== 429;

/** Notes of an item as `{type, data}` from `customInformation{itemExtendedInformation,data}`. */
function notesOf(item: SirsiRecord): { type: string; data: string }[] {
  return recordList(item.fields.customInformation).map((entry) => ({
    type: keyOf(entry.fields.itemExtendedInformation) ?? '',
    data: String(entry.fields.data ?? ''),
  }));
}

/** Fields every item read asks for, each relation expanded by name (Horizon ignores `{*}`). */
const itemFields = [
  'barcode',
  'bib{title,author}',
  'library',
  'homeLocation',
  'currentLocation',
  'itemType',
  'customInformation{itemExtendedInformation,data}',
  'holdRecordList{status,patron{barcode},pickupLibrary,comment}',
  'circRecord{dueDate,patron{barcode}}',
].join(',');

/** Hold record statuses of a hold still waiting (Web Services `holdRecord.status`). */
const activeHoldStatuses = ['PLACED', 'BEING_HELD', 'TRANSIT'];

export class SirsiDynixWsAdapter implements CirculationSystem {
  readonly ils: 'symphony' | 'horizon';
  readonly capabilities: IlsCapabilities;
  readonly client: SirsiDynixClient;

  constructor(
    private readonly product: SirsiDynixProduct,
    options: SirsiDynixConnectionOptions,
    private readonly context: AdapterContext,
  ) {
    this.ils = product.ils;
    this.capabilities = product.capabilities;
    this.client = new SirsiDynixClient(options, context);
  }

  private get library() {
    return this.client.options.library;
  }

  private today(): string {
    return this.context.clock.now().toISOString().slice(0, 10);
  }

  // ---- lookups ---------------------------------------------------------------------------------

  private async item(barcode: string, what: string): Promise<Found<SirsiRecord>> {
    const reply = await this.client.call('GET', `/catalog/item/barcode/${encodeURIComponent(barcode)}`, { query: { includeFields: itemFields } });
    if (reply.status === 200) {
      const record = asRecord(reply.body);
      return record
        ? { found: true, value: record }
        : { failed: needsStaff(`the ILS answered ${what} with something that is not an item record`) as FailedOutcome };
    }
    if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound')) return { found: false };
    return { failed: this.client.failure(reply, what) };
  }

  private isOurs(item: SirsiRecord, requestId: string): boolean {
    return notesOf(item).some((note) => requestMarker(requestId).test(note.data));
  }

  private activeHolds(item: SirsiRecord) {
    return recordList(item.fields.holdRecordList)
      .filter((hold) => activeHoldStatuses.includes(String(hold.fields.status ?? '')))
      .map((hold) => ({
        key: hold.key ?? '',
        patronBarcode: String(asRecord(hold.fields.patron)?.fields.barcode ?? ''),
        comment: typeof hold.fields.comment === 'string' ? hold.fields.comment : undefined,
      }));
  }

  private charge(item: SirsiRecord): { patronBarcode: string; patronKey: string | undefined; dueDate: string | undefined } | undefined {
    const circ = asRecord(item.fields.circRecord);
    if (!circ) return undefined;
    const patron = asRecord(circ.fields.patron);
    return { patronBarcode: String(patron?.fields.barcode ?? ''), patronKey: patron?.key, dueDate: dayOf(circ.fields.dueDate) };
  }

  /**
   * Whether the charge is to the user with this ID: the circ record names its patron by barcode
   * (and key); another spelling of the ID is settled by reading the user (`/user/patron/barcode`).
   */
  private async chargedTo(charge: { patronBarcode: string; patronKey: string | undefined }, patronId: string, what: string): Promise<Found<boolean>> {
    if (charge.patronBarcode !== '' && charge.patronBarcode === patronId) return { found: true, value: true };
    const reply = await this.client.call('GET', `/user/patron/barcode/${encodeURIComponent(patronId)}`, { query: { includeFields: 'barcode' } });
    if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound')) return { found: true, value: false };
    if (reply.status !== 200) return { failed: this.client.failure(reply, what) };
    const patron = asRecord(reply.body);
    const barcode = typeof patron?.fields.barcode === 'string' ? patron.fields.barcode : undefined;
    const same =
      (patron?.key !== undefined && patron.key === charge.patronKey) || (barcode !== undefined && barcode === charge.patronBarcode && barcode !== '');
    return { found: true, value: same };
  }

  /** The facts `ownershipProblem` needs about an item and its charge, read from Web Services. */
  private held(item: SirsiRecord, requestId: string, what: string): HeldRecord {
    const charge = this.charge(item);
    return {
      barcode: String(item.fields.barcode ?? ''),
      carriesRequestNote: this.isOurs(item, requestId),
      loanIsTo: charge ? (patronId) => this.chargedTo(charge, patronId, what) : undefined,
    };
  }

  /**
   * The ILS sync's read over Web Services: one item read with its `currentLocation` (CHECKEDOUT,
   * HOLDS, INTRANSIT: Symphony's circulation states), `circRecord` (the charge and its due date)
   * and `holdRecordList` (PLACED, BEING_HELD on the hold shelf, TRANSIT), as ILSWS documents the
   * catalog/item resource (SirsiDynix Web Services, catalog item `includeFields`). Reads only.
   */
  async readItemCirculation(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>> {
    const what = `reading the circulation of ${input.itemBarcode}`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return done({ exists: false, status: 'other' });
    const charge = this.charge(item.value);
    const where = keyOf(item.value.fields.currentLocation);
    const status: ItemCirculation['status'] = charge
      ? 'on-loan'
      : where === 'HOLDS'
        ? 'hold-shelf'
        : where === 'INTRANSIT'
          ? 'in-transit'
          : where === 'MISSING' || where === 'LOST'
            ? 'other'
            : 'on-shelf';
    const reading: ItemCirculation = { exists: true, status };
    if (charge) {
      let toPatron: boolean | undefined;
      if (input.patronId) {
        const to = await this.chargedTo(charge, input.patronId, what);
        if ('failed' in to) return to.failed;
        toPatron = to.found && to.value;
      }
      reading.loan = { toPatron, dueDate: charge.dueDate };
    }
    if (input.patronId) {
      const hold = recordList(item.value.fields.holdRecordList).find(
        (h) =>
          String(asRecord(h.fields.patron)?.fields.barcode ?? '') === input.patronId &&
          ['PLACED', 'BEING_HELD', 'TRANSIT'].includes(String(h.fields.status ?? '')),
      );
      const holdStatus = String(hold?.fields.status ?? '');
      reading.holdForPatron = !hold ? 'none' : holdStatus === 'BEING_HELD' ? 'ready' : holdStatus === 'TRANSIT' ? 'in-transit' : 'pending';
    }
    return done(reading);
  }

  // ---- patrons ---------------------------------------------------------------------------------

  async lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    const fields = ['barcode', 'displayName', 'privilegeExpiresDate', 'blockList{block,comment,owed}', ...(this.product.standing ? ['standing'] : [])].join(
      ',',
    );
    const reply = await this.client.call('GET', `/user/patron/barcode/${encodeURIComponent(input.patronId)}`, { query: { includeFields: fields } });
    if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound')) {
      return needsStaff(`invalid patron id — ${this.product.name} has no user with the ID ${input.patronId}`);
    }
    if (reply.status !== 200) return this.client.failure(reply, `looking up patron ${input.patronId}`);
    const patron = asRecord(reply.body) ?? { fields: {} };
    const blocks = recordList(patron.fields.blockList).map((block) => String(block.fields.comment ?? keyOf(block.fields.block) ?? 'blocked'));
    const standing = keyOf(patron.fields.standing);
    const expiryDate = typeof patron.fields.privilegeExpiresDate === 'string' ? patron.fields.privilegeExpiresDate : undefined;
    const barred = standing !== undefined && standing !== 'OK';
    const status: PatronSummary['status'] =
      expiryDate !== undefined && expiryDate < this.today() ? 'expired' : barred || blocks.length > 0 ? 'blocked' : 'active';
    return done({
      patronId: input.patronId,
      name: typeof patron.fields.displayName === 'string' ? patron.fields.displayName : undefined,
      status,
      expiryDate,
      blocks: barred && blocks.length === 0 ? [`standing ${standing}`] : blocks,
      barcode: typeof patron.fields.barcode === 'string' ? patron.fields.barcode : undefined,
    });
  }

  // ---- borrowing -------------------------------------------------------------------------------

  async createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    const what = `creating temporary item ${input.barcode}`;
    // A step's first run: no earlier run can have left the item, so the one POST that makes title,
    // call number and item together goes first (the protocol minimum). Web Services check the whole
    // record before writing any of it, so a refusal (the barcode taken, most likely) leaves nothing:
    // the long way then looks the barcode up and says whose it is.
    let refusal: SirsiReply | undefined;
    if (this.context.firstRun) {
      const reply = await this.client.call('POST', '/catalog/bib', { json: this.titleRecord(input) });
      if (reply.status === 200 || reply.status === 201) return this.created(reply, input);
      if (!refused(reply)) return this.client.failure(reply, what);
      refusal = reply;
    }
    const existing = await this.item(input.barcode, what);
    if ('failed' in existing) return existing.failed;
    if (existing.found) {
      if (this.isOurs(existing.value, input.requestId)) {
        return alreadyDone(`item ${input.barcode} was already created for this request`, { itemId: existing.value.key ?? '' }, input.barcode);
      }
      // Never overwrite: the barcode belongs to another item. Suggest the first free variant.
      const suggestion = await this.freeBarcodeLike(input.barcode);
      return needsStaff(
        `barcode ${input.barcode} is already used by another item in ${this.product.name}`,
        suggestion ? `use barcode ${suggestion}` : undefined,
      );
    }
    // refused on the short way, and the barcode is free: the refusal was about something else
    if (refusal) return this.client.failure(refusal, what);
    const reply = await this.client.call('POST', '/catalog/bib', { json: this.titleRecord(input) });
    if (reply.status !== 200 && reply.status !== 201) return this.client.failure(reply, what);
    return this.created(reply, input);
  }

  private created(reply: SirsiReply, input: TemporaryItemInput): StepOutcome<{ itemId: string }> {
    const key = asRecord(reply.body)?.key ?? (reply.body as { '@key'?: string } | undefined)?.['@key'] ?? '';
    return done({ itemId: key }, input.barcode);
  }

  /** The shadowed title with its call number and the item, as one `/catalog/bib` record. */
  private titleRecord(input: TemporaryItemInput) {
    const note = (type: 'STAFF' | 'CIRCNOTE' | 'PUBLIC', data: string) => ({
      '@resource': '/catalog/item/customInformation',
      itemExtendedInformation: { '@resource': '/policy/itemExtendedInformation', '@key': type },
      data,
    });
    const subfield = (tag: string, inds: string, data: string) => ({ tag, inds, subfields: [{ code: 'a', data }] });
    const title = {
      '@resource': '/catalog/bib',
      catalogFormat: { '@resource': '/policy/catalogFormat', '@key': 'MARC' },
      // Temporary records stay out of the catalogue.
      shadowed: true,
      bib: {
        standard: 'MARC21',
        type: 'BIB',
        leader: '00000nam a2200000 a 4500',
        fields: [
          ...(input.author ? [subfield('100', '1 ', input.author)] : []),
          subfield('245', input.author ? '10' : '00', input.title),
          subfield('500', '  ', `Temporary record: ${input.note}`),
        ],
      },
      callList: [
        {
          '@resource': '/catalog/call',
          callNumber: `ILL ${input.requestId}`,
          classification: { '@resource': '/policy/classification', '@key': 'LC' },
          library: { '@resource': '/policy/library', '@key': this.library },
          itemList: [
            {
              '@resource': '/catalog/item',
              barcode: input.barcode,
              itemType: { '@resource': '/policy/itemType', '@key': input.itemPolicy ?? 'ILL' },
              homeLocation: { '@resource': '/policy/location', '@key': shelfOf(input) },
              customInformation: [
                // Circulation staff see the circ note at the desk; the staff notes say whose it is.
                note('CIRCNOTE', input.note),
                note('STAFF', `ILL request ${input.requestId}`),
                note('STAFF', `Lending library: ${input.lendingLibrary}`),
                ...(input.dueDate ? [note('STAFF', `Return to lender by ${input.dueDate}`)] : []),
                ...(input.inLibraryUseOnly ? [note('PUBLIC', 'Library use only')] : []),
              ],
            },
          ],
        },
      ],
    };
    return title;
  }

  /** There is no "next free barcode" call: ask the ILS about the core's suggestions. */
  private freeBarcodeLike(barcode: string): Promise<string | undefined> {
    return findFreeBarcode(barcode, async (candidate) => {
      const lookup = await this.item(candidate, 'checking a suggested barcode');
      return 'failed' in lookup ? undefined : lookup.found;
    });
  }

  private async hold(
    barcode: string,
    patronId: string,
    pickupLibrary: string,
    requestId: string,
    comment: string,
    what: string,
  ): Promise<StepOutcome<{ holdId?: string }>> {
    // A step's first run: the hold goes straight in (one call, by item and patron barcode). Web
    // Services refuse a second hold of a user on an item, so a refusal is read the long way: the
    // item's holds show whether this request's hold is there already; if not, the refusal stands.
    let refusal: SirsiReply | undefined;
    if (this.context.firstRun) {
      const reply = await this.placeHoldCall(barcode, patronId, pickupLibrary, comment);
      if (reply.status === 200) return this.placed(reply);
      if (!refused(reply)) return this.client.failure(reply, what);
      refusal = reply;
    }
    const item = await this.item(barcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${barcode} in ${this.product.name} to place the hold on`);
    const patronsHolds = this.activeHolds(item.value).filter((hold) => hold.patronBarcode === patronId);
    // Only the hold whose comment carries this request's ID is ours (SPEC §5): the same user's hold
    // made by another request (a second lending request of the same library for the same item) or
    // by staff is not, and claiming it would let this request's cancel-hold end that one.
    const mine = patronsHolds.find((hold) => hold.comment !== undefined && sirsiHoldMarker(requestId).test(hold.comment));
    if (mine) return alreadyDone('the patron already has this hold', { holdId: mine.key }, mine.key);
    const other = patronsHolds[0];
    if (other)
      return needsStaff(
        `${patronId} already has hold ${other.key} on ${barcode}, which request ${requestId} did not place (its comment ${other.comment ? `"${other.comment}"` : 'is empty'}, not "${comment.slice(0, 50)}"); ${this.product.name} takes no second hold of a user on an item, and that hold was left alone`,
        'if that hold may serve this request, resolve this step by hand; otherwise end the other hold at the desk, then retry',
      );
    if (refusal) return this.client.failure(refusal, what);
    const reply = await this.placeHoldCall(barcode, patronId, pickupLibrary, comment);
    if (reply.status !== 200) return this.client.failure(reply, what);
    return this.placed(reply);
  }

  private placed(reply: SirsiReply): StepOutcome<{ holdId?: string }> {
    const holdId = keyOf((reply.body as { holdRecord?: unknown } | undefined)?.holdRecord);
    return done(holdId ? { holdId } : {}, holdId);
  }

  /** `POST /circulation/holdRecord/placeHold`: a COPY hold on the item for the patron. */
  private placeHoldCall(barcode: string, patronId: string, pickupLibrary: string, comment: string): Promise<SirsiReply> {
    return this.client.call('POST', '/circulation/holdRecord/placeHold', {
      query: { includeFields: 'holdRecord{status}' },
      workingLibrary: true,
      json: {
        itemBarcode: barcode,
        patronBarcode: patronId,
        pickupLibrary: { resource: '/policy/library', key: pickupLibrary },
        holdType: 'COPY',
        holdRange: 'SYSTEM',
        recallStatus: 'STANDARD',
        // Web Services keep at most 50 characters of comment.
        comment: comment.slice(0, 50),
      },
    });
  }

  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    const comment = `ILL ${input.requestId}${input.inLibraryUseOnly ? ' library use only' : ''}`;
    return this.hold(
      input.itemBarcode,
      input.patronId,
      input.pickupLocation,
      input.requestId,
      comment,
      `placing a hold on ${input.itemBarcode} for patron ${input.patronId}`,
    );
  }

  /**
   * Reads the hold record back (`GET /circulation/holdRecord/key/{key}` with its status, item
   * barcode and patron barcode) and cancels it only while it is still this patron's active hold
   * on the item: `POST /circulation/holdRecord/cancelHold` with the hold record's key (SirsiDynix
   * Web Services "Circulation" API; /work/shared/reference/vendor-apis.md). Without a recorded key,
   * the item's active holds are searched for the patron's.
   */
  async cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `cancelling the hold on ${input.itemBarcode} for ${input.patronId}`;
    let verdict: ReturnType<typeof judgeRecordedHold>;
    if (input.holdId) {
      const reply = await this.client.call('GET', `/circulation/holdRecord/key/${encodeURIComponent(input.holdId)}`, {
        query: { includeFields: 'status,item{barcode},patron{barcode},comment' },
      });
      if (reply.status === 200) {
        const hold = asRecord(reply.body);
        const seen: SeenHold | undefined = hold && {
          id: hold.key ?? input.holdId,
          itemBarcode: String(asRecord(hold.fields.item)?.fields.barcode ?? ''),
          patronId: String(asRecord(hold.fields.patron)?.fields.barcode ?? ''),
          active: activeHoldStatuses.includes(String(hold.fields.status ?? '')),
          comment: typeof hold.fields.comment === 'string' ? hold.fields.comment : undefined,
        };
        verdict = judgeRecordedHold(input, seen, this.product.name);
      } else if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound'))
        verdict = judgeRecordedHold(input, undefined, this.product.name);
      else return this.client.failure(reply, what);
    } else {
      const item = await this.item(input.itemBarcode, what);
      if ('failed' in item) return item.failed;
      const held = item.found
        ? this.activeHolds(item.value).map(
            (h): SeenHold => ({ id: h.key, itemBarcode: input.itemBarcode, patronId: h.patronBarcode, active: true, comment: h.comment }),
          )
        : [];
      // The comment Bookstrap wrote tells this request's hold from the same user's other holds.
      verdict = judgeUnrecordedHold(input, held, this.product.name, true, sirsiHoldMarker);
    }
    if (verdict.kind === 'stop') return verdict.outcome;
    const reply = await this.client.call('POST', '/circulation/holdRecord/cancelHold', {
      workingLibrary: true,
      json: { holdRecord: { resource: '/circulation/holdRecord', key: verdict.hold.id } },
    });
    if (reply.status === 200 || reply.status === 204) return done({ cancelled: verdict.hold.id }, verdict.hold.id);
    if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound'))
      return holdGone(input, this.product.name, 'it was gone when the cancel arrived');
    return this.client.failure(reply, what);
  }

  async chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    return configurationError(
      `${this.product.name} Web Services document no way to create a bill (${input.feeType} for patron ${input.patronId}); charge it in the ILS`,
    );
  }

  // ---- loans -----------------------------------------------------------------------------------

  async checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: string }>> {
    const what = `checking out ${input.itemBarcode} to ${input.patronId}`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in ${this.product.name}`);
    const current = this.charge(item.value);
    if (current) {
      if (current.patronBarcode !== input.patronId) return needsStaff(`item ${input.itemBarcode} is already charged to another user`);
      // The same account, but Bookstrap charged it for another request (a charge has no ID here).
      const other = otherRequestHolding(input, undefined);
      if (other) return needsStaff(leftAlone.loanOfAnotherRequest(input.itemBarcode, input.patronId, other));
      return alreadyDone('the item was already charged to this account', current.dueDate ? { dueDate: current.dueDate } : {});
    }
    const reply = await this.client.call('POST', '/circulation/circRecord/checkOut', {
      query: { includeFields: 'circRecord{dueDate}' },
      workingLibrary: true,
      json: { itemBarcode: input.itemBarcode, patronBarcode: input.patronId, ...(input.dueDate ? { dueDate: wireDueDate(input.dueDate) } : {}) },
    });
    if (reply.status !== 200) return this.client.failure(reply, what);
    const circ = asRecord((reply.body as { circRecord?: unknown } | undefined)?.circRecord);
    const dueDate = dayOf(circ?.fields.dueDate);
    return done({ ...(circ?.key ? { loanId: circ.key } : {}), ...(dueDate ? { dueDate } : {}) }, circ?.key);
  }

  async updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: string }>> {
    const what = `changing the due date of ${input.itemBarcode} to ${input.dueDate}`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in ${this.product.name}`);
    const problem = await ownershipProblem(input.owner, this.held(item.value, input.requestId, what), true);
    if (problem) return problem;
    const current = this.charge(item.value);
    if (!current) return needsStaff(`item ${input.itemBarcode} is not charged, so there is no due date to change; set ${input.dueDate} at check-out`);
    if (current.dueDate === input.dueDate) return alreadyDone('the charge already has this due date', { dueDate: input.dueDate });
    const reply = await this.client.call('POST', '/circulation/circRecord/renew', {
      query: { includeFields: 'circRecord{dueDate}' },
      workingLibrary: true,
      json: { itemBarcode: input.itemBarcode, dueDate: wireDueDate(input.dueDate) },
    });
    if (reply.status !== 200) return this.client.failure(reply, what);
    const dueDate = dayOf(asRecord((reply.body as { circRecord?: unknown } | undefined)?.circRecord)?.fields.dueDate) ?? input.dueDate;
    if (dueDate !== input.dueDate) return needsStaff(`${what}: the ILS set ${dueDate} instead; check the charge`);
    return done({ dueDate });
  }

  async checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `checking in ${input.itemBarcode}`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return alreadyDone(`the item is no longer in ${this.product.name}`, {});
    const problem = await ownershipProblem(input.owner, this.held(item.value, input.requestId, what), false);
    if (problem) return problem;
    if (!this.charge(item.value)) return alreadyDone('not charged', { currentLocation: keyOf(item.value.fields.currentLocation) });
    const reply = await this.client.call('POST', '/circulation/circRecord/checkIn', {
      query: { includeFields: 'item{currentLocation}' },
      workingLibrary: true,
      json: { itemBarcode: input.itemBarcode },
    });
    if (reply.status !== 200) return this.client.failure(reply, what);
    const body = (reply.body ?? {}) as { currentStatus?: string; primaryAdvice?: string };
    return done({ ...(body.currentStatus ? { currentStatus: body.currentStatus } : {}), ...(body.primaryAdvice ? { advice: body.primaryAdvice } : {}) });
  }

  /**
   * Removes the request's temporary item (and the title made for it). A hold still waiting on it
   * goes first only when it is the request's own: the request's patron's, with the comment the
   * hold step wrote. Any other hold (another user's, the desk's) is not Bookstrap's to end, so the
   * item stays and staff decide: the simulated Web Services refuse to remove an item with holds
   * (engine ITEM_HAS_ACTIVITY), and a removal that went through would take those holds with it.
   */
  async deleteTemporaryItem(input: DeleteTemporaryItemInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `deleting temporary item ${input.itemBarcode}`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return alreadyDone(`no item with this barcode in ${this.product.name}`, {});
    // A real item that happens to carry this barcode is never deleted.
    if (!this.isOurs(item.value, input.requestId))
      return needsStaff(`item ${input.itemBarcode} is not the temporary item of request ${input.requestId}; not deleted`);
    if (this.charge(item.value)) return needsStaff(`temporary item ${input.itemBarcode} is still charged; check it in before it is deleted`);
    // The request's own hold still waiting (library use only) would block the removal: it goes.
    const holds = this.activeHolds(item.value);
    const ours = holds.filter(
      (hold) => hold.patronBarcode === input.patronId && hold.comment !== undefined && sirsiHoldMarker(input.requestId).test(hold.comment),
    );
    if (ours.length < holds.length)
      return needsStaff(
        `temporary item ${input.itemBarcode} has ${holds.length - ours.length} hold(s) request ${input.requestId} did not place (another user's or the desk's); Bookstrap ends no hold that is not its own, so the item and every hold on it were left alone`,
        'cancel or move those holds in the ILS (or keep the item), then retry this step or resolve it by hand',
      );
    for (const hold of ours) {
      const cancelled = await this.client.call('DELETE', `/circulation/holdRecord/key/${encodeURIComponent(hold.key)}`);
      if (cancelled.status !== 204 && cancelled.status !== 200) return this.client.failure(cancelled, `${what} (cancelling hold ${hold.key})`);
    }
    const key = item.value.key ?? '';
    const reply = await this.client.call('DELETE', `/catalog/item/key/${encodeURIComponent(key)}`);
    if (reply.status !== 204 && reply.status !== 200) return this.client.failure(reply, what);
    // The title was made for this item alone; a refusal leaves a shadowed title, nothing worse.
    const bibKey = key.split(':')[0];
    const title = bibKey ? await this.client.call('DELETE', `/catalog/bib/key/${encodeURIComponent(bibKey)}`) : undefined;
    return done({ itemKey: key, titleDeleted: title?.status === 204 });
  }

  async moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.capabilities.temporaryLocation)
      return configurationError(`${this.product.name} Web Services cannot move items to a temporary location; turn the setting off`);
    const what = `moving ${input.itemBarcode} to temporary location ${input.location}`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in ${this.product.name}`);
    if (keyOf(item.value.fields.currentLocation) === input.location) return alreadyDone('already in the temporary location', {});
    return this.setCurrentLocation(item.value, input.location, what);
  }

  async restorePermanentLocation(input: RestoreLocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.capabilities.temporaryLocation) return configurationError(`${this.product.name} Web Services cannot move items between locations`);
    const what = `restoring ${input.itemBarcode} to its permanent location`;
    const item = await this.item(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in ${this.product.name}`);
    const problem = await ownershipProblem(input.owner, this.held(item.value, input.requestId, what), false);
    if (problem) return problem;
    const home = keyOf(item.value.fields.homeLocation);
    const current = keyOf(item.value.fields.currentLocation);
    // Circulation states (CHECKEDOUT, INTRANSIT, HOLDS) are not temporary locations.
    if (!home || current === home || ['CHECKEDOUT', 'INTRANSIT', 'HOLDS'].includes(current ?? '')) return alreadyDone('already in its permanent location', {});
    return this.setCurrentLocation(item.value, home, what);
  }

  private async setCurrentLocation(item: SirsiRecord, location: string, what: string): Promise<StepOutcome<Record<string, unknown>>> {
    const reply = await this.client.call('PUT', `/catalog/item/key/${encodeURIComponent(item.key ?? '')}`, {
      query: { includeFields: 'currentLocation' },
      json: { resource: '/catalog/item', key: item.key, fields: { currentLocation: { resource: '/policy/location', key: location } } },
    });
    if (reply.status !== 200) return this.client.failure(reply, what);
    return done({ currentLocation: keyOf(asRecord(reply.body)?.fields.currentLocation) ?? location });
  }

  async placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    if (!input.itemBarcode) return needsStaff(`a lending hold on "${input.title}" needs the requested item's barcode`);
    return this.hold(
      input.itemBarcode,
      input.patronId,
      input.pickupLocation ?? this.library,
      input.requestId,
      `ILL lending ${input.requestId}`,
      `placing a hold on the requested item ${input.itemBarcode} for ${input.patronId}`,
    );
  }

  /**
   * Recovery from the patron's loans: the user's circ records, each item's notes expanded in the
   * same read; only items carrying Bookstrap's "ILL request {id}" note are kept.
   */
  async patronLoans(input: { patronId: string }): Promise<StepOutcome<PatronIllLoan[]>> {
    const what = `listing the loans of patron ${input.patronId}`;
    const reply = await this.client.call('GET', `/user/patron/barcode/${encodeURIComponent(input.patronId)}`, {
      query: { includeFields: 'circRecordList{dueDate,item{barcode,bib{title},customInformation{itemExtendedInformation,data}}}' },
    });
    if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound')) {
      return needsStaff(`invalid patron id — ${this.product.name} has no user with the ID ${input.patronId}`);
    }
    if (reply.status !== 200) return this.client.failure(reply, what);
    const found: PatronIllLoan[] = [];
    for (const circ of recordList(asRecord(reply.body)?.fields.circRecordList)) {
      const item = asRecord(circ.fields.item);
      if (!item) continue;
      const requestId = temporaryItemRequestId(notesOf(item).map((note) => note.data));
      const barcode = String(item.fields.barcode ?? '');
      if (!requestId || barcode === '') continue;
      found.push({ requestId, barcode, title: String(asRecord(item.fields.bib)?.fields.title ?? ''), dueDate: dayOf(circ.fields.dueDate) });
    }
    return done(found);
  }

  /**
   * Reads only: the staff login (every call needs its session), the working library, the test
   * patron and item, the pickup libraries and the ILL location, each a policy record Web Services
   * can read by key (`/policy/library/key/…`, `/policy/location/key/…`).
   */
  async preflight(input: PreflightInput): Promise<PreflightCheck[]> {
    const checks: PreflightCheck[] = [];
    const policy = async (kind: 'library' | 'location', code: string): Promise<{ exists: boolean } | { failed: FailedOutcome }> => {
      const reply = await this.client.call('GET', `/policy/${kind}/key/${encodeURIComponent(code)}`);
      if (reply.status === 200) return { exists: true };
      if (reply.status === 404 && reply.messages.some((m) => m.code === 'recordNotFound')) return { exists: false };
      return { failed: this.client.failure(reply, `reading ${kind} ${code}`) };
    };
    const working = await policy('library', this.library);
    if ('failed' in working) {
      checks.push(failedCheck('authenticate', working.failed.reason));
      for (const name of ['test-patron', 'test-item', 'pickup-locations', 'ill-location'] as const) {
        checks.push(skippedCheck(name, `not tried: ${this.product.name} did not accept the connection`));
      }
      return checks;
    }
    checks.push(
      working.exists
        ? passedCheck('authenticate', `staff login accepted; library ${this.library} exists`)
        : failedCheck('authenticate', `the login is accepted, but ${this.product.name} has no library ${this.library}`),
    );
    if (!input.testPatronId) checks.push(skippedCheck('test-patron', 'no test patron configured (settings.preflight.testPatronId)'));
    else {
      const patron = await this.lookupPatron({ patronId: input.testPatronId });
      checks.push(
        patron.kind === 'done'
          ? passedCheck('test-patron', `patron ${input.testPatronId}${patron.value.name ? ` (${patron.value.name})` : ''} found, ${patron.value.status}`)
          : failedCheck('test-patron', patron.reason),
      );
    }
    if (!input.testItemBarcode) checks.push(skippedCheck('test-item', 'no test item configured (settings.preflight.testItemBarcode)'));
    else {
      const item = await this.item(input.testItemBarcode, `reading test item ${input.testItemBarcode}`);
      if ('failed' in item) checks.push(failedCheck('test-item', item.failed.reason));
      else if (!item.found) checks.push(failedCheck('test-item', `${this.product.name} has no item with barcode ${input.testItemBarcode}`));
      else checks.push(passedCheck('test-item', `item ${input.testItemBarcode} found: ${String(asRecord(item.value.fields.bib)?.fields.title ?? 'untitled')}`));
    }
    const missing = async (kind: 'library' | 'location', codes: string[]): Promise<{ absent: string[] } | { failed: string }> => {
      const absent: string[] = [];
      for (const code of codes) {
        const found = await policy(kind, code);
        if ('failed' in found) return { failed: found.failed.reason };
        if (!found.exists) absent.push(code);
      }
      return { absent };
    };
    if (input.pickupLocations.length === 0) checks.push(skippedCheck('pickup-locations', 'the library has no active pickup locations'));
    else {
      const pickup = await missing('library', input.pickupLocations);
      if ('failed' in pickup) checks.push(failedCheck('pickup-locations', pickup.failed));
      else
        checks.push(
          pickup.absent.length === 0
            ? passedCheck('pickup-locations', `${this.product.name} has libraries ${input.pickupLocations.join(', ')}`)
            : failedCheck('pickup-locations', `${this.product.name} has no library ${pickup.absent.join(', ')} to pick up at`),
        );
    }
    const ill = await missing('location', input.illLocations);
    if ('failed' in ill) checks.push(failedCheck('ill-location', ill.failed));
    else
      checks.push(
        ill.absent.length === 0
          ? passedCheck('ill-location', `${this.product.name} has location ${input.illLocations.join(', ')}`)
          : failedCheck('ill-location', `${this.product.name} has no location ${ill.absent.join(', ')}`),
      );
    return checks;
  }

  /** Recovery without the strap: temporary items (ILL location) of titles containing the words. */
  async findTemporaryItems(query: { title: string }): Promise<TemporaryItemFound[]> {
    const words = query.title.replace(/[^\p{L}\p{N} ]+/gu, ' ').trim();
    if (words === '') return [];
    const reply = await this.client.call('GET', '/catalog/bib/search', {
      query: {
        q: `TITLE:${words}`,
        rw: '1',
        ct: '50',
        includeFields: 'title,callList{itemList{barcode,homeLocation,customInformation{itemExtendedInformation,data}}}',
      },
    });
    if (reply.status !== 200) return [];
    const found: TemporaryItemFound[] = [];
    for (const bib of recordList((reply.body as { result?: unknown } | undefined)?.result)) {
      for (const call of recordList(bib.fields.callList)) {
        for (const item of recordList(call.fields.itemList)) {
          const notes = notesOf(item);
          const marker = notes.map((note) => /\bILL request (\S+)/.exec(note.data)?.[1]).find(Boolean);
          if (!marker) continue;
          found.push({
            barcode: String(item.fields.barcode ?? ''),
            title: String(bib.fields.title ?? ''),
            note: notes.find((n) => n.type === 'CIRCNOTE')?.data,
            requestId: marker,
          });
        }
      }
    }
    return found;
  }
}

/** The Web Services part of a connection. */
export function sirsiDynixOptions(connection: Connection, defaultPath: string): SirsiDynixConnectionOptions {
  const base = (connection.baseUrl ?? '').replace(/\/+$/, '');
  return {
    // Accept either the host or the full webapp path.
    baseUrl: new URL(base || 'http://invalid').pathname.length > 1 ? base : `${base}${defaultPath}`,
    clientId: connection.credentials.clientId ?? '',
    login: connection.credentials.username ?? '',
    password: connection.credentials.password ?? '',
    library: connection.library ?? '',
    overridePrompts: connection.overridePrompts ?? [],
    overrideCode: connection.credentials.overrideCode,
  };
}

/** Configuration problems only the Web Services adapter knows about. */
export function sirsiDynixConnectionProblems(connection: Connection, product: string): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const c = connection.credentials;
  if (!connection.baseUrl) problems.push({ path: 'connection.baseUrl', message: `${product} Web Services need the webapp URL (e.g. https://host/symws)` });
  if (!c.clientId)
    problems.push({ path: 'connection.credentials.clientId', message: `${product} Web Services need the x-sirs-clientID configured for Bookstrap` });
  if (!c.username || !c.password)
    problems.push({ path: 'connection.credentials', message: `${product} Web Services need a staff login (username) and password` });
  if (!connection.library)
    problems.push({ path: 'connection.library', message: `${product} Web Services need the library Bookstrap works in (SD-Working-LibraryID)` });
  if ((connection.overridePrompts ?? []).length > 0 && !c.overrideCode) {
    problems.push({ path: 'connection.credentials.overrideCode', message: 'overridePrompts needs the override code to answer them with' });
  }
  return problems;
}
