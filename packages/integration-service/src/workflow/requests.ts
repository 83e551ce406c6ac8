import { transaction } from '../store/connection.ts';
import {
  actionTable,
  currentLender,
  type DecisionContext,
  type LostChargeStep,
  decide,
  documentedCapabilities,
  dueForAgeOut,
  findingOutlives,
  fromDate,
  type IlsCapabilities,
  type IllRequest,
  type IlsStep,
  initialStatus,
  partnerEffects,
  pendingText,
  planOnCreate,
  confirmationNotice,
  type NoticeKind,
  type PatronNotice,
  type Correction,
  replan,
  resolveRefusal,
  skippedText,
  type RequestAction,
  type RequestCommand,
  type ServiceType,
  type TransitionRefused,
} from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import type { AdapterRegistry, Clock } from '../adapters/types.ts';
import { ApiError, type ErrorCode } from '../http/errors.ts';
import type { Db, ServiceDatabase } from '../store/database.ts';
import { findLibraryById, findLibraryBySymbol, type Library } from '../store/libraries.ts';
import { closeFinding, openFindingOf, refreshAttention, stepRecord } from '../store/attention.ts';
import {
  type DependentChange,
  enqueuePlan,
  findJob,
  type Job,
  jobsOfRequest,
  resetJobForRetry,
  rewriteJob,
  settleDependents,
  settleJobByStaff,
} from '../store/outbox.ts';
import { noticeName } from '../notices/names.ts';
import { automateOnCreate } from './automation.ts';
import { rememberCreate, rememberedCreate } from '../store/idempotency.ts';
import { queueNotice, withdrawNotices } from '../store/notices.ts';
import {
  appendHistory,
  findLibraryRequest,
  findRequest,
  insertRequest,
  nextRequestId,
  requestsInStatus,
  type StoredRequest,
  saveRequest,
} from '../store/requests.ts';

/**
 * The path of one action (ARCHITECTURE.md): the core decides, and ONE transaction writes the
 * request's new state, its history entries and one outbox job per ILS step. A refused action
 * throws inside the transaction, so it writes nothing. When the other library is in the service
 * too, its side of the conversation is written in the same transaction.
 */
export interface WorkflowDeps {
  db: ServiceDatabase;
  clock: Clock;
  registry: AdapterRegistry;
  /** called after a commit that queued ILS steps (the server wakes its worker) */
  onStepsQueued?: () => void;
}

export function capabilitiesOf(registry: AdapterRegistry, library: Library): IlsCapabilities {
  return adapterFor(registry, library.connection)?.capabilities ?? documentedCapabilities[library.connection.ils];
}

export function decisionContext(deps: Pick<WorkflowDeps, 'clock' | 'registry'>, library: Library): DecisionContext {
  return { settings: library.settings, capabilities: capabilitiesOf(deps.registry, library), today: fromDate(deps.clock.now()) };
}

const refusalCodes: Record<TransitionRefused['code'], ErrorCode> = {
  ACTION_NOT_ALLOWED: 'ACTION_NOT_ALLOWED',
  PATRON_ID_REQUIRED: 'PATRON_ID_REQUIRED',
  INVALID_INPUT: 'UNPROCESSABLE',
  NOT_YET_AGED_OUT: 'NOT_YET_AGED_OUT',
  DUE_DATE_UNAVAILABLE: 'DUE_DATE_UNAVAILABLE',
};

export function refusalError(refusal: TransitionRefused): ApiError {
  return new ApiError(refusalCodes[refusal.code], refusal.message, { currentStatus: refusal.currentStatus, allowedActions: refusal.allowedActions });
}

// ---- creating requests -----------------------------------------------------------------------

export interface NewBorrowingRequest {
  serviceType: ServiceType;
  title: string;
  author?: string | undefined;
  isbn?: string | undefined;
  patronId?: string | undefined;
  patronName?: string | undefined;
  patronEmail?: string | undefined;
  pickupLocation?: string | undefined;
  lenders: string[];
  inLibraryUseOnly: boolean;
}

export interface NewLendingRequest {
  serviceType: ServiceType;
  borrowingLibrary: string;
  title: string;
  author?: string | undefined;
  isbn?: string | undefined;
  itemBarcode?: string | undefined;
  inLibraryUseOnly: boolean;
}

/** A pickup location given by its code (or directly by its ILS code) becomes the ILS code the hold needs. */
export function resolvePickupLocation(library: Library, given: string | undefined): string | undefined {
  const active = library.pickupLocations.filter((p) => p.active);
  // Not given: the library's first pickup location, so the hold never goes to the ILL office by accident.
  if (given === undefined) return active[0]?.ilsLocationCode;
  if (library.pickupLocations.length === 0) return given;
  const match = active.find((p) => p.code.toUpperCase() === given.toUpperCase()) ?? active.find((p) => p.ilsLocationCode.toUpperCase() === given.toUpperCase());
  if (!match) {
    throw new ApiError('INVALID_INPUT', `pickupLocation "${given}" is not one of ${library.symbol}'s pickup locations`, [
      { path: 'pickupLocation', message: `use one of: ${active.map((p) => p.code).join(', ') || '(none active)'}` },
    ]);
  }
  return match.ilsLocationCode;
}

/** Withdraws the notices the action made moot, then queues its new ones; each in the history. */
async function queueNotices(
  tx: Db,
  requestId: string,
  libraryId: number,
  notices: readonly PatronNotice[],
  moot: readonly NoticeKind[],
  now: Date,
): Promise<void> {
  for (const withdrawn of await withdrawNotices(tx, requestId, moot, now)) {
    await appendHistory(
      tx,
      { requestId, kind: 'note', text: `${noticeName(withdrawn.kind)} notice to patron ${withdrawn.patronId} withdrawn: no longer needed.` },
      now,
    );
  }
  for (const notice of notices) {
    const queued = await queueNotice(tx, { requestId, libraryId, notice }, now);
    await appendHistory(
      tx,
      { requestId, kind: 'note', text: `${noticeName(notice.kind)} notice to patron ${notice.patronId} queued, due ${queued.dueAt.toISOString()}.` },
      now,
    );
  }
}

async function insertNewRequest(
  tx: Db,
  deps: WorkflowDeps,
  library: Library,
  request: Omit<IllRequest, 'id'>,
  createdText: string,
  partnerRequestId?: string,
): Promise<StoredRequest> {
  const now = deps.clock.now();
  const { seq, id } = await nextRequestId(tx);
  const stored = await insertRequest(tx, seq, library.id, { ...request, id }, now, partnerRequestId);
  const created = await appendHistory(tx, { requestId: id, kind: 'created', text: createdText }, now);
  await queuePlan(tx, stored, created.id, planOnCreate(stored, decisionContext(deps, library)), now);
  const confirmation = confirmationNotice(stored, library.settings.borrowing.patronNotices);
  if (confirmation) await queueNotices(tx, id, library.id, [confirmation], [], now);
  await refreshAttention(tx, id, now);
  return stored;
}

/** An `Idempotency-Key` and the fingerprint of the body it came with (store/idempotency.ts). */
export interface CreateOnce {
  key: string;
  bodyHash: string;
}

export interface CreateOutcome {
  request: StoredRequest;
  /** the key was seen before with this body: the request it made then, nothing written now */
  replayed: boolean;
}

/**
 * A create under an idempotency key, in the create's own (immediate, so write-locked) transaction:
 * a key seen before answers the request it made, the same key with another body is refused, and a
 * new key is written with the request, so a key never names a request that does not exist.
 */
async function once(tx: Db, deps: WorkflowDeps, library: Library, key: CreateOnce | undefined, create: () => Promise<StoredRequest>): Promise<CreateOutcome> {
  if (key) {
    const seen = await rememberedCreate(tx, library.id, key.key);
    if (seen) {
      if (seen.bodyHash !== key.bodyHash) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key "${key.key}" was used for another request body (it made ${seen.requestId}); use a new key for a new request.`,
          { requestId: seen.requestId },
        );
      }
      return { request: (await findRequest(tx, seen.requestId)) as StoredRequest, replayed: true };
    }
  }
  const request = await create();
  if (key) await rememberCreate(tx, library.id, key.key, key.bodyHash, request.id, deps.clock.now());
  return { request, replayed: false };
}

export async function createRequestOnce(
  deps: WorkflowDeps,
  library: Library,
  input: ({ role: 'borrowing' } & NewBorrowingRequest) | ({ role: 'lending' } & NewLendingRequest),
  key?: CreateOnce,
): Promise<CreateOutcome> {
  const outcome = await transaction(
    deps.db,
    async (tx) =>
      await once(tx, deps, library, key, async () =>
        input.role === 'borrowing' ? await borrowingCreate(tx, deps, library, input) : await lendingCreate(tx, deps, library, input),
      ),
    { behavior: 'immediate' },
  );
  if (!outcome.replayed) deps.onStepsQueued?.();
  return outcome;
}

async function borrowingCreate(tx: Db, deps: WorkflowDeps, library: Library, input: NewBorrowingRequest): Promise<StoredRequest> {
  const pickupLocation = resolvePickupLocation(library, input.pickupLocation);
  return await automateOnCreate(
    tx,
    deps,
    library,
    await insertNewRequest(
      tx,
      deps,
      library,
      {
        role: 'borrowing',
        serviceType: input.serviceType,
        status: initialStatus.borrowing,
        title: input.title,
        author: input.author,
        isbn: input.isbn,
        patronId: input.patronId,
        patronName: input.patronName,
        patronEmail: input.patronEmail,
        pickupLocation,
        inLibraryUseOnly: input.inLibraryUseOnly,
        lenders: input.lenders,
        lenderIndex: 0,
        renewals: 0,
      },
      `Borrowing ${input.serviceType} request created${input.patronId ? ` for patron ${input.patronId}` : ' (no patron ID yet)'}: "${input.title}"${
        input.lenders.length ? `, lenders ${input.lenders.join(', ')}` : ''
      }.`,
    ),
  );
}

async function lendingCreate(tx: Db, deps: WorkflowDeps, library: Library, input: NewLendingRequest): Promise<StoredRequest> {
  return await insertNewRequest(
    tx,
    deps,
    library,
    {
      role: 'lending',
      serviceType: input.serviceType,
      status: initialStatus.lending,
      title: input.title,
      author: input.author,
      isbn: input.isbn,
      itemBarcode: input.itemBarcode,
      borrowingLibrary: input.borrowingLibrary,
      inLibraryUseOnly: input.inLibraryUseOnly,
      lenders: [],
      lenderIndex: 0,
      renewals: 0,
    },
    `Lending ${input.serviceType} request from ${input.borrowingLibrary}: can you supply "${input.title}"${input.itemBarcode ? ` (item ${input.itemBarcode})` : ''}?`,
  );
}

// ---- actions ---------------------------------------------------------------------------------

type Origin = { kind: 'staff' } | { kind: 'system'; reason: string } | { kind: 'partner'; symbol: string; requestId: string };

/** What staff see in the history for an action: the label and what it carried. */
export function actionText(request: IllRequest, command: RequestCommand, origin: Origin): string {
  const rule = actionTable(request.role)[command.action];
  const label = rule?.label ?? command.action;
  const c = command as Record<string, unknown>;
  const details = [
    typeof c.supplierItemBarcode === 'string' ? `supplier item barcode ${c.supplierItemBarcode}` : '',
    typeof c.lenderDueDate === 'string' ? `lender due date ${c.lenderDueDate}` : '',
    typeof c.temporaryBarcode === 'string' ? `temporary barcode ${c.temporaryBarcode}` : '',
    typeof c.itemBarcode === 'string' ? `item ${c.itemBarcode}` : '',
    typeof c.dueDate === 'string' ? `due ${c.dueDate}` : '',
    typeof c.newDueDate === 'string' ? `new due date ${c.newDueDate}` : '',
    typeof c.replacementCost === 'number' ? `replacement cost ${c.replacementCost.toFixed(2)}` : '',
    typeof c.reason === 'string' ? `reason: ${c.reason}` : '',
    typeof c.note === 'string' ? `note: ${c.note}` : '',
  ].filter(Boolean);
  const text = `${label}${details.length ? ` (${details.join(', ')})` : ''}.`;
  if (origin.kind === 'system') return `${text} ${origin.reason}`;
  return origin.kind === 'partner' ? `From ${origin.symbol} (request ${origin.requestId}): ${text}` : text;
}

export async function queuePlan(tx: Db, request: StoredRequest, planId: number, plan: IlsStep[], now: Date): Promise<void> {
  const queued = new Map((await enqueuePlan(tx, { requestId: request.id, libraryId: request.libraryId, planId, plan }, now)).map((q) => [q.step.key, q]));
  for (const step of plan) {
    const entry = queued.get(step.key);
    if (entry?.skipped) {
      await appendHistory(
        tx,
        {
          requestId: request.id,
          kind: 'outcome',
          stepKey: step.key,
          outcome: 'skipped',
          text: skippedText(step, entry.skipped.reason),
        },
        now,
      );
    } else if (entry) {
      await appendHistory(tx, { requestId: request.id, kind: 'pending', stepKey: step.key, text: pendingText(step) }, now);
    } else {
      // Same idempotency key: the ILS action was planned before and is never run twice.
      await appendHistory(
        tx,
        {
          requestId: request.id,
          kind: 'note',
          stepKey: step.key,
          text: `${pendingText(step).replace(/\.$/, '')}: already planned for this request, not repeated.`,
        },
        now,
      );
    }
  }
}

type TransitionResult = { ok: true; request: StoredRequest } | { ok: false; error: TransitionRefused };

/**
 * The lost-item charge steps this request planned (any state): what a lost item that comes back
 * may take back — those fees, never another (core `lostChargeRemovals`).
 */
async function lostChargesOf(tx: Db, requestId: string): Promise<LostChargeStep[]> {
  return (await jobsOfRequest(tx, requestId)).flatMap((job) =>
    job.step.name === 'charge-fee' && /:lost-(replacement|processing)$/.test(job.key)
      ? [{ key: job.key, patronId: job.step.input.patronId, feeType: job.step.input.feeType, comment: job.step.input.comment }]
      : [],
  );
}

export async function transition(
  tx: Db,
  deps: WorkflowDeps,
  library: Library,
  stored: StoredRequest,
  command: RequestCommand,
  origin: Origin,
): Promise<TransitionResult> {
  const context = decisionContext(deps, library);
  if (command.action === 'lost-item-returned') context.lostCharges = await lostChargesOf(tx, stored.id);
  const result = decide(stored, command, context);
  if (!result.ok) return result;
  const now = deps.clock.now();
  const { request: next, plan, notes, notices, withdrawNotices: moot } = result.decision;
  let saved = await saveRequest(tx, next, now);
  const entry = await appendHistory(
    tx,
    { requestId: stored.id, kind: origin.kind === 'partner' ? 'partner' : 'action', action: command.action, text: actionText(stored, command, origin) },
    now,
  );
  for (const note of notes) await appendHistory(tx, { requestId: stored.id, kind: 'note', text: note }, now);
  await queueNotices(tx, stored.id, library.id, notices, moot, now);
  await queuePlan(tx, saved, entry.id, plan, now);

  // A borrowing request that reached a (new) lender: that lender may be in the service too.
  const reachedLender = next.role === 'borrowing' && next.status === 'sent' && (stored.status !== 'sent' || stored.lenderIndex !== next.lenderIndex);
  if (reachedLender) saved = await askLender(tx, deps, library, saved);

  if (origin.kind === 'staff') await deliverToPartner(tx, deps, library, stored, saved, command);
  // The request moved on: what the ILS sync saw at the desk has been acted on.
  if (!findingOutlives(stored.status, saved.status) && (await closeFinding(tx, stored.id, now)))
    await appendHistory(tx, { requestId: stored.id, kind: 'note', text: `The ILS finding no longer needs staff: the request is now ${saved.status}.` }, now);
  // The request's end may make steps moot; the queue column follows in this transaction.
  await refreshAttention(tx, stored.id, now);
  return { ok: true, request: saved };
}

/** "Can you supply?": the lender's lending request, created in the same transaction. */
async function askLender(tx: Db, deps: WorkflowDeps, borrower: Library, request: StoredRequest): Promise<StoredRequest> {
  const now = deps.clock.now();
  const symbol = currentLender(request);
  const lender = symbol ? await findLibraryBySymbol(tx, symbol) : undefined;
  if (!symbol || !lender || lender.id === borrower.id) {
    await appendHistory(
      tx,
      { requestId: request.id, kind: 'note', text: `${symbol ?? 'The lender'} is not a Bookstrap library: its answers are entered through the API.` },
      now,
    );
    return await saveRequest(tx, request, now, null);
  }
  const lending = await insertNewRequest(
    tx,
    deps,
    lender,
    {
      role: 'lending',
      serviceType: request.serviceType,
      status: initialStatus.lending,
      title: request.title,
      author: request.author,
      isbn: request.isbn,
      borrowingLibrary: borrower.symbol,
      inLibraryUseOnly: request.inLibraryUseOnly,
      lenders: [],
      lenderIndex: 0,
      renewals: 0,
    },
    `Lending ${request.serviceType} request from ${borrower.symbol} (borrowing request ${request.id}): can you supply "${request.title}"?`,
    request.id,
  );
  await appendHistory(tx, { requestId: request.id, kind: 'partner', text: `Sent to ${lender.symbol}: lending request ${lending.id} created there.` }, now);
  return await saveRequest(tx, request, now, lending.id);
}

/** What a partner's request receives when this side acts (core `partnerEffects`). */
function partnerCommand(action: RequestAction, request: StoredRequest): RequestCommand | undefined {
  switch (action) {
    case 'supplier-shipped':
      return { action, supplierItemBarcode: request.itemBarcode, lenderDueDate: request.dueDate };
    case 'renewal-approved':
      return request.dueDate ? { action, newDueDate: request.dueDate } : undefined;
    case 'supplier-unfilled':
    case 'renewal-denied':
    case 'recall':
    case 'complete':
    case 'renewal-requested':
    case 'borrower-returned':
    case 'cancel':
      return { action } as RequestCommand;
    default:
      return undefined;
  }
}

async function deliverToPartner(
  tx: Db,
  deps: WorkflowDeps,
  library: Library,
  before: StoredRequest,
  after: StoredRequest,
  command: RequestCommand,
): Promise<void> {
  const effect = partnerEffects[`${before.role}:${command.action}`];
  const partnerId = before.partnerRequestId;
  if (!effect || !partnerId) return;
  const partner = await findRequest(tx, partnerId);
  // A borrower that moved on to another lender no longer listens to this one.
  if (!partner || partner.partnerRequestId !== before.id) return;
  const partnerLibrary = await findLibraryById(tx, partner.libraryId);
  const message = partnerCommand(effect, after);
  if (!partnerLibrary || !message) return;
  const result = await transition(tx, deps, partnerLibrary, partner, message, { kind: 'partner', symbol: library.symbol, requestId: before.id });
  if (!result.ok) {
    // The partner's state refuses the message: this side's action still stands (never blocked).
    const now = deps.clock.now();
    await appendHistory(
      tx,
      { requestId: partner.id, kind: 'partner', text: `From ${library.symbol} (request ${before.id}): "${effect}" not applied: ${result.error.message}.` },
      now,
    );
    await appendHistory(
      tx,
      { requestId: before.id, kind: 'note', text: `${partnerLibrary.symbol} request ${partner.id} did not take "${effect}": ${result.error.message}.` },
      now,
    );
  }
}

export async function applyAction(deps: WorkflowDeps, library: Library, requestId: string, command: RequestCommand): Promise<StoredRequest> {
  const saved = await transaction(
    deps.db,
    async (tx) => {
      const stored = await findLibraryRequest(tx, library.id, requestId);
      if (!stored) throw new ApiError('NOT_FOUND', `No request ${requestId}`);
      const result = await transition(tx, deps, library, stored, command, { kind: 'staff' });
      if (!result.ok) throw refusalError(result.error);
      return result.request;
    },
    { behavior: 'immediate' },
  );
  deps.onStepsQueued?.();
  return saved;
}

/**
 * The daily sweep (L5): lending requests returned but missing for 180 days age out by
 * themselves, so nobody has to remember them. Returns the requests it closed.
 */
export async function ageOutMissing(deps: WorkflowDeps): Promise<string[]> {
  const today = fromDate(deps.clock.now());
  const closed: string[] = [];
  for (const row of await requestsInStatus(deps.db, 'returned-but-missing')) {
    await transaction(
      deps.db,
      async (tx) => {
        const stored = await findRequest(tx, row.id);
        const library = await findLibraryById(tx, row.libraryId);
        if (!stored || !library || !dueForAgeOut(stored, today)) return;
        const result = await transition(
          tx,
          deps,
          library,
          stored,
          { action: 'age-out' },
          { kind: 'system', reason: `Missing since ${stored.missingSince}: aged out automatically.` },
        );
        if (result.ok) closed.push(row.id);
      },
      { behavior: 'immediate' },
    );
  }
  return closed;
}

/** The step of this library's request, or 404 (another request's step is not reachable through this one). */
async function ownStep(tx: Db, library: Library, requestId: string, stepKey: string): Promise<{ request: StoredRequest; job: Job }> {
  const request = await findLibraryRequest(tx, library.id, requestId);
  const job = request ? await findJob(tx, stepKey) : undefined;
  if (!request || !job || job.requestId !== request.id) throw new ApiError('NOT_FOUND', `No step ${stepKey} on request ${requestId}`);
  return { request, job };
}

/** The history of what settling one step did to those depending on it (skipped, or running after all). */
async function recordDependents(tx: Db, requestId: string, changes: DependentChange[], now: Date): Promise<void> {
  for (const { job: dependent, change, reason } of changes) {
    await appendHistory(
      tx,
      change === 'skipped'
        ? { requestId, kind: 'outcome', stepKey: dependent.key, outcome: 'skipped', text: skippedText(dependent.step, reason) }
        : { requestId, kind: 'pending', stepKey: dependent.key, text: `${pendingText(dependent.step).replace(/\.$/, '')}, now that ${reason}.` },
      now,
    );
  }
}

const by = (staff: string | undefined) => staff?.trim() || 'staff';
const doing = (job: Job) => pendingText(job.step).replace(/\.$/, '');

/** Staff run a stopped step again; a succeeded step is never re-run, a moot one not at all. */
export async function retryStep(deps: WorkflowDeps, library: Library, requestId: string, stepKey: string): Promise<Job> {
  const job = await transaction(
    deps.db,
    async (tx) => {
      const { request, job: found } = await ownStep(tx, library, requestId, stepKey);
      const refused = resolveRefusal(request, stepRecord(found), 'retried');
      if (refused) throw new ApiError('STEP_NOT_RETRYABLE', refused);
      if (found.state === 'skipped') {
        const blockedBy = (found.lastOutcome as { blockedBy?: string } | undefined)?.blockedBy;
        throw new ApiError(
          'STEP_NOT_RETRYABLE',
          blockedBy
            ? `Step ${stepKey} was skipped because step ${blockedBy} did not succeed; retry that step and this one follows`
            : `Step ${stepKey} was skipped (${(found.lastOutcome as { reason?: string } | undefined)?.reason ?? 'by staff'}); it is not run`,
        );
      }
      const now = deps.clock.now();
      await appendHistory(tx, { requestId, kind: 'staff', stepKey, text: `Staff asked to retry: ${doing(found)}.` }, now);
      const reset = await resetJobForRetry(tx, found.id, now);
      await refreshAttention(tx, requestId, now);
      return reset;
    },
    { behavior: 'immediate' },
  );
  deps.onStepsQueued?.();
  return job;
}

export interface StaffNote {
  note: string;
  staff?: string | undefined;
}

/**
 * Staff did the step by hand in the ILS (`resolved`): it counts as succeeded, so the steps that
 * depend on it run (skipped ones are brought back). Or staff say it is not needed (`skipped`):
 * what depends on it is skipped too, with the reason, touching nothing.
 */
export async function settleStepByStaff(
  deps: WorkflowDeps,
  library: Library,
  requestId: string,
  stepKey: string,
  verdict: 'resolved' | 'skipped',
  input: StaffNote,
): Promise<StoredRequest> {
  const saved = await transaction(
    deps.db,
    async (tx) => {
      const { request, job } = await ownStep(tx, library, requestId, stepKey);
      const code = verdict === 'resolved' ? 'STEP_NOT_RESOLVABLE' : 'STEP_NOT_SKIPPABLE';
      const refused = resolveRefusal(request, stepRecord(job), verdict);
      if (refused) throw new ApiError(code, refused);
      const now = deps.clock.now();
      const who = by(input.staff);
      const note = input.note.trim();
      const settled = await settleJobByStaff(
        tx,
        job,
        verdict,
        {
          kind: verdict,
          reason: verdict === 'resolved' ? `done by hand by ${who}: ${note}` : `skipped by ${who}: ${note}`,
          by: who,
          previous: job.lastOutcome as Record<string, unknown> | undefined,
        },
        now,
      );
      if (!settled) throw new ApiError(code, `Step ${stepKey} was just picked up by the worker; look again in a moment`);
      await appendHistory(
        tx,
        {
          requestId,
          kind: 'staff',
          stepKey,
          text:
            verdict === 'resolved'
              ? `Resolved by hand by ${who}: ${doing(job)} was done in the ILS. Note: ${note}`
              : `Skipped by ${who}: ${doing(job)} is not needed. Note: ${note}`,
        },
        now,
      );
      await recordDependents(tx, requestId, await settleDependents(tx, { ...job, state: verdict }, verdict, now), now);
      await refreshAttention(tx, requestId, now);
      return (await findRequest(tx, requestId)) as StoredRequest;
    },
    { behavior: 'immediate' },
  );
  deps.onStepsQueued?.();
  return saved;
}

/**
 * Staff dealt with what the ILS sync saw at the desk (asked the lender for the renewal, called
 * the patron about the expired hold…): the finding leaves the needs-attention queue, with who and
 * why in the circulation history. The ILS is not touched.
 */
export async function resolveFinding(deps: WorkflowDeps, library: Library, requestId: string, input: StaffNote): Promise<StoredRequest> {
  return await transaction(
    deps.db,
    async (tx) => {
      if (!(await findLibraryRequest(tx, library.id, requestId))) throw new ApiError('NOT_FOUND', `No request ${requestId}`);
      const open = await openFindingOf(tx, requestId);
      if (!open) throw new ApiError('FINDING_NOT_OPEN', `Request ${requestId} has no ILS finding waiting for staff; there is nothing to resolve`);
      const now = deps.clock.now();
      await closeFinding(tx, requestId, now);
      await appendHistory(
        tx,
        { requestId, kind: 'staff', text: `Resolved by ${by(input.staff)}: ${open.text.replace(/^ILS: /, '')} Note: ${input.note.trim()}` },
        now,
      );
      await refreshAttention(tx, requestId, now);
      return (await findRequest(tx, requestId)) as StoredRequest;
    },
    { behavior: 'immediate' },
  );
}

export interface CorrectionInput extends Correction, StaffNote {}

/**
 * Corrects the fields staff get wrong and re-plans exactly the ILS steps they affect (core
 * `replan`), in one transaction: the request, the history with who and why, the dropped,
 * rewritten and new steps, and the needs-attention column. Refused: nothing is written.
 */
export async function correctRequest(deps: WorkflowDeps, library: Library, requestId: string, input: CorrectionInput): Promise<StoredRequest> {
  const pickupLocation = input.pickupLocation === undefined ? undefined : resolvePickupLocation(library, input.pickupLocation);
  const saved = await transaction(
    deps.db,
    async (tx) => {
      const stored = await findLibraryRequest(tx, library.id, requestId);
      if (!stored) throw new ApiError('NOT_FOUND', `No request ${requestId}`);
      const jobs = await jobsOfRequest(tx, requestId);
      const ctx = { ...decisionContext(deps, library), acceptItemPlacesHold: library.connection.protocol === 'ncip' };
      const correction: Correction = { ...input, ...(pickupLocation !== undefined ? { pickupLocation } : {}) };
      const result = replan(stored, correction, jobs.map(stepRecord), ctx);
      if (!result.ok) {
        if (result.code === 'INVALID_INPUT')
          throw new ApiError('INVALID_INPUT', result.field ? `${result.field}: ${result.message}` : result.message, [
            { path: result.field, message: result.message },
          ]);
        throw new ApiError('CORRECTION_NOT_ALLOWED', `${result.field} cannot be corrected: ${result.message}`, {
          field: result.field,
          currentStatus: stored.status,
        });
      }
      const now = deps.clock.now();
      const who = by(input.staff);
      const { request: next, corrected, changes, notes } = result.replan;
      const saved = await saveRequest(tx, next, now);
      const entry = await appendHistory(
        tx,
        { requestId, kind: 'staff', action: 'correct', text: `Corrected by ${who}: ${corrected.join('; ')}. Note: ${input.note.trim()}` },
        now,
      );
      for (const note of notes) await appendHistory(tx, { requestId, kind: 'note', text: note }, now);
      const byKey = new Map(jobs.map((job) => [job.key, job]));
      const added: IlsStep[] = [];
      for (const change of changes) {
        if (change.kind === 'add') {
          added.push(change.step);
          continue;
        }
        const job = byKey.get(change.key);
        if (!job) continue;
        if (change.kind === 'supersede') {
          if (
            !(await settleJobByStaff(
              tx,
              job,
              'skipped',
              { kind: 'skipped', reason: change.reason, by: who, previous: job.lastOutcome as Record<string, unknown> | undefined },
              now,
            ))
          )
            throw new ApiError('CORRECTION_NOT_ALLOWED', `step ${job.key} was just picked up by the worker; correct again in a moment`);
          await appendHistory(tx, { requestId, kind: 'outcome', stepKey: job.key, outcome: 'skipped', text: skippedText(job.step, change.reason) }, now);
          await recordDependents(tx, requestId, await settleDependents(tx, { ...job, state: 'skipped' }, 'skipped', now), now);
        } else {
          if (!(await rewriteJob(tx, job, change.step, change.reopen, now)))
            throw new ApiError('CORRECTION_NOT_ALLOWED', `step ${job.key} was just picked up by the worker; correct again in a moment`);
          await appendHistory(
            tx,
            {
              requestId,
              kind: change.reopen ? 'pending' : 'note',
              stepKey: job.key,
              text: `${pendingText(change.step).replace(/\.$/, '')} (corrected${change.reopen ? ', runs again' : ''}).`,
            },
            now,
          );
        }
      }
      await queuePlan(tx, saved, entry.id, added, now);
      await refreshAttention(tx, requestId, now);
      return (await findRequest(tx, requestId)) as StoredRequest;
    },
    { behavior: 'immediate' },
  );
  deps.onStepsQueued?.();
  return saved;
}
