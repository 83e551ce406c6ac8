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
  documentedCapabilities,
  done,
  type FeeInput,
  type HoldInput,
  type IlsCapabilities,
  type LendingHoldInput,
  type LocationInput,
  type Ownership,
  type RemoveFeeInput,
  type RestoreLocationInput,
  needsStaff,
  retryable,
  failedCheck,
  passedCheck,
  type PatronIllLoan,
  type PreflightCheck,
  type PreflightInput,
  skippedCheck,
  temporaryItemRequestId,
  type PatronSummary,
  type SettingsProblem,
  type StepOutcome,
  findFreeBarcode,
  type TemporaryItemInput,
  otherRequestHolding,
  type ItemCirculation,
  type ItemCirculationInput,
  shelfOf,
} from '@bookstrap/core';
import { holdGone, judgeRecordedHold, judgeUnrecordedHold, type SeenHold } from '../holds.ts';
import { type HeldRecord, leftAlone, ownershipProblem } from '../ownership.ts';
import type { AdapterContext, AdapterDefinition } from '../types.ts';
import {
  AlmaClient,
  type AlmaConnectionOptions,
  almaDueDate,
  bibNotValidCode,
  type Coded,
  type FailedOutcome,
  calendarDayOf,
  codeOf,
  duplicateRequestCode,
  escapeXml,
  holdingNotValidCode,
  noItemForBarcodeCode,
} from './client.ts';

/**
 * Alma through its REST API (`/almaws/v1`), as a real Alma integration does it (DCB's Alma
 * client is the model): temporary item = suppressed bib (XML) + holding (XML) + item (JSON);
 * item-level hold through the user's requests; loans by barcode with the due date PUT after;
 * returns by scan-in; lent items moved with the item's temp-location fields.
 *
 * Every operation is idempotent by looking first: an item that exists for this request, a hold
 * the patron already has, an item not on loan, an item already gone are all `already-done`.
 */

interface AlmaItem {
  bib_data?: { mms_id?: string; title?: string; author?: string | null };
  holding_data?: {
    holding_id?: string;
    in_temp_location?: boolean;
    temp_library?: Coded;
    temp_location?: Coded;
    [field: string]: unknown;
  };
  item_data?: {
    pid?: string;
    barcode?: string;
    base_status?: Coded;
    process_type?: Coded;
    library?: Coded;
    location?: Coded;
    internal_note_1?: string;
    internal_note_2?: string;
    fulfillment_note?: string;
    public_note?: string;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

interface AlmaLoan {
  loan_id?: string;
  user_id?: string;
  item_barcode?: string;
  due_date?: string;
  loan_status?: string;
  [field: string]: unknown;
}

type DueDateSet = { kind: 'done'; value: { dueDate?: string | undefined } } | FailedOutcome;

type Found<T> = { found: true; value: T } | { found: false } | { failed: FailedOutcome };

/** "ILL request 1000017 from LENDA": how the item says whose it is (the core writes the note). */
/** `createRecords` on the short way met a refusal: take the long way (lookups first). */
const barcodeTaken = Symbol('barcode taken');

const requestMarker = (requestId: string) => new RegExp(`\\bILL request ${requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);

function isOurs(item: AlmaItem, requestId: string): boolean {
  const notes = [item.item_data?.internal_note_1, item.item_data?.internal_note_2, item.item_data?.fulfillment_note, item.item_data?.public_note];
  return notes.some((note) => typeof note === 'string' && requestMarker(requestId).test(note));
}

export function almaOptions(connection: Connection): AlmaConnectionOptions {
  const base = (connection.baseUrl ?? '').replace(/\/+$/, '');
  return {
    // Accept either the API host or the full `…/almaws/v1` prefix.
    baseUrl: base.endsWith('/almaws/v1') ? base : `${base}/almaws/v1`,
    apiKey: connection.credentials.apiKey ?? '',
    library: connection.library ?? '',
    circulationDesk: connection.circulationDesk ?? 'DEFAULT_CIRC_DESK',
  };
}

export class AlmaRestAdapter implements CirculationSystem {
  readonly ils = 'alma' as const;
  readonly capabilities: IlsCapabilities;
  private readonly alma: AlmaClient;

  constructor(
    options: AlmaConnectionOptions,
    private readonly context: AdapterContext,
    capabilities: IlsCapabilities = documentedCapabilities.alma,
  ) {
    this.alma = new AlmaClient(options, context);
    this.capabilities = capabilities;
  }

  private get library() {
    return this.alma.options.library;
  }

  private today(): string {
    return this.context.clock.now().toISOString().slice(0, 10);
  }

  // ---- lookups ---------------------------------------------------------------------------------

  /** `GET /items?item_barcode=` (302 to the item); Alma's 401689 means no such barcode. */
  private async itemByBarcode(barcode: string, what: string): Promise<Found<AlmaItem>> {
    const reply = await this.alma.getFollowing('/items', { item_barcode: barcode });
    if (reply.status === 200) return { found: true, value: reply.body as AlmaItem };
    if (reply.errors.some((e) => e.code === noItemForBarcodeCode) || (reply.status === 404 && reply.errors.length === 0 && reply.text === '')) {
      return { found: false };
    }
    return { failed: this.alma.failure(reply, what) };
  }

  private itemPath(item: AlmaItem): string {
    return `/bibs/${item.bib_data?.mms_id}/holdings/${item.holding_data?.holding_id}/items/${item.item_data?.pid}`;
  }

  /** The item's active loan, from the item's own loan list. */
  private async activeLoanOf(item: AlmaItem, what: string): Promise<Found<AlmaLoan>> {
    const reply = await this.alma.call('GET', `${this.itemPath(item)}/loans`);
    if (reply.status !== 200) return { failed: this.alma.failure(reply, what) };
    const loans = listOf<AlmaLoan>(reply.body, 'item_loan');
    const active = loans.find((loan) => (loan.loan_status ?? 'ACTIVE') === 'ACTIVE');
    return active ? { found: true, value: active } : { found: false };
  }

  /** The user's primary id, so a loan can be matched whichever identifier we were given. */
  private async primaryIdOf(patronId: string, what: string): Promise<Found<string>> {
    const reply = await this.alma.call('GET', `/users/${encodeURIComponent(patronId)}`, { query: { user_id_type: 'all_unique', view: 'brief' } });
    if (reply.status !== 200) return { failed: this.alma.failure(reply, what) };
    const primary = (reply.body as { primary_id?: string }).primary_id;
    return primary ? { found: true, value: primary } : { found: false };
  }

  /** Is this loan to the given patron, by whichever identifier we were given? */
  private async loanIsTo(loan: AlmaLoan, patronId: string, what: string): Promise<Found<boolean>> {
    if (loan.user_id === patronId) return { found: true, value: true };
    const primary = await this.primaryIdOf(patronId, what);
    if ('failed' in primary) return primary;
    return { found: true, value: primary.found && loan.user_id === primary.value };
  }

  /** The facts `ownershipProblem` needs about an item and its active loan, read from Alma. */
  private held(item: AlmaItem, loan: AlmaLoan | undefined, requestId: string, what: string): HeldRecord {
    return {
      barcode: item.item_data?.barcode ?? '',
      carriesRequestNote: isOurs(item, requestId),
      loanIsTo: loan ? (patronId) => this.loanIsTo(loan, patronId, what) : undefined,
    };
  }

  // ---- CirculationSystem -----------------------------------------------------------------------

  /**
   * The ILS sync's read: the item (`process_type` LOAN / HOLDSHELF / TRANSIT), its active loan
   * (`GET …/items/{pid}/loans`) and its requests (`GET …/items/{pid}/requests`: ON_HOLD_SHELF,
   * IN_PROCESS on the way to pickup, NOT_STARTED waiting) — the Alma Bibs API's item, item-loan and
   * item-request reads (developers.exlibrisgroup.com/alma/apis/bibs/). Reads only.
   */
  async readItemCirculation(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>> {
    const what = `reading the circulation of ${input.itemBarcode}`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return done({ exists: false, status: 'other' });
    const process = item.value.item_data?.process_type;
    const code = (process as Coded)?.value ?? undefined;
    const status: ItemCirculation['status'] =
      code === 'LOAN' ? 'on-loan' : code === 'HOLDSHELF' ? 'hold-shelf' : code === 'TRANSIT' ? 'in-transit' : code ? 'other' : 'on-shelf';
    const loan = await this.activeLoanOf(item.value, what);
    if ('failed' in loan) return loan.failed;
    const reading: ItemCirculation = { exists: true, status };
    let primary: string | undefined;
    const isPatron = async (userId: string | undefined): Promise<boolean | { failed: FailedOutcome }> => {
      if (!input.patronId || !userId) return false;
      if (userId === input.patronId) return true;
      if (primary === undefined) {
        const found = await this.primaryIdOf(input.patronId, what);
        if ('failed' in found) return found;
        primary = found.found ? found.value : '';
      }
      return userId === primary;
    };
    if (loan.found) {
      const to = input.patronId ? await isPatron(loan.value.user_id) : undefined;
      if (typeof to === 'object') return to.failed;
      reading.loan = { toPatron: to, dueDate: calendarDayOf(loan.value.due_date) };
    }
    if (input.patronId) {
      const requests = await this.alma.call('GET', `${this.itemPath(item.value)}/requests`);
      if (requests.status !== 200) return this.alma.failure(requests, what);
      reading.holdForPatron = 'none';
      for (const request of listOf<{ user_primary_id?: string; request_status?: string; request_type?: string }>(requests.body, 'user_request')) {
        if (request.request_type !== undefined && request.request_type !== 'HOLD') continue;
        const mine = await isPatron(request.user_primary_id);
        if (typeof mine === 'object') return mine.failed;
        if (!mine) continue;
        reading.holdForPatron = request.request_status === 'ON_HOLD_SHELF' ? 'ready' : request.request_status === 'IN_PROCESS' ? 'in-transit' : 'pending';
      }
    }
    return done(reading);
  }

  async lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    const reply = await this.alma.call('GET', `/users/${encodeURIComponent(input.patronId)}`, {
      query: { user_id_type: 'all_unique', view: 'full', expand: 'none' },
    });
    if (reply.status !== 200) return this.alma.failure(reply, `looking up patron ${input.patronId}`);
    const user = reply.body as {
      primary_id?: string;
      full_name?: string;
      first_name?: string;
      last_name?: string;
      status?: Coded;
      user_group?: Coded;
      expiry_date?: string;
      user_block?: { block_status?: string; block_description?: Coded; block_type?: Coded }[];
      user_identifier?: { id_type?: Coded; value?: string }[];
    };
    const blocks = (user.user_block ?? [])
      .filter((block) => (block.block_status ?? 'ACTIVE') === 'ACTIVE')
      .map((block) => block.block_description?.desc ?? block.block_type?.desc ?? codeOf(block.block_type) ?? 'blocked');
    const expiryDate = calendarDayOf(user.expiry_date);
    const inactive = codeOf(user.status) !== '' && codeOf(user.status) !== 'ACTIVE';
    const status: PatronSummary['status'] =
      expiryDate !== undefined && expiryDate < this.today() ? 'expired' : blocks.length > 0 || inactive ? 'blocked' : 'active';
    const barcode = user.user_identifier?.find((id) => codeOf(id.id_type) === 'BARCODE')?.value;
    return done({
      patronId: user.primary_id ?? input.patronId,
      name: user.full_name ?? ([user.first_name, user.last_name].filter(Boolean).join(' ') || undefined),
      status,
      expiryDate,
      blocks: inactive && blocks.length === 0 ? ['account inactive'] : blocks,
      barcode,
      // Alma's user group is what its patron type is (automation rules match it)
      ...(codeOf(user.user_group) ? { patronType: codeOf(user.user_group) } : {}),
    });
  }

  async createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    const what = `creating temporary item ${input.barcode}`;
    // Bibs made here whose undo failed: they stay in Alma with the request's 035 marker.
    const left: string[] = [];
    return this.leftBehind(await this.createOrReuse(input, what, left), input, left);
  }

  private async createOrReuse(input: TemporaryItemInput, what: string, left: string[]): Promise<StepOutcome<{ itemId: string }>> {
    // A step's first run: no earlier run can have left a bib or an item, so the protocol minimum
    // (bib, holding, item: three calls) goes first; Alma refusing the barcode sends us the long way.
    if (this.context.firstRun) {
      const created = await this.createRecords(input, what, { undoOnBarcodeTaken: true, left });
      if (created !== barcodeTaken) return created;
    }
    const existing = await this.itemByBarcode(input.barcode, what);
    if ('failed' in existing) return existing.failed;
    if (existing.found) {
      if (isOurs(existing.value, input.requestId)) {
        return alreadyDone(`item ${input.barcode} was already created for this request`, { itemId: existing.value.item_data?.pid ?? '' }, input.barcode);
      }
      // Never overwrite: the barcode belongs to another item. Suggest the first free variant.
      const suggestion = await this.freeBarcodeLike(input.barcode);
      return needsStaff(`barcode ${input.barcode} is already used by another item in Alma`, suggestion ? `use barcode ${suggestion}` : undefined);
    }

    const created = await this.createRecords(input, what, { undoOnBarcodeTaken: false, left });
    return created === barcodeTaken ? needsStaff(`barcode ${input.barcode} is already used by another item in Alma`) : created;
  }

  /**
   * A create that ends without the item but with a bib its undo could not delete names that bib.
   * A retry of the step finds it by its 035 marker and reuses it, and delete-temporary-item removes
   * every bib with the marker; but if the step is skipped, resolved by hand or the request ends,
   * the core runs no delete for an item it never made (plan.ts readiness), so the outcome staff
   * read (history, needs-attention) says exactly what is left in Alma.
   */
  private leftBehind(outcome: StepOutcome<{ itemId: string }>, input: TemporaryItemInput, left: string[]): StepOutcome<{ itemId: string }> {
    if (left.length === 0 || outcome.kind === 'done' || outcome.kind === 'already-done') return outcome;
    const marker = `(BOOKSTRAP)${input.requestId}-${input.barcode}`;
    const bibs = left.join(', ');
    const note = `; Bookstrap could not delete the bib it had just made (MMS id ${bibs}, 035 ${marker}), so it is still in Alma: a retry of this step reuses it, otherwise delete bib ${bibs} in Alma`;
    return { ...outcome, reason: `${outcome.reason}${note}` };
  }

  /**
   * Best-effort removal of a holding and bib just made (or reused), kept in `left` while the bib
   * is still in Alma and taken off once it is gone.
   */
  private async undoBib(mmsId: string, holdingId: string | undefined, left: string[]): Promise<void> {
    let gone = false;
    try {
      if (holdingId) await this.alma.call('DELETE', `/bibs/${mmsId}/holdings/${holdingId}`, { query: { override: true } });
      const bib = await this.alma.call('DELETE', `/bibs/${mmsId}`, { query: { override: true } });
      gone = bib.status === 204 || bib.status === 200 || bib.errors.some((e) => e.code === bibNotValidCode);
    } catch {
      // a lost answer: the bib may still be there, so it is reported
    }
    const at = left.indexOf(mmsId);
    if (gone && at >= 0) left.splice(at, 1);
    if (!gone && at < 0) left.push(mmsId);
  }

  /**
   * Bib (marked with the request in an 035), holding, item. On a later run the marker finds the
   * bib and holding a run that died half-way left, so no second bib is made.
   */
  private async createRecords(
    input: TemporaryItemInput,
    what: string,
    options: { undoOnBarcodeTaken: boolean; left: string[] },
  ): Promise<StepOutcome<{ itemId: string }> | typeof barcodeTaken> {
    const marker = `(BOOKSTRAP)${input.requestId}-${input.barcode}`;
    const location = shelfOf(input);
    let mmsId: string | undefined;
    let holdingId: string | undefined;
    if (!options.undoOnBarcodeTaken) {
      const earlier = await this.alma.call('GET', '/bibs', { query: { other_system_id: marker, view: 'brief' } });
      if (earlier.status !== 200) return this.alma.failure(earlier, what);
      mmsId = listOf<{ mms_id?: string }>(earlier.body, 'bib')[0]?.mms_id;
    }
    if (mmsId) {
      const holdings = await this.alma.call('GET', `/bibs/${mmsId}/holdings`);
      if (holdings.status !== 200) return this.alma.failure(holdings, what);
      holdingId = listOf<{ holding_id?: string }>(holdings.body, 'holding')[0]?.holding_id;
    } else {
      const bib = await this.alma.call('POST', '/bibs', { query: { validate: false }, xml: bibXml(input, marker) });
      if (bib.status !== 200 && bib.status !== 201) return this.alma.failure(bib, what);
      mmsId = (bib.body as { mms_id?: string } | undefined)?.mms_id ?? /<mms_id>(\d+)<\/mms_id>/.exec(bib.text)?.[1];
      if (!mmsId) return needsStaff(`Alma created a bib for ${input.barcode} but returned no MMS id`);
    }
    if (!holdingId) {
      const holding = await this.alma.call('POST', `/bibs/${mmsId}/holdings`, { xml: holdingXml(this.library, location) });
      if (holding.status !== 200 && holding.status !== 201) {
        // No orphan bib on a refusal; one the undo cannot remove is named in the outcome.
        await this.undoBib(mmsId, undefined, options.left);
        return this.alma.failure(holding, what);
      }
      holdingId = (holding.body as { holding_id?: string } | undefined)?.holding_id ?? /<holding_id>(\d+)<\/holding_id>/.exec(holding.text)?.[1];
      if (!holdingId) {
        if (!options.left.includes(mmsId)) options.left.push(mmsId);
        return needsStaff(`Alma created a holding for ${input.barcode} but returned no holding id`);
      }
    }

    const itemData: Record<string, unknown> = {
      barcode: input.barcode,
      physical_material_type: { value: 'BOOK' },
      base_status: { value: '1' },
      description: `ILL ${input.requestId}`,
      public_note: input.inLibraryUseOnly ? 'Library use only' : '',
      fulfillment_note: input.note,
      internal_note_1: input.note,
      internal_note_2: `Lending library: ${input.lendingLibrary}`,
      internal_note_3: input.dueDate ? `Due ${input.dueDate}` : '',
      library: { value: this.library },
      location: { value: location },
    };
    if (input.itemPolicy) itemData.policy = { value: input.itemPolicy };
    // The patron's due date goes on the item as Alma's due-back date, so a desk check-out cannot
    // silently give the local loan period instead (the stricter date wins).
    const holdingData = input.dueDate ? { due_back_date: `${input.dueDate}Z` } : undefined;
    const item = await this.alma.call('POST', `/bibs/${mmsId}/holdings/${holdingId}/items`, {
      json: { ...(holdingData ? { holding_data: holdingData } : {}), item_data: itemData },
    });
    if (item.status !== 200 && item.status !== 201) {
      await this.undoBib(mmsId, holdingId, options.left);
      // A refusal on the short way (the barcode is taken, most likely: Alma's code for it is not
      // documented) is read on the long way, which looks the barcode up and says whose it is.
      if (options.undoOnBarcodeTaken && item.status >= 400 && item.status < 500 && item.status !== 429) return barcodeTaken;
      return this.alma.failure(item, what);
    }
    const pid = (item.body as AlmaItem | undefined)?.item_data?.pid ?? '';
    return done({ itemId: pid }, input.barcode);
  }

  /** There is no "next free barcode" call: ask the ILS about the core's suggestions. */
  private freeBarcodeLike(barcode: string): Promise<string | undefined> {
    return findFreeBarcode(barcode, async (candidate) => {
      const lookup = await this.itemByBarcode(candidate, 'checking a suggested barcode');
      return 'failed' in lookup ? undefined : lookup.found;
    });
  }

  async placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    const what = `placing a hold on ${input.itemBarcode} for patron ${input.patronId}`;
    // The item's pid from the step that created it (one call fewer: no barcode lookup and its 302).
    let pid = input.itemId;
    if (!pid) {
      const item = await this.itemByBarcode(input.itemBarcode, what);
      if ('failed' in item) return item.failed;
      if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in Alma to place the hold on`);
      pid = item.value.item_data?.pid ?? '';
    }
    // No look for an existing hold first: `allow_same_request=false` makes Alma refuse a second one
    // (401136), which is the idempotency check in the same round trip.
    const reply = await this.alma.call('POST', `/users/${encodeURIComponent(input.patronId)}/requests`, {
      query: { user_id_type: 'all_unique', item_pid: pid, allow_same_request: false },
      json: {
        request_type: 'HOLD',
        pickup_location_type: 'LIBRARY',
        pickup_location_library: input.pickupLocation,
        comment: `ILL request ${input.requestId}${input.inLibraryUseOnly ? ' (library use only)' : ''}`,
      },
    });
    if (reply.status === 200 || reply.status === 201) {
      const holdId = (reply.body as { request_id?: string } | undefined)?.request_id;
      return done(holdId === undefined ? {} : { holdId }, holdId);
    }
    if (reply.errors.some((e) => e.code === duplicateRequestCode)) {
      // Already placed (an earlier run whose answer was lost): name the hold for the history.
      const existing = await this.alma.call('GET', `/users/${encodeURIComponent(input.patronId)}/requests`, {
        query: { user_id_type: 'all_unique', request_type: 'HOLD', status: 'active', limit: 100 },
      });
      if (existing.status !== 200) return this.alma.failure(existing, `${what} (reading the patron's holds)`);
      const onItem = listOf<{ request_id?: string; item_id?: string; barcode?: string; comment?: string | null }>(existing.body, 'user_request').filter(
        (request) => request.item_id === pid || request.barcode === input.itemBarcode,
      );
      // Ours only when its comment names this request (SPEC §5): a hold the desk or another request
      // placed is not, and claiming it would let this request's cancel-hold end it.
      const mine = onItem.find((request) => typeof request.comment === 'string' && requestMarker(input.requestId).test(request.comment));
      if (mine) return alreadyDone('the patron already has this hold', mine.request_id ? { holdId: mine.request_id } : {}, mine.request_id);
      const other = onItem[0];
      return needsStaff(
        `patron ${input.patronId} already has ${other ? `hold ${other.request_id ?? ''} ` : 'a hold '}on ${input.itemBarcode}`.replace('  ', ' ') +
          ` that request ${input.requestId} did not place (${other ? (other.comment ? `its comment is "${other.comment}"` : 'it has no comment') : "Alma refused a second one but it is not among the patron's active holds"}); Alma takes no second hold of a patron on an item, and that hold was left alone`,
        'if that hold may serve this request, resolve this step by hand; otherwise cancel it in Alma, then retry',
      );
    }
    if (input.itemId && reply.status >= 400 && reply.status < 500 && reply.status !== 429) {
      // The pid we were handed is stale (staff replaced the item): find it by barcode after all.
      return this.placeHold({ ...input, itemId: undefined });
    }
    return this.alma.failure(reply, what);
  }

  async chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    const what = `charging ${input.feeType} to patron ${input.patronId}`;
    // The comment names the request and the kind of charge: the same comment means the same fee.
    for (const status of ['ACTIVE', 'CLOSED', 'INDISPUTE']) {
      const list = await this.alma.call('GET', `/users/${encodeURIComponent(input.patronId)}/fees`, { query: { user_id_type: 'all_unique', status } });
      if (list.status !== 200) return this.alma.failure(list, what);
      const same = listOf<{ id?: string; comment?: string; type?: Coded }>(list.body, 'fee').find(
        (fee) => fee.comment === input.comment && codeOf(fee.type) === input.feeType,
      );
      if (same) return alreadyDone('this fee was already charged', same.id === undefined ? {} : { feeId: same.id }, same.id);
    }
    const fee: Record<string, unknown> = {
      type: { value: input.feeType },
      original_amount: input.amount,
      owner: { value: this.library },
      comment: input.comment,
    };
    if (input.itemBarcode) fee.barcode = { value: input.itemBarcode };
    const reply = await this.alma.call('POST', `/users/${encodeURIComponent(input.patronId)}/fees`, { query: { user_id_type: 'all_unique' }, json: fee });
    if (reply.status !== 200 && reply.status !== 201) return this.alma.failure(reply, what);
    const feeId = (reply.body as { id?: string } | undefined)?.id;
    return done(feeId === undefined ? {} : { feeId }, feeId);
  }

  /**
   * Waives the fee this request charged (Alma Users API: `POST /users/{user_id}/fees/{fee_id}
   * ?op=waive&amount=ALL&reason=…`, https://developers.exlibrisgroup.com/alma/apis/docs/users/
   * UE9TVCAvYWxtYXdzL3YxL3VzZXJzL3t1c2VyX2lkfS9mZWVzL3tmZWVfaWR9/). Ownership first: the fee
   * is read by the id its charge recorded, and must be this patron's and carry the request's own
   * comment — any other fee (the patron's overdue fine, another request's charge) is left alone.
   */
  async removeFee(input: RemoveFeeInput): Promise<StepOutcome<{ feeId: string; status?: string }>> {
    const what = `removing the ${input.feeType} charge of patron ${input.patronId}`;
    if (!input.feeId) {
      return needsStaff(
        `the charge step recorded no Alma fee id, so which fee is this request's cannot be known; nothing was waived`,
        `waive the ${input.feeType} charge "${input.comment}" of patron ${input.patronId} in Alma by hand`,
      );
    }
    const path = `/users/${encodeURIComponent(input.patronId)}/fees/${encodeURIComponent(input.feeId)}`;
    const read = await this.alma.call('GET', path, { query: { user_id_type: 'all_unique' } });
    if (read.status !== 200) return this.alma.failure(read, what);
    const fee = read.body as { id?: string; comment?: string; type?: Coded; status?: Coded; balance?: number };
    if (fee.comment !== input.comment || codeOf(fee.type) !== input.feeType) {
      return needsStaff(leftAlone.notThisRequestsFee(input.feeId, input.patronId, input.requestId));
    }
    const status = codeOf(fee.status);
    if (status !== 'ACTIVE' || !(Number(fee.balance) > 0))
      return alreadyDone(`the fee is ${status || 'settled'} in Alma`, { feeId: input.feeId, status }, input.feeId);
    const waived = await this.alma.call('POST', path, {
      query: { user_id_type: 'all_unique', op: 'waive', amount: 'ALL', reason: 'OTHER', comment: `${input.reason} (ILL request ${input.requestId})` },
    });
    if (waived.status !== 200) return this.alma.failure(waived, what);
    return done({ feeId: input.feeId, status: codeOf((waived.body as { status?: Coded }).status) }, input.feeId);
  }

  async checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: string }>> {
    const what = `checking out ${input.itemBarcode} to ${input.patronId}`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in Alma`);

    const current = await this.activeLoanOf(item.value, what);
    if ('failed' in current) return current.failed;
    if (current.found) {
      const primary = await this.primaryIdOf(input.patronId, what);
      if ('failed' in primary) return primary.failed;
      const sameBorrower = current.value.user_id === input.patronId || (primary.found && current.value.user_id === primary.value);
      if (!sameBorrower) return needsStaff(`item ${input.itemBarcode} is already on loan to another patron`);
      // The same account, but Bookstrap made that loan for another request: not this one's to date or claim.
      const other = otherRequestHolding(input, current.value.loan_id);
      if (other) return needsStaff(leftAlone.loanOfAnotherRequest(input.itemBarcode, input.patronId, other));
      const due = await this.setDueDate(current.value, input.dueDate, what);
      if (due.kind !== 'done') return due;
      return alreadyDone('the item was already on loan to this account', { loanId: current.value.loan_id, dueDate: due.value.dueDate }, current.value.loan_id);
    }

    const reply = await this.alma.call('POST', `/users/${encodeURIComponent(input.patronId)}/loans`, {
      query: { user_id_type: 'all_unique', item_barcode: input.itemBarcode },
      json: { circ_desk: { value: this.alma.options.circulationDesk }, library: { value: this.library } },
    });
    if (reply.status !== 200 && reply.status !== 201) return this.alma.failure(reply, what);
    const loan = reply.body as AlmaLoan;
    // Alma applies its loan policy; a requested date is PUT on the loan afterwards. A PUT due date
    // is taken as given, so the account's expiry cap (SPEC §3 L2) is Bookstrap's to apply.
    const wanted = await this.cappedAtExpiry(input.patronId, input.dueDate, what);
    if ('failed' in wanted) return wanted.failed;
    const due = await this.setDueDate(loan, wanted.dueDate, what);
    if (due.kind !== 'done') return due;
    return done({ loanId: loan.loan_id, dueDate: due.value.dueDate }, loan.loan_id);
  }

  /** A lending due date no later than the borrowing library account's `expiry_date`. */
  private async cappedAtExpiry(
    patronId: string,
    dueDate: string | undefined,
    what: string,
  ): Promise<{ dueDate: string | undefined } | { failed: FailedOutcome }> {
    if (dueDate === undefined) return { dueDate };
    const reply = await this.alma.call('GET', `/users/${encodeURIComponent(patronId)}`, { query: { user_id_type: 'all_unique', view: 'brief' } });
    if (reply.status !== 200) return { failed: this.alma.failure(reply, what) };
    const expiry = calendarDayOf((reply.body as { expiry_date?: string }).expiry_date);
    return { dueDate: expiry !== undefined && expiry < dueDate ? expiry : dueDate };
  }

  /** Puts a due date on a loan unless it already has it; no date wanted: the policy date stands. */
  private async setDueDate(loan: AlmaLoan, dueDate: string | undefined, what: string): Promise<DueDateSet> {
    const current = calendarDayOf(loan.due_date);
    if (dueDate === undefined || current === dueDate) return { kind: 'done', value: current === undefined ? {} : { dueDate: current } };
    const reply = await this.alma.call('PUT', `/users/${encodeURIComponent(loan.user_id ?? '')}/loans/${loan.loan_id}`, {
      json: { ...loan, due_date: almaDueDate(dueDate) },
    });
    if (reply.status !== 200) return this.alma.failure(reply, `${what} (setting due date ${dueDate})`);
    return { kind: 'done', value: { dueDate: calendarDayOf((reply.body as AlmaLoan | undefined)?.due_date) ?? dueDate } };
  }

  async updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: string }>> {
    const what = `changing the due date of ${input.itemBarcode} to ${input.dueDate}`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in Alma`);
    const loan = await this.activeLoanOf(item.value, what);
    if ('failed' in loan) return loan.failed;
    const problem = await ownershipProblem(input.owner, this.held(item.value, loan.found ? loan.value : undefined, input.requestId, what), true);
    if (problem) return problem;
    if (!loan.found) return needsStaff(`item ${input.itemBarcode} is not on loan, so there is no due date to change; set ${input.dueDate} at check-out`);
    if (calendarDayOf(loan.value.due_date) === input.dueDate) return alreadyDone('the loan already has this due date', { dueDate: input.dueDate });
    const set = await this.setDueDate(loan.value, input.dueDate, what);
    if (set.kind !== 'done') return set;
    return done({ dueDate: set.value.dueDate ?? input.dueDate }, loan.value.loan_id);
  }

  /**
   * What Alma shows before a check-in: the item gone or not on loan (already done), a record not
   * the request's (needs staff), or the item to scan in. Also used by Alma in NCIP mode, whose
   * responder offers no LookupItem to tell "on the shelf" from "on loan to someone else".
   */
  async checkInVerdict(input: CheckInInput): Promise<{ stop: StepOutcome<Record<string, unknown>> } | { item: AlmaItem }> {
    const what = `checking in ${input.itemBarcode}`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return { stop: item.failed };
    if (!item.found) return { stop: alreadyDone('the item is no longer in Alma', {}) };
    const onLoan = codeOf(item.value.item_data?.process_type) === 'LOAN';
    if (input.owner) {
      const loan = onLoan ? await this.activeLoanOf(item.value, what) : { found: false as const };
      if ('failed' in loan) return { stop: loan.failed };
      const problem = await ownershipProblem(input.owner, this.held(item.value, loan.found ? loan.value : undefined, input.requestId, what), false);
      if (problem) return { stop: problem };
    }
    if (!onLoan) return { stop: alreadyDone('not on loan', { processType: codeOf(item.value.item_data?.process_type) || 'in place' }) };
    return { item: item.value };
  }

  async checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `checking in ${input.itemBarcode}`;
    const verdict = await this.checkInVerdict(input);
    if ('stop' in verdict) return verdict.stop;
    const item = { value: verdict.item };
    const reply = await this.alma.call('POST', this.itemPath(item.value), {
      query: { op: 'scan', library: this.library, circ_desk: this.alma.options.circulationDesk, done: false },
    });
    if (reply.status !== 200) return this.alma.failure(reply, what);
    const scanned = reply.body as AlmaItem & { additional_info?: string };
    return done({
      processType: codeOf(scanned.item_data?.process_type) || 'in place',
      ...(scanned.additional_info ? { additionalInfo: scanned.additional_info } : {}),
    });
  }

  async deleteTemporaryItem(input: DeleteTemporaryItemInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `deleting temporary item ${input.itemBarcode}`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    let itemId: string | undefined;
    if (item.found) {
      // A real item that happens to carry this barcode is never deleted.
      if (!isOurs(item.value, input.requestId)) {
        return needsStaff(leftAlone.notTemporaryItem(input.itemBarcode, input.requestId));
      }
      itemId = item.value.item_data?.pid;
      // `override=true` deletes an item with requests and ends them with it. Only the request's own
      // hold (its comment names the request) may go that way; anyone else's hold on the temporary
      // item (another patron's, the desk's) keeps the item, and staff decide.
      const requests = await this.alma.call('GET', `${this.itemPath(item.value)}/requests`);
      if (requests.status !== 200) return this.alma.failure(requests, `${what} (reading its requests)`);
      const others = listOf<{ request_id?: string; comment?: string | null }>(requests.body, 'user_request').filter(
        (request) => !(typeof request.comment === 'string' && requestMarker(input.requestId).test(request.comment)),
      );
      if (others.length > 0)
        return needsStaff(
          `temporary item ${input.itemBarcode} has ${others.length} request(s) request ${input.requestId} did not place (another patron's or the desk's: ${others.map((r) => r.request_id ?? '?').join(', ')}); Bookstrap ends no request that is not its own, so the item and its requests were left alone`,
          'cancel or move those requests in Alma (or keep the item), then retry this step or resolve it by hand',
        );
      const reply = await this.alma.call('DELETE', this.itemPath(item.value), { query: { override: true, holdings: 'delete' } });
      if (reply.status !== 204 && reply.status !== 200) return this.alma.failure(reply, what);
    }
    // Done means nothing of the temporary record is left: the bib (and any holding) made for it is
    // found by its 035 marker even when an earlier attempt already removed the item.
    const marker = `(BOOKSTRAP)${input.requestId}-${input.itemBarcode}`;
    const left = await this.alma.call('GET', '/bibs', { query: { other_system_id: marker, view: 'brief' } });
    if (left.status !== 200) return this.alma.failure(left, `${what} (looking for its bib)`);
    const bibs = listOf<{ mms_id?: string }>(left.body, 'bib').flatMap((b) => (b.mms_id ? [b.mms_id] : []));
    for (const mmsId of bibs) {
      const holdings = await this.alma.call('GET', `/bibs/${mmsId}/holdings`);
      if (holdings.status !== 200 && !holdings.errors.some((e) => e.code === bibNotValidCode)) return this.alma.failure(holdings, what);
      for (const holding of holdings.status === 200 ? listOf<{ holding_id?: string }>(holdings.body, 'holding') : []) {
        const removed = await this.alma.call('DELETE', `/bibs/${mmsId}/holdings/${holding.holding_id}`, { query: { override: true } });
        // 60213: the holding went with its last item.
        if (removed.status !== 204 && removed.status !== 200 && !removed.errors.some((e) => e.code === holdingNotValidCode)) {
          return this.alma.failure(removed, `${what} (deleting holding ${holding.holding_id})`);
        }
      }
      const bib = await this.alma.call('DELETE', `/bibs/${mmsId}`, { query: { override: true } });
      if (bib.status !== 204 && bib.status !== 200 && !bib.errors.some((e) => e.code === bibNotValidCode)) {
        return this.alma.failure(bib, `${what} (deleting temporary bib ${mmsId})`);
      }
    }
    const after = await this.alma.call('GET', '/bibs', { query: { other_system_id: marker, view: 'brief' } });
    if (after.status !== 200) return this.alma.failure(after, `${what} (checking its bib is gone)`);
    const still = listOf<{ mms_id?: string }>(after.body, 'bib');
    if (still.length > 0) return retryable(`temporary bib ${still[0]?.mms_id} of ${input.itemBarcode} is still in Alma`);
    if (!item.found && bibs.length === 0) return alreadyDone('nothing of the temporary item is left in Alma', {});
    return done({ ...(itemId ? { itemId } : {}), bibsDeleted: bibs });
  }

  async moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `moving ${input.itemBarcode} to temporary location ${input.location}`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in Alma`);
    const holding = item.value.holding_data ?? {};
    if (holding.in_temp_location && codeOf(holding.temp_location) === input.location && codeOf(holding.temp_library) === this.library) {
      return alreadyDone('already in the temporary location', {});
    }
    const updated: AlmaItem = {
      ...item.value,
      holding_data: { ...holding, in_temp_location: true, temp_library: { value: this.library }, temp_location: { value: input.location } },
    };
    const reply = await this.alma.call('PUT', this.itemPath(item.value), { json: updated });
    if (reply.status !== 200) return this.alma.failure(reply, what);
    return done({ temporaryLocation: input.location });
  }

  async restorePermanentLocation(input: RestoreLocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `restoring ${input.itemBarcode} to its permanent location`;
    const item = await this.itemByBarcode(input.itemBarcode, what);
    if ('failed' in item) return item.failed;
    if (!item.found) return needsStaff(`no item with barcode ${input.itemBarcode} in Alma`);
    if (input.owner && codeOf(item.value.item_data?.process_type) === 'LOAN') {
      const loan = await this.activeLoanOf(item.value, what);
      if ('failed' in loan) return loan.failed;
      const problem = await ownershipProblem(input.owner, this.held(item.value, loan.found ? loan.value : undefined, input.requestId, what), false);
      if (problem) return problem;
    }
    const holding = item.value.holding_data ?? {};
    if (!holding.in_temp_location) return alreadyDone('already in its permanent location', {});
    const updated: AlmaItem = {
      ...item.value,
      holding_data: { ...holding, in_temp_location: false, temp_library: { value: null }, temp_location: { value: null } },
    };
    const reply = await this.alma.call('PUT', this.itemPath(item.value), { json: updated });
    if (reply.status !== 200) return this.alma.failure(reply, what);
    return done({ permanentLocation: codeOf(item.value.item_data?.location) });
  }

  // ---- recovery and preflight (read-only) ------------------------------------------------------

  /**
   * The patron's active loans (`GET /users/{id}/loans`), each item read to see whether Bookstrap
   * made it: its notes carry "ILL request {id}". Anything else on the patron's card is left out.
   */
  async patronLoans(input: { patronId: string }): Promise<StepOutcome<PatronIllLoan[]>> {
    const what = `listing the loans of patron ${input.patronId}`;
    const reply = await this.alma.call('GET', `/users/${encodeURIComponent(input.patronId)}/loans`, {
      query: { user_id_type: 'all_unique', loan_status: 'Active', limit: 100 },
    });
    if (reply.status !== 200) return this.alma.failure(reply, what);
    const found: PatronIllLoan[] = [];
    for (const loan of listOf<AlmaLoan & { mms_id?: string; holding_id?: string; item_id?: string; title?: string }>(reply.body, 'item_loan')) {
      if (!loan.item_barcode) continue;
      const item = await this.itemByBarcode(loan.item_barcode, what);
      if ('failed' in item) return item.failed;
      if (!item.found) continue;
      const data = item.value.item_data ?? {};
      const requestId = temporaryItemRequestId([data.internal_note_1, data.internal_note_2, data.fulfillment_note, data.public_note]);
      if (!requestId) continue;
      found.push({
        requestId,
        barcode: loan.item_barcode,
        title: item.value.bib_data?.title ?? loan.title ?? '',
        dueDate: calendarDayOf(loan.due_date),
      });
    }
    return done(found);
  }

  /**
   * Reads only: the library's configuration (the key and the library code), the test patron, the
   * test item, the libraries holds can be picked up at, and the locations of Bookstrap's library.
   */
  async preflight(input: PreflightInput): Promise<PreflightCheck[]> {
    const checks: PreflightCheck[] = [];
    const libraries = await this.alma.call('GET', '/conf/libraries');
    if (libraries.status !== 200) {
      const reason = this.alma.failure(libraries, 'reading the configured libraries').reason;
      checks.push(failedCheck('authenticate', reason));
      // nothing else can be read with a refused key; say so rather than pile up the same error
      for (const name of ['test-patron', 'test-item', 'pickup-locations', 'ill-location'] as const) {
        checks.push(skippedCheck(name, 'not tried: Alma did not accept the connection'));
      }
      return checks;
    }
    const codes = new Set(listOf<{ code?: string }>(libraries.body, 'library').map((library) => library.code ?? ''));
    if (!codes.has(this.library)) {
      checks.push(failedCheck('authenticate', `the API key is accepted, but Alma has no library ${this.library} (has: ${[...codes].join(', ')})`));
    } else checks.push(passedCheck('authenticate', `API key accepted; library ${this.library} exists`));

    if (!input.testPatronId) checks.push(skippedCheck('test-patron', 'no test patron configured (settings.preflight.testPatronId)'));
    else {
      const patron = await this.lookupPatron({ patronId: input.testPatronId });
      checks.push(
        patron.kind === 'done'
          ? passedCheck('test-patron', `patron ${patron.value.patronId}${patron.value.name ? ` (${patron.value.name})` : ''} found, ${patron.value.status}`)
          : failedCheck('test-patron', patron.reason),
      );
    }

    if (!input.testItemBarcode) checks.push(skippedCheck('test-item', 'no test item configured (settings.preflight.testItemBarcode)'));
    else {
      const item = await this.itemByBarcode(input.testItemBarcode, `reading test item ${input.testItemBarcode}`);
      if ('failed' in item) checks.push(failedCheck('test-item', item.failed.reason));
      else if (!item.found) checks.push(failedCheck('test-item', `Alma ${noItemForBarcodeCode}: no item with barcode ${input.testItemBarcode}`));
      else checks.push(passedCheck('test-item', `item ${input.testItemBarcode} found: ${item.value.bib_data?.title ?? 'untitled'}`));
    }

    // Alma picks holds up at a library (pickup_location_library): each code must be one.
    if (input.pickupLocations.length === 0) checks.push(skippedCheck('pickup-locations', 'the library has no active pickup locations'));
    else {
      const missing = input.pickupLocations.filter((code) => !codes.has(code));
      checks.push(
        missing.length === 0
          ? passedCheck('pickup-locations', `Alma has libraries ${input.pickupLocations.join(', ')}`)
          : failedCheck('pickup-locations', `Alma has no library ${missing.join(', ')} to pick up at (has: ${[...codes].join(', ')})`),
      );
    }

    const locations = await this.alma.call('GET', `/conf/libraries/${encodeURIComponent(this.library)}/locations`);
    if (locations.status !== 200) checks.push(failedCheck('ill-location', this.alma.failure(locations, `reading the locations of ${this.library}`).reason));
    else {
      const known = new Set(listOf<{ code?: string }>(locations.body, 'location').map((location) => location.code ?? ''));
      const missing = input.illLocations.filter((code) => !known.has(code));
      checks.push(
        missing.length === 0
          ? passedCheck('ill-location', `library ${this.library} has location ${input.illLocations.join(', ')}`)
          : failedCheck('ill-location', `library ${this.library} has no location ${missing.join(', ')} (has: ${[...known].join(', ')})`),
      );
    }
    return checks;
  }

  async placeLendingHold(_input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return configurationError('Alma does not take a hold on the requested item for lending (only Horizon and Symphony do)');
  }

  /**
   * Reads the request back (`GET /users/{id}/requests/{request_id}`: Alma answers 401877 for a
   * request that is not this user's) and cancels it only while it is still this request's hold on
   * the item, with `DELETE /users/{id}/requests/{request_id}?reason=` (Alma Users API, "Cancel
   * request"; /work/shared/reference/vendor-apis.md). Without a recorded ID, the patron's active
   * holds are searched for the one on the item whose comment carries the request ID.
   */
  async cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `cancelling the hold on ${input.itemBarcode} for patron ${input.patronId}`;
    const user = `/users/${encodeURIComponent(input.patronId)}/requests`;
    const seen = (r: { request_id?: string; barcode?: string | null; request_status?: string; comment?: string | null }): SeenHold => ({
      id: r.request_id ?? '',
      itemBarcode: r.barcode ?? undefined,
      // Alma's active request statuses; HISTORY is cancelled, completed or expired.
      active: r.request_status !== 'HISTORY',
      comment: r.comment ?? undefined,
    });
    let verdict: ReturnType<typeof judgeRecordedHold>;
    if (input.holdId) {
      const reply = await this.alma.call('GET', `${user}/${encodeURIComponent(input.holdId)}`, { query: { user_id_type: 'all_unique' } });
      if (reply.status === 200) verdict = judgeRecordedHold(input, seen(reply.body as Record<string, string>), 'Alma');
      else if (reply.errors.some((e) => e.code === requestNotFoundCode)) verdict = judgeRecordedHold(input, undefined, 'Alma');
      else return this.alma.failure(reply, what);
    } else {
      const reply = await this.alma.call('GET', user, { query: { user_id_type: 'all_unique', request_type: 'HOLD', status: 'active', limit: 100 } });
      if (reply.status !== 200) return this.alma.failure(reply, what);
      verdict = judgeUnrecordedHold(input, listOf<Record<string, string>>(reply.body, 'user_request').map(seen), 'Alma');
    }
    if (verdict.kind === 'stop') return verdict.outcome;
    const reply = await this.alma.call('DELETE', `${user}/${encodeURIComponent(verdict.hold.id)}`, {
      query: {
        user_id_type: 'all_unique',
        reason: 'CancelledAtPatronRequest',
        notify_user: false,
        note: `Bookstrap: ${cancelNote[input.reason]} (ILL request ${input.requestId})`,
      },
    });
    if (reply.status === 204 || reply.status === 200) return done({ cancelled: verdict.hold.id }, verdict.hold.id);
    if (reply.errors.some((e) => e.code === requestNotFoundCode)) return holdGone(input, 'Alma', 'it was gone when the cancel arrived');
    return this.alma.failure(reply, what);
  }
}

/** Alma's "Request … was not found" (Users API error list). */
const requestNotFoundCode = '401877';
const cancelNote: Record<CancelHoldInput['reason'], string> = {
  'patron-corrected': 'the patron ID was corrected',
  'pickup-corrected': 'the pickup location was corrected',
  'request-cancelled': 'the ILL request ended',
};

/** Alma lists are `{total_record_count, <noun>: [...]}`; one entry may come as an object. */
function listOf<T>(body: unknown, noun: string): T[] {
  const value = (body as Record<string, unknown> | undefined)?.[noun];
  if (Array.isArray(value)) return value as T[];
  return value && typeof value === 'object' ? [value as T] : [];
}

function bibXml(input: TemporaryItemInput, marker: string): string {
  const field = (tag: string, ind1: string, ind2: string, code: string, value: string) =>
    `<datafield tag="${tag}" ind1="${ind1}" ind2="${ind2}"><subfield code="${code}">${escapeXml(value)}</subfield></datafield>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<bib>',
    '<suppress_from_publishing>true</suppress_from_publishing>',
    '<record>',
    '<leader>     nam a22     uu 4500</leader>',
    field('035', ' ', ' ', 'a', marker),
    input.author ? field('100', '1', ' ', 'a', input.author) : '',
    field('245', input.author ? '1' : '0', '0', 'a', input.title),
    field('500', ' ', ' ', 'a', `Temporary record: ${input.note}`),
    '</record>',
    '</bib>',
  ].join('');
}

function holdingXml(library: string, location: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<holding><record>',
    '<leader>     nx  a22     1n 4500</leader>',
    `<datafield tag="852" ind1="8" ind2=" "><subfield code="b">${escapeXml(library)}</subfield><subfield code="c">${escapeXml(location)}</subfield></datafield>`,
    '</record></holding>',
  ].join('');
}

function checkAlmaConnection(connection: Connection): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (connection.protocol === 'rest' && !connection.library) {
    problems.push({ path: 'connection.library', message: 'Alma REST needs the library code Bookstrap acts in (temporary items, loans, scan-in)' });
  }
  return problems;
}

export const almaRestAdapter: AdapterDefinition = {
  ils: 'alma',
  protocol: 'rest',
  capabilities: documentedCapabilities.alma,
  // Alma's API governance: ≈25 calls a second per institution (vendor-apis.md §Alma governance,
  // https://developers.exlibrisgroup.com/alma/apis/#threshold), paced as a sliding window.
  ratePerSecond: 25,
  create: (connection: Connection, context: AdapterContext) => new AlmaRestAdapter(almaOptions(connection), context),
  checkConnection: checkAlmaConnection,
};
