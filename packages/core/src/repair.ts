import { type DecisionContext, shipSteps, temporaryItemSteps } from './decide.ts';
import { pendingText } from './history.ts';
import type { SyncFindingKind } from './ils-sync.ts';
import type { HoldInput } from './port.ts';
import { type IlsStep, type IlsStepName, idempotencyKey, prerequisite, step, stepSupported } from './plan.ts';
import { isBarcodeSafe } from './policies/barcode.ts';
import { type CalendarDate, isCalendarDate, patronDueDate } from './policies/due-date.ts';
import { type IllRequest, type RequestStatus, terminalStatuses } from './workflow.ts';

/**
 * Staff can repair everything (SPEC §5): what a request's ILS steps are in, which of them a person
 * must act on (and in what words), which became moot when the request ended, and how a corrected
 * field re-plans exactly the steps it affects. Pure: the service passes the steps as stored.
 */
export const stepStates = ['pending', 'running', 'succeeded', 'failed-retryable', 'needs-staff', 'configuration-error', 'skipped', 'resolved'] as const;
export type StepState = (typeof stepStates)[number];

/** One stored step: its plan entry, where it is, and what its last attempt (or staff) said. */
export interface StepRecord {
  key: string;
  step: IlsStep;
  state: StepState;
  outcome?:
    | {
        kind: string;
        reason?: string | undefined;
        suggestion?: string | undefined;
        blockedBy?: string | undefined;
        /** what a successful step returned (the ILS's hold ID of a placed hold) */
        value?: Record<string, unknown> | undefined;
        reference?: string | undefined;
      }
    | undefined;
}

/** The ILS is in the state the step wanted: it ran, or staff did it by hand (`resolved`). */
export const isDone = (state: StepState) => state === 'succeeded' || state === 'resolved';
/** A person must act: the worker has stopped and will not try again by itself. */
export const isActionable = (state: StepState) => state === 'needs-staff' || state === 'configuration-error';

// ---- moot steps -------------------------------------------------------------------------------

/** Once the loan is over, nothing is left to create, hold, lend or re-date for it. */
/** (lost: the loan is over unless the item comes back, and then it is returned: nothing new is made for it either way) */
const loanOver: readonly RequestStatus[] = [...terminalStatuses, 'lost', 'returned', 'returned-but-missing'];

/**
 * The steps that lose their point when the request ends. Clean-up steps (check-in, delete,
 * restore) are never moot, they are what the end calls for; nor are fees, which the patron owes.
 */
const mootWhen: Partial<Record<IlsStepName, readonly RequestStatus[]>> = {
  'lookup-patron': loanOver,
  'create-temporary-item': loanOver,
  'place-hold': loanOver,
  'check-out-to-borrowing-library': loanOver,
  'move-to-temporary-location': loanOver,
  'place-lending-hold': loanOver,
  'update-due-date': loanOver,
};

/** Why a not-yet-done step no longer matters in the request's status, or undefined while it does. */
export function mootReason(planned: IlsStep, status: RequestStatus): string | undefined {
  if (!mootWhen[planned.name]?.includes(status)) return undefined;
  return `the request is ${status}, so it is no longer needed`;
}

/** Steps that stop mattering now: not done, not running (a running one is judged when it settles). */
export function mootSteps(request: Pick<IllRequest, 'status'>, steps: readonly StepRecord[]): { key: string; reason: string }[] {
  const live: readonly StepState[] = ['pending', 'failed-retryable', 'needs-staff', 'configuration-error'];
  return steps.flatMap((s) => {
    const reason = live.includes(s.state) ? mootReason(s.step, request.status) : undefined;
    return reason ? [{ key: s.key, reason }] : [];
  });
}

// ---- needs attention ---------------------------------------------------------------------------

/** Why a request is in the needs-attention queue: a short key, countable per library. */
export const stepAttentionReasons = ['barcode-in-use', 'patron-problem', 'not-ours', 'ils-unreachable', 'configuration', 'ils-refused'] as const;
/**
 * What the ILS sync noticed at the desk that ILL staff must deal with (a renewal done in
 * circulation, an expired hold, a desk check-in first…): the finding's own kind is the reason.
 */
export const findingAttentionReasons = [
  'circulation-renewal',
  'policy-due-date',
  'hold-expired',
  'checked-in-at-desk',
  'lent-item-checked-in',
  'loan-elsewhere',
  'item-gone',
] as const satisfies readonly SyncFindingKind[];
export const attentionReasons = [...stepAttentionReasons, ...findingAttentionReasons] as const;
export type AttentionReason = (typeof attentionReasons)[number];

export interface Attention {
  reason: AttentionReason;
  /** the step to act on; absent when the ILS sync's finding is what waits for staff */
  stepKey?: string | undefined;
  step?: IlsStepName | undefined;
  /** the ILS sync's finding staff must act on (its kind is the reason) */
  finding?: SyncFindingKind | undefined;
  /** what the ILS (or the worker) said */
  detail: string;
  /** what to do next, in a librarian's words */
  nextAction: string;
}

/** "use barcode 31000000010001A" → the barcode, from a collision's suggestion. */
export function suggestedBarcodeOf(suggestion: string | undefined): string | undefined {
  return suggestion ? /use barcode (\S+?)\.?$/i.exec(suggestion)?.[1] : undefined;
}

function reasonOf(record: StepRecord): (typeof stepAttentionReasons)[number] {
  const detail = record.outcome?.reason ?? '';
  if (record.state === 'configuration-error') return 'configuration';
  if (record.step.name === 'create-temporary-item' && /already used/i.test(detail)) return 'barcode-in-use';
  if (/gave up after|unreachable|unavailable/i.test(detail)) return 'ils-unreachable';
  if (/not this request's|left (it )?alone|not ours|another patron|belongs to/i.test(detail)) return 'not-ours';
  if (record.step.name === 'lookup-patron' || /patron/i.test(detail)) return 'patron-problem';
  return 'ils-refused';
}

const byHand = (record: StepRecord) =>
  pendingText(record.step)
    .replace(/\.$/, '')
    .replace(/^\w/, (c) => c.toLowerCase());

/** What a person should do about a stopped step, in the words of the circulation desk. */
export function nextActionFor(record: StepRecord): string {
  const detail = record.outcome?.reason ?? record.state;
  const reason = reasonOf(record);
  const input = record.step.input as { patronId?: string; barcode?: string; itemBarcode?: string };
  const thenResolve = 'then resolve the step; or skip it if it is not needed.';
  switch (reason) {
    case 'barcode-in-use': {
      const suggested = suggestedBarcodeOf(record.outcome?.suggestion);
      return `Barcode ${input.barcode} is already on another item in the ILS, which is left alone. Correct the temporary barcode${
        suggested ? ` (apply the suggested ${suggested}, or type another)` : ''
      }: the temporary item and the hold are then made under it.`;
    }
    case 'patron-problem':
      return `Check patron ${input.patronId ?? ''} in the ILS (${detail}). If the patron ID is wrong, correct it on the request; if the patron record is fixed, retry the step; or skip it.`.replace(
        'patron  in',
        'the patron in',
      );
    case 'not-ours':
      return `Look at item ${input.itemBarcode ?? input.barcode ?? ''} at the desk: it is not this request's record, so Bookstrap did not touch it (${detail}). Deal with it by hand, ${thenResolve}`;
    case 'ils-unreachable':
      return `The ILS did not answer (${detail}). Retry the step once the ILS is back.`;
    case 'configuration':
      return `Fix the library's ILS connection or settings (${detail}), then retry the step.`;
    case 'ils-refused':
      return `The ILS refused: ${detail}. Fix the cause and retry; or do it by hand in the ILS (${byHand(record)}), ${thenResolve}`;
  }
}

/**
 * The request's place in the needs-attention queue: the first step a person must act on, unless
 * the request's end made it moot. Undefined: nobody has anything to do.
 */
export function attentionOf(request: Pick<IllRequest, 'status'>, steps: readonly StepRecord[], finding?: OpenFinding): Attention | undefined {
  const first = steps.find((s) => isActionable(s.state) && !mootReason(s.step, request.status));
  if (!first) return finding ? findingAttention(finding) : undefined;
  return { reason: reasonOf(first), stepKey: first.key, step: first.step.name, detail: first.outcome?.reason ?? first.state, nextAction: nextActionFor(first) };
}

/** The ILS sync's last finding, while ILL staff must still act on it (the store keeps it). */
export interface OpenFinding {
  kind: string;
  text: string;
  nextAction?: string | undefined;
}

const isFindingReason = (kind: string): kind is (typeof findingAttentionReasons)[number] => (findingAttentionReasons as readonly string[]).includes(kind);

/**
 * A finding in the queue: a step to act on comes first (it blocks the ILS), so this is the
 * request's attention only when no step waits. A finding of a kind that never needs staff (a
 * hold ready, a pickup) puts nothing in the queue.
 */
export function findingAttention(finding: OpenFinding): Attention | undefined {
  if (!isFindingReason(finding.kind)) return undefined;
  return {
    reason: finding.kind,
    finding: finding.kind,
    detail: finding.text,
    nextAction: finding.nextAction ?? 'Look at what circulation did in the ILS, then mark the finding resolved.',
  };
}

/**
 * A finding stays in the queue until staff resolve it or the request moves on: any change of
 * status (marked returned, completed, checked in…) is ILL acting on what the desk did.
 */
export const findingOutlives = (before: RequestStatus, after: RequestStatus): boolean => before === after;

/** Resolve (done by hand) makes sense for a step not done, not running, and still needed. */
export function resolveRefusal(request: Pick<IllRequest, 'status'>, record: StepRecord, verb: 'resolved' | 'skipped' | 'retried'): string | undefined {
  const what = `Step ${record.key}`;
  if (isDone(record.state))
    return `${what} ${record.state === 'resolved' ? 'was already resolved by hand' : 'already succeeded'}; ${verb === 'retried' ? 'it is never run twice' : 'there is nothing left to do'}`;
  if (record.state === 'running') return `${what} is running now; wait for its outcome`;
  const moot = mootReason(record.step, request.status);
  if (moot) return `${what} is moot: ${moot}; there is nothing to ${verb === 'retried' ? 'retry' : verb === 'resolved' ? 'resolve' : 'skip'}`;
  if (verb === 'skipped' && record.state === 'skipped') return `${what} is already skipped`;
  return undefined;
}

// ---- corrections --------------------------------------------------------------------------------

/** The fields staff get wrong, as the correction carries them (pickup location already as the ILS code). */
export interface Correction {
  temporaryBarcode?: string | undefined;
  useSuggestedBarcode?: boolean | undefined;
  patronId?: string | undefined;
  pickupLocation?: string | undefined;
  itemBarcode?: string | undefined;
  lenderDueDate?: CalendarDate | undefined;
}

export interface ReplanContext extends DecisionContext {
  /** NCIP's AcceptItem creates the item and the hold in one message: a created item means the hold exists too */
  acceptItemPlacesHold: boolean;
}

/**
 * One change to the request's stored steps. `supersede`: a step not yet done is dropped (stored
 * as skipped, with the reason): it would act on the wrong value. `rewrite`: a step not yet done
 * keeps its key (same ILS record) with corrected input, and runs again if it had stopped. `add`:
 * a new step (a new key: a new record, e.g. the item under the new barcode).
 */
export type StepChange =
  | { kind: 'supersede'; key: string; reason: string }
  | { kind: 'rewrite'; key: string; step: IlsStep; reopen: boolean }
  | { kind: 'add'; step: IlsStep };

export interface Replan {
  request: IllRequest;
  /** "temporary barcode 1000017 → 1000017A", one per corrected field */
  corrected: string[];
  changes: StepChange[];
  notes: string[];
}

export type ReplanResult = { ok: true; replan: Replan } | { ok: false; code: 'CORRECTION_NOT_ALLOWED' | 'INVALID_INPUT'; field: string; message: string };

class Refused extends Error {
  constructor(
    readonly code: 'CORRECTION_NOT_ALLOWED' | 'INVALID_INPUT',
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const onLoan: readonly RequestStatus[] = ['received', 'renewal-requested', 'recalled', 'overdue'];
const lentOut: readonly RequestStatus[] = ['shipped', 'renewal-requested', 'recalled', 'overdue'];

/**
 * Re-plans the ILS steps a correction affects, and nothing else: steps already done are never
 * repeated, a record Bookstrap already made in the ILS under the old value is never silently
 * abandoned (the correction is refused, saying what to do by hand), and new records get new
 * steps. Fields are applied in a fixed order, each on the result of the one before.
 */
export function replan(request: IllRequest, correction: Correction, steps: readonly StepRecord[], ctx: ReplanContext): ReplanResult {
  const work = new Working(steps);
  const next: IllRequest = { ...request };
  const corrected: string[] = [];
  const notes: string[] = [];
  try {
    if (correction.patronId !== undefined) correctPatron(next, correction.patronId.trim(), work, ctx, corrected, notes);
    if (correction.pickupLocation !== undefined) correctPickup(next, correction.pickupLocation, work, ctx, corrected);
    if (correction.lenderDueDate !== undefined) correctLenderDueDate(next, correction.lenderDueDate, work, ctx, corrected, notes);
    if (correction.temporaryBarcode !== undefined || correction.useSuggestedBarcode) correctTemporaryBarcode(next, correction, work, ctx, corrected, notes);
    if (correction.itemBarcode !== undefined) correctItemBarcode(next, correction.itemBarcode.trim(), work, ctx, corrected, notes);
  } catch (error) {
    if (error instanceof Refused) return { ok: false, code: error.code, field: error.field, message: error.message };
    throw error;
  }
  if (corrected.length === 0) return { ok: false, code: 'INVALID_INPUT', field: '', message: 'nothing to correct: give at least one field' };
  return { ok: true, replan: { request: next, corrected, changes: work.changes(), notes } };
}

/** The steps as the correction leaves them, and the changes that get there. */
class Working {
  private readonly records = new Map<string, StepRecord>();
  private readonly added: IlsStep[] = [];
  private readonly superseded = new Map<string, string>();
  private readonly rewritten = new Map<string, { step: IlsStep; reopen: boolean }>();

  constructor(steps: readonly StepRecord[]) {
    for (const s of steps) this.records.set(s.key, s);
  }
  get(key: string): StepRecord | undefined {
    return this.records.get(key);
  }
  /** planned by this correction (not yet stored) */
  isAdded(key: string): boolean {
    return this.added.some((s) => s.key === key);
  }
  all(): StepRecord[] {
    return [...this.records.values()];
  }
  supersede(key: string, reason: string): void {
    const record = this.records.get(key);
    if (!record || isDone(record.state) || record.state === 'skipped') return;
    this.records.set(key, { ...record, state: 'skipped', outcome: { kind: 'skipped', reason } });
    if (this.added.some((s) => s.key === key)) {
      this.added.splice(
        this.added.findIndex((s) => s.key === key),
        1,
      );
      this.records.delete(key);
      return;
    }
    this.rewritten.delete(key);
    this.superseded.set(key, reason);
  }
  /** corrected input for a step not done: it keeps its key; stopped, it runs again */
  rewrite(key: string, change: (planned: IlsStep) => IlsStep): void {
    const record = this.records.get(key);
    if (!record || isDone(record.state)) return;
    const planned = change(record.step);
    const wasSuperseded = this.superseded.delete(key);
    // A step whose prerequisites changed runs again: the one it waited for may be dropped now.
    const requiresChanged = (planned.requires ?? []).join() !== (record.step.requires ?? []).join();
    const reopen =
      wasSuperseded ||
      requiresChanged ||
      (this.rewritten.get(key)?.reopen ?? false) ||
      ['needs-staff', 'configuration-error', 'failed-retryable'].includes(record.state);
    const isNew = this.added.findIndex((s) => s.key === key);
    if (isNew >= 0) this.added[isNew] = planned;
    else this.rewritten.set(key, { step: planned, reopen });
    this.records.set(key, { ...record, step: planned, state: reopen ? 'pending' : record.state });
  }
  /** a step for a new record; a key tried before (and not done) is brought back instead */
  add(planned: IlsStep): void {
    const existing = this.records.get(planned.key);
    if (existing) {
      if (isDone(existing.state)) return;
      this.superseded.delete(planned.key);
      const isNew = this.added.findIndex((s) => s.key === planned.key);
      if (isNew >= 0) this.added[isNew] = planned;
      else this.rewritten.set(planned.key, { step: planned, reopen: existing.state !== 'pending' });
      this.records.set(planned.key, { ...existing, step: planned, state: 'pending' });
      return;
    }
    this.added.push(planned);
    this.records.set(planned.key, { key: planned.key, step: planned, state: 'pending' });
  }
  changes(): StepChange[] {
    return [
      ...[...this.superseded].map(([key, reason]): StepChange => ({ kind: 'supersede', key, reason })),
      ...[...this.rewritten].map(([key, { step: planned, reopen }]): StepChange => ({ kind: 'rewrite', key, step: planned, reopen })),
      ...this.added.map((planned): StepChange => ({ kind: 'add', step: planned })),
    ];
  }
  named(name: IlsStepName): StepRecord[] {
    return this.all().filter((s) => s.step.name === name);
  }
}

function refuseIf(condition: boolean, field: string, message: string): void {
  if (condition) throw new Refused('CORRECTION_NOT_ALLOWED', field, message);
}
function invalidIf(condition: boolean, field: string, message: string): void {
  if (condition) throw new Refused('INVALID_INPUT', field, message);
}

/** Not while a step of `name` is running: its outcome is about to land under the old value. */
function notRunning(work: Working, name: IlsStepName, field: string): void {
  const running = work.named(name).find((s) => s.state === 'running');
  refuseIf(!!running, field, `step ${running?.key} is running in the ILS right now; correct ${field} once it has finished`);
}

/**
 * The request's current hold on its temporary item: the last one placed (or made by AcceptItem
 * with the item) that no cancel-hold step has been planned for. Undefined: no hold of the
 * request's is in the ILS, so nothing needs cancelling before the corrected hold is placed.
 */
function placedHold(request: IllRequest, work: Working, ctx: ReplanContext): StepRecord | undefined {
  const cancelled = new Set(work.named('cancel-hold').map((s) => (s.step.input as { placedBy: string }).placedBy));
  const placed = work.named('place-hold').filter((s) => isDone(s.state) && !cancelled.has(s.key));
  const hold = placed[placed.length - 1];
  if (hold) return hold;
  if (!ctx.acceptItemPlacesHold) return undefined;
  return work
    .named('create-temporary-item')
    .find((s) => isDone(s.state) && !cancelled.has(s.key) && (s.step.input as { patronId?: string }).patronId === request.patronId);
}

/** A new key for a hold placed again on the same item (`c1`, `c2`, …): never the key of one before. */
function holdOccurrence(work: Working): string {
  return `c${work.named('place-hold').length}`;
}

/** The item and the patron a placed hold is on, from the step that placed it. */
function holdOf(hold: StepRecord): { itemBarcode: string; patronId: string; pickupLocation?: string | undefined; inLibraryUseOnly: boolean } {
  const input = hold.step.input as { itemBarcode?: string; barcode?: string; patronId?: string; pickupLocation?: string; inLibraryUseOnly?: boolean };
  return {
    itemBarcode: input.itemBarcode ?? input.barcode ?? '',
    patronId: input.patronId ?? '',
    pickupLocation: input.pickupLocation,
    inLibraryUseOnly: input.inLibraryUseOnly ?? false,
  };
}

/**
 * Moves a placed hold to the corrected patron or pickup location: a cancel-hold step for exactly
 * the hold the request placed (its recorded hold ID; the adapter checks it through the ILS and
 * leaves anything else alone), then a new place-hold that runs only once the old hold is gone —
 * so the ILS never sees two holds, and a hold the request does not own is never cancelled.
 * Each move has its own keys (`c1`, `c2`, …): a second correction is a second cancel, never a
 * repeat of the first. Refused, with the ILS's reason, where the ILS cannot cancel a hold.
 */
function moveHold(
  next: IllRequest,
  hold: StepRecord,
  to: { patronId: string; pickupLocation: string },
  reason: 'patron-corrected' | 'pickup-corrected',
  work: Working,
  ctx: ReplanContext,
  field: string,
  refusal: string,
  /** steps the new hold also waits for (the corrected patron's look-up: no hold for a blocked patron) */
  alsoRequires: string[] = [],
): void {
  const placed = holdOf(hold);
  refuseIf(!ctx.settings.enabled, field, `${refusal}; the ILS integration is turned off for this library`);
  refuseIf(
    !stepSupported('cancel-hold', ctx.capabilities) || !stepSupported('place-hold', ctx.capabilities),
    field,
    `${refusal}; this ILS's connection cannot cancel a hold (${ctx.capabilities.cancelHold ? 'no hold can be placed' : 'its API has no hold cancellation Bookstrap can use'})`,
  );
  const occurrence = `c${work.named('cancel-hold').length + 1}`;
  const holdKey = holdOccurrence(work);
  const holdId = typeof hold.outcome?.value?.holdId === 'string' && hold.outcome.value.holdId !== '' ? hold.outcome.value.holdId : undefined;
  const cancel = step(
    'cancel-hold',
    { requestId: next.id, patronId: placed.patronId, itemBarcode: placed.itemBarcode, holdId, placedBy: hold.key, reason },
    placed.itemBarcode,
    occurrence,
  );
  work.add(cancel);
  work.add(
    step(
      'place-hold',
      {
        requestId: next.id,
        patronId: to.patronId,
        itemBarcode: placed.itemBarcode,
        pickupLocation: to.pickupLocation,
        inLibraryUseOnly: placed.inLibraryUseOnly,
      },
      placed.itemBarcode,
      holdKey,
      [cancel.key, ...alsoRequires],
    ),
  );
}

function borrowingOnly(request: IllRequest, field: string): void {
  refuseIf(request.role !== 'borrowing', field, `${field} belongs to borrowing requests; this is a lending request`);
}

function correctPatron(next: IllRequest, patronId: string, work: Working, ctx: ReplanContext, corrected: string[], notes: string[]): void {
  const field = 'patronId';
  borrowingOnly(next, field);
  invalidIf(patronId.length === 0 || patronId.length > 100, field, 'patronId must be 1–100 characters');
  invalidIf(patronId === next.patronId, field, `the patron ID is already ${patronId}`);
  refuseIf(loanOver.includes(next.status), field, `the request is ${next.status}: the patron can no longer change`);
  notRunning(work, 'place-hold', field);
  notRunning(work, 'create-temporary-item', field);
  notRunning(work, 'lookup-patron', field);
  notRunning(work, 'cancel-hold', field);
  const hold = placedHold(next, work, ctx);
  const old = next.patronId;
  next.patronId = patronId;
  corrected.push(`patron ID ${old ?? '(none)'} → ${patronId}`);
  const why = `the patron ID was corrected from ${old} to ${patronId}`;
  if (old) work.supersede(idempotencyKey(next.id, 'lookup-patron', old), why);
  const { settings, capabilities } = ctx;
  const verified: string[] = [];
  if (settings.enabled && settings.borrowing.verifyPatronOnRequest && stepSupported('lookup-patron', capabilities)) {
    work.add(step('lookup-patron', { requestId: next.id, patronId }, patronId));
    verified.push(idempotencyKey(next.id, 'lookup-patron', patronId));
  }
  if (hold) {
    const placed = holdOf(hold);
    moveHold(
      next,
      hold,
      { patronId, pickupLocation: placed.pickupLocation ?? next.pickupLocation ?? ctx.settings.borrowing.illLocation },
      'patron-corrected',
      work,
      ctx,
      field,
      `the hold on item ${placed.itemBarcode} is already placed in the ILS for patron ${old}: cancel that hold at the circulation desk and place one for patron ${patronId} on item ${placed.itemBarcode} by hand (the request keeps patron ${old}, as the ILS does)`,
      verified,
    );
    notes.push(
      `The hold on ${placed.itemBarcode} for patron ${placed.patronId} is cancelled (only if the ILS still shows it as this request's) and a hold is placed for patron ${patronId}.`,
    );
  }
  for (const s of work.named('create-temporary-item')) work.rewrite(s.key, (p) => ({ ...p, input: { ...p.input, patronId } }) as IlsStep);
  // A corrected hold still waiting on the old patron's look-up is replaced by one waiting on the
  // corrected patron's: a rewrite could not wait on a step of a later plan (plans run in order).
  const oldLookup = old ? idempotencyKey(next.id, 'lookup-patron', old) : undefined;
  for (const s of work.named('place-hold')) {
    if (!isDone(s.state) && s.state !== 'skipped' && oldLookup && !work.isAdded(s.key) && s.step.requires?.includes(oldLookup)) {
      work.supersede(s.key, why);
      const input = { ...(s.step.input as HoldInput), patronId };
      const kept = (s.step.requires ?? []).filter((k) => k !== oldLookup);
      work.add(step('place-hold', input, input.itemBarcode, holdOccurrence(work), [...kept, ...verified]));
      continue;
    }
    work.rewrite(s.key, (p) => ({ ...p, input: { ...p.input, patronId } }) as IlsStep);
  }
  for (const s of work.named('charge-fee')) {
    if (isDone(s.state)) notes.push(`The fee already charged to patron ${old} (step ${s.key}) stays on that account: move it by hand if it should not.`);
    else work.rewrite(s.key, (p) => ({ ...p, input: { ...p.input, patronId } }) as IlsStep);
  }
  // Received without a patron ID, nothing was made in the ILS: now the item and the hold can be.
  if (onLoan.includes(next.status) && next.temporaryBarcode && work.named('create-temporary-item').length === 0) {
    for (const s of temporaryItemSteps(next, next.temporaryBarcode, ctx)) work.add(s);
  }
  for (const s of work.named('update-due-date'))
    work.rewrite(s.key, (p) => ({ ...p, input: { ...p.input, patronId, owner: { kind: 'temporary-item', requestId: next.id, patronId } } }) as IlsStep);
}

function correctPickup(next: IllRequest, pickupLocation: string, work: Working, ctx: ReplanContext, corrected: string[]): void {
  const field = 'pickupLocation';
  borrowingOnly(next, field);
  invalidIf(pickupLocation === next.pickupLocation, field, `the pickup location is already ${pickupLocation}`);
  refuseIf(loanOver.includes(next.status), field, `the request is ${next.status}: the pickup location can no longer change`);
  notRunning(work, 'place-hold', field);
  notRunning(work, 'create-temporary-item', field);
  notRunning(work, 'cancel-hold', field);
  const hold = placedHold(next, work, ctx);
  if (hold)
    moveHold(
      next,
      hold,
      { patronId: holdOf(hold).patronId, pickupLocation },
      'pickup-corrected',
      work,
      ctx,
      field,
      `the hold is already placed in the ILS with pickup at ${next.pickupLocation}: change the hold's pickup location to ${pickupLocation} at the circulation desk`,
    );
  corrected.push(`pickup location ${next.pickupLocation ?? '(none)'} → ${pickupLocation}`);
  next.pickupLocation = pickupLocation;
  for (const s of work.named('create-temporary-item')) work.rewrite(s.key, (p) => ({ ...p, input: { ...p.input, pickupLocation } }) as IlsStep);
  for (const s of work.named('place-hold')) work.rewrite(s.key, (p) => ({ ...p, input: { ...p.input, pickupLocation } }) as IlsStep);
}

function correctLenderDueDate(next: IllRequest, lenderDueDate: string, work: Working, ctx: ReplanContext, corrected: string[], notes: string[]): void {
  const field = 'lenderDueDate';
  borrowingOnly(next, field);
  invalidIf(!isCalendarDate(lenderDueDate), field, 'lenderDueDate must be a date YYYY-MM-DD');
  invalidIf(lenderDueDate === next.lenderDueDate, field, `the lender due date is already ${lenderDueDate}`);
  refuseIf(
    next.status !== 'in-transit' && !onLoan.includes(next.status),
    field,
    `the request is ${next.status}: a lender due date is corrected while the item is in transit or on loan`,
  );
  refuseIf(next.serviceType !== 'loan', field, 'a copy has no due date');
  corrected.push(`lender due date ${next.lenderDueDate ?? '(none)'} → ${lenderDueDate}`);
  next.lenderDueDate = lenderDueDate;
  if (!onLoan.includes(next.status)) return; // not received yet: the patron's date is set at receipt
  const { borrowing } = ctx.settings;
  const due = patronDueDate({
    today: ctx.today,
    lenderDueDate,
    returnOffsetDays: borrowing.returnShippingOffsetDays,
    localLoanDays: borrowing.localLoanDays,
    patronExpiry: next.patronExpiry,
    calendar: ctx.settings.calendar,
    rule: borrowing.dueDateRule,
    closedDayMove: borrowing.closedDayMove,
  });
  if (!due.ok) {
    notes.push(`No patron due date could be set from ${lenderDueDate}: ${due.reason}. Staff must set one in the ILS.`);
    return;
  }
  notes.push(...due.notes);
  if (due.dueDate === next.patronDueDate) return;
  notes.push(`Patron due date ${next.patronDueDate ?? '(none)'} → ${due.dueDate}.`);
  next.patronDueDate = due.dueDate;
  const dueDate = due.dueDate;
  const item = next.temporaryBarcode;
  if (!item) return;
  const create = work.get(prerequisite.temporaryItem(next.id, item));
  if (!create) return;
  notRunning(work, 'create-temporary-item', field);
  if (!isDone(create.state)) {
    work.rewrite(create.key, (p) => ({ ...p, input: { ...p.input, dueDate } }) as IlsStep);
    return;
  }
  const update = step(
    'update-due-date',
    { requestId: next.id, patronId: next.patronId, itemBarcode: item, dueDate, owner: { kind: 'temporary-item', requestId: next.id, patronId: next.patronId } },
    item,
    dueDate,
    [create.key],
  );
  if (ctx.settings.enabled && stepSupported('update-due-date', ctx.capabilities)) work.add(update);
  else notes.push(`This ILS cannot change a due date through Bookstrap: set ${dueDate} on item ${item} by hand.`);
}

function correctTemporaryBarcode(next: IllRequest, correction: Correction, work: Working, ctx: ReplanContext, corrected: string[], notes: string[]): void {
  const field = correction.useSuggestedBarcode ? 'useSuggestedBarcode' : 'temporaryBarcode';
  borrowingOnly(next, field);
  refuseIf(next.serviceType !== 'loan', field, 'a copy has no temporary item');
  refuseIf(
    !onLoan.includes(next.status),
    field,
    loanOver.includes(next.status)
      ? `the request is ${next.status}: the temporary barcode can no longer change`
      : `the request is ${next.status}: give the temporary barcode when marking the request received`,
  );
  invalidIf(!!correction.useSuggestedBarcode && correction.temporaryBarcode !== undefined, field, 'give temporaryBarcode or useSuggestedBarcode, not both');
  const old = next.temporaryBarcode;
  const oldCreate = old ? work.get(prerequisite.temporaryItem(next.id, old)) : undefined;
  let barcode: string;
  if (correction.useSuggestedBarcode) {
    const suggested = suggestedBarcodeOf(oldCreate?.outcome?.suggestion);
    refuseIf(
      !suggested || oldCreate?.state !== 'needs-staff',
      field,
      `there is no suggested barcode to apply: the temporary item ${old ?? ''} did not collide with another item; give temporaryBarcode instead`,
    );
    barcode = suggested as string;
  } else {
    barcode = (correction.temporaryBarcode ?? '').trim();
    invalidIf(!isBarcodeSafe(barcode), 'temporaryBarcode', `"${barcode}" is not a usable barcode: use 1–40 letters, digits, "-" or "."`);
  }
  invalidIf(barcode === old, field, `the temporary barcode is already ${barcode}`);
  if (oldCreate) {
    refuseIf(oldCreate.state === 'running', field, `temporary item ${old} is being created in the ILS right now; correct the barcode once that has finished`);
    refuseIf(
      isDone(oldCreate.state),
      field,
      `temporary item ${old} already exists in the ILS and is this request's: relabel it ${barcode} at the desk instead (Bookstrap does not leave a second item behind)`,
    );
  }
  const oldHold = old ? work.get(idempotencyKey(next.id, 'place-hold', old)) : undefined;
  refuseIf(
    !!oldHold && isDone(oldHold.state),
    field,
    `a hold on ${old} is already placed in the ILS: cancel it at the desk before moving the request to another barcode`,
  );
  const why = `the temporary barcode was corrected from ${old} to ${barcode}`;
  if (oldCreate) work.supersede(oldCreate.key, why);
  if (oldHold) work.supersede(oldHold.key, why);
  corrected.push(`temporary barcode ${old ?? '(none)'} → ${barcode}${correction.useSuggestedBarcode ? ' (the suggested one)' : ''}`);
  next.temporaryBarcode = barcode;
  const planned = temporaryItemSteps(next, barcode, ctx);
  for (const s of planned) work.add(s);
  if (planned.length === 0) notes.push(`No temporary item is made by Bookstrap for this request: label the item ${barcode} by hand.`);
}

function correctItemBarcode(next: IllRequest, itemBarcode: string, work: Working, ctx: ReplanContext, corrected: string[], notes: string[]): void {
  const field = 'itemBarcode';
  refuseIf(next.role !== 'lending', field, "a borrowing request's item is the temporary item: correct temporaryBarcode instead");
  invalidIf(!isBarcodeSafe(itemBarcode), field, `"${itemBarcode}" is not a usable barcode: use 1–40 letters, digits, "-" or "."`);
  invalidIf(itemBarcode === next.itemBarcode, field, `the item barcode is already ${itemBarcode}`);
  refuseIf(
    next.status !== 'can-you-supply' && !(lentOut.includes(next.status) && next.serviceType === 'loan'),
    field,
    `the request is ${next.status}: the item barcode can no longer change`,
  );
  const old = next.itemBarcode;
  for (const name of ['place-lending-hold', 'check-out-to-borrowing-library', 'move-to-temporary-location', 'update-due-date'] as const)
    notRunning(work, name, field);
  if (old) {
    const done = (name: IlsStepName) =>
      work.get(idempotencyKey(next.id, name, old)) ?? work.named(name).find((s) => (s.step.input as { itemBarcode?: string }).itemBarcode === old);
    const loan = done('check-out-to-borrowing-library');
    refuseIf(
      !!loan && isDone(loan.state),
      field,
      `item ${old} is already checked out to the borrowing library in the ILS by this request: check it in at the desk and check out ${itemBarcode} by hand (Bookstrap does not leave a loan behind)`,
    );
    const hold = done('place-lending-hold');
    refuseIf(
      !!hold && isDone(hold.state),
      field,
      `a hold on item ${old} is already placed in the ILS for the borrowing library: cancel it at the desk first, then correct the item barcode`,
    );
    const why = `the item barcode was corrected from ${old} to ${itemBarcode}`;
    for (const s of work.all()) if ((s.step.input as { itemBarcode?: string }).itemBarcode === old) work.supersede(s.key, why);
  }
  corrected.push(`item barcode ${old ?? '(none)'} → ${itemBarcode}`);
  next.itemBarcode = itemBarcode;
  const planned =
    next.status === 'can-you-supply'
      ? shipSteps({ ...next }, itemBarcode, { ...ctx, settings: { ...ctx.settings, lending: { ...ctx.settings.lending, checkOutOnShipped: false } } })
      : shipSteps(next, itemBarcode, ctx, notes);
  for (const s of planned) work.add(s);
}
