import type { ObservationRow } from '../sync/store.ts';
import {
  attentionOf,
  currentLender,
  type OpenFinding,
  isActionable,
  isDone,
  mootReason,
  nextActionFor,
  offeredActions,
  ownedRecords,
  prerequisite,
  type StepOutcome,
  temporaryItemIlsBarcode,
} from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { type AdapterRegistry, adapterKey } from '../adapters/types.ts';
import type { Library } from '../store/libraries.ts';
import type { Job } from '../store/outbox.ts';
import type { StoredRequest } from '../store/requests.ts';
import { stepRecord } from '../store/attention.ts';
import type { HistoryRow } from '../store/schema.ts';
import { capabilitiesOf } from '../workflow/requests.ts';
import type { IlsCirculationView, LibraryView, RequestDetail, RequestSummary, StepView } from './schemas.ts';

/** How stored things look on the API. Credentials are masked here, on the only way out. */
export const maskedCredential = '********';

export function toLibraryView(library: Library, registry: AdapterRegistry): LibraryView {
  const credentials: Record<string, string> = {};
  for (const [name, value] of Object.entries(library.connection.credentials ?? {})) if (value) credentials[name] = maskedCredential;
  return {
    symbol: library.symbol,
    name: library.name,
    connection: { ...library.connection, credentials },
    settings: library.settings,
    pickupLocations: library.pickupLocations,
    borrowerIdentifiers: library.settings.lending.borrowerIdentifiers,
    adapter: adapterFor(registry, library.connection) ? adapterKey(library.connection) : `${adapterKey(library.connection)} (no adapter)`,
    capabilities: { ...capabilitiesOf(registry, library) },
    createdAt: library.createdAt.toISOString(),
    updatedAt: library.updatedAt.toISOString(),
  };
}

const reasonOf = (outcome: StepOutcome<Record<string, unknown>> | undefined): string | undefined =>
  outcome && 'reason' in outcome ? outcome.reason : undefined;

const inFlight = new Set<string>(['pending', 'running', 'failed-retryable']);

function waitingFor(job: Job, jobs: Job[]): string | undefined {
  if (job.state !== 'pending') return undefined;
  const prerequisite = job.step.requires?.find((key) => {
    const other = jobs.find((candidate) => candidate.key === key);
    return !other || !isDone(other.state);
  });
  if (prerequisite) return prerequisite;
  return jobs.find((other) => other.planId === job.planId && other.position < job.position && inFlight.has(other.state))?.key;
}

export function toStepView(job: Job, jobs: Job[], request?: Pick<StoredRequest, 'status'>): StepView {
  const last = job.lastOutcome;
  const view: StepView = {
    key: job.key,
    name: job.step.name,
    planId: job.planId,
    position: job.position,
    state: job.state,
    attempts: job.attempts,
    retryable:
      (job.state === 'needs-staff' || job.state === 'configuration-error' || job.state === 'failed-retryable') &&
      !(request && mootReason(job.step, request.status)),
  };
  if (isActionable(job.state) && !(request && mootReason(job.step, request.status))) view.nextAction = nextActionFor(stepRecord(job));
  if (job.state === 'pending' || job.state === 'failed-retryable') view.nextAttemptAt = job.nextAttemptAt.toISOString();
  if (last) {
    view.lastOutcome = { kind: last.kind };
    const reason = reasonOf(last);
    if (reason) view.lastOutcome.reason = reason;
    if (last.kind === 'needs-staff' && last.suggestion) view.lastOutcome.suggestion = last.suggestion;
    if ((last.kind === 'done' || last.kind === 'already-done') && last.reference) view.lastOutcome.reference = last.reference;
    const blockedBy = (last as { blockedBy?: unknown }).blockedBy;
    if (typeof blockedBy === 'string') view.lastOutcome.blockedBy = blockedBy;
    const staff = (last as { by?: unknown }).by;
    if (typeof staff === 'string') view.lastOutcome.by = staff;
  }
  const waiting = waitingFor(job, jobs);
  if (waiting) view.waitingFor = waiting;
  return view;
}

const defined = <T extends Record<string, unknown>>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * The latest patron lookup's answer (issue 13 §3, seed 000's "patron name and barcode
 * verification"): what the ILS showed — also for a blocked or expired patron, whose step waits for
 * staff, and after staff resolved that step by hand. Undefined until the ILS has answered about
 * the patron the request names now.
 */
export function patronVerificationOf(patronId: string | undefined, jobs: Job[]): RequestSummary['patronVerification'] {
  const shown = (outcome: unknown): Record<string, unknown> | undefined => {
    const o = outcome as { kind?: string; value?: unknown; found?: unknown; previous?: unknown } | undefined;
    if (!o) return undefined;
    const patron = (o.kind === 'done' || o.kind === 'already-done' ? o.value : o.kind === 'needs-staff' ? o.found : undefined) as
      | Record<string, unknown>
      | undefined;
    if (patron && typeof patron.status === 'string') return patron;
    return o.previous ? shown(o.previous) : undefined;
  };
  // Only the lookup of the patron the request names now (a corrected ID supersedes the old one's).
  const lookups = jobs
    .filter((job) => job.step.name === 'lookup-patron' && (job.step.input as { patronId?: string }).patronId === patronId)
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id - a.id);
  for (const job of lookups) {
    const patron = shown(job.lastOutcome);
    if (!patron) continue;
    const text = (key: string) => (typeof patron[key] === 'string' && patron[key] ? (patron[key] as string) : undefined);
    return defined({
      patronId: text('patronId') ?? (job.step.input as { patronId: string }).patronId,
      name: text('name'),
      status: patron.status as 'active' | 'blocked' | 'expired',
      expiryDate: text('expiryDate'),
      blocks: Array.isArray(patron.blocks) ? patron.blocks.filter((b): b is string => typeof b === 'string') : [],
      patronType: text('patronType'),
      barcode: text('barcode'),
      checkedAt: job.updatedAt.toISOString(),
      stepKey: job.key,
    });
  }
  return undefined;
}

/** The barcode the ILS gave the request's temporary item, when not the one sent (see temporaryItemIlsBarcode). */
function ilsBarcodeIn(requestId: string, sent: string, jobs: Job[]): string | undefined {
  const created = jobs.find((job) => job.key === prerequisite.temporaryItem(requestId, sent));
  if (!created || (created.state !== 'succeeded' && created.state !== 'resolved')) return undefined;
  return temporaryItemIlsBarcode(sent, created.lastOutcome);
}

/** The sync's finding on the row, while it waits for staff. */
export function openFinding(row: ObservationRow | undefined): OpenFinding | undefined {
  if (!row?.needsIllStaff || !row.lastFindingKind || !row.lastFinding) return undefined;
  return { kind: row.lastFindingKind, text: row.lastFinding, nextAction: row.nextAction ?? undefined };
}

export function toRequestSummary(request: StoredRequest, library: Library, jobs: Job[], finding?: OpenFinding): RequestSummary {
  // The queue column says whether (it is what the list filters on); the steps say what to do.
  const found = request.needsAttention ? attentionOf(request, jobs.map(stepRecord), finding) : undefined;
  const suggestion = found?.stepKey ? jobs.find((job) => job.key === found.stepKey)?.lastOutcome : undefined;
  const attention = found
    ? defined({ ...found, suggestion: suggestion?.kind === 'needs-staff' ? suggestion.suggestion : undefined })
    : request.needsAttention
      ? {
          reason: (request.attentionReason ?? 'ils-refused') as NonNullable<RequestSummary['attention']>['reason'],
          nextAction: 'Open the request and look at its ILS steps.',
          stepKey: request.attentionStepKey ?? undefined,
          detail: '',
        }
      : undefined;
  return defined({
    id: request.id,
    library: library.symbol,
    role: request.role,
    serviceType: request.serviceType,
    status: request.status,
    title: request.title,
    author: request.author,
    isbn: request.isbn,
    patronId: request.patronId,
    patronExpiry: request.patronExpiry,
    patronName: request.patronName,
    patronEmail: request.patronEmail,
    patronVerification: patronVerificationOf(request.patronId, jobs),
    pickupLocation: request.pickupLocation,
    inLibraryUseOnly: request.inLibraryUseOnly,
    lenders: request.lenders,
    currentLender: request.role === 'borrowing' ? currentLender(request) : undefined,
    borrowingLibrary: request.borrowingLibrary,
    supplierItemBarcode: request.supplierItemBarcode,
    lenderDueDate: request.lenderDueDate,
    temporaryBarcode: request.temporaryBarcode,
    temporaryBarcodeInIls: request.temporaryBarcode ? ilsBarcodeIn(request.id, request.temporaryBarcode, jobs) : undefined,
    patronDueDate: request.patronDueDate,
    itemBarcode: request.itemBarcode,
    dueDate: request.dueDate,
    missingSince: request.missingSince,
    renewals: request.renewals,
    partnerRequestId: request.partnerRequestId,
    allowedActions: offeredActions(request, library.settings),
    needsAttention: request.needsAttention,
    attention,
    pendingSteps: jobs.filter((job) => job.state === 'pending' || job.state === 'running' || job.state === 'failed-retryable').length,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  });
}

export function toIlsCirculation(row: ObservationRow): IlsCirculationView {
  return defined({
    itemBarcode: row.itemBarcode,
    state: row.state,
    loanDueDate: row.loanDueDate ?? undefined,
    lastFinding: row.lastFinding ?? undefined,
    lastFindingKind: row.lastFindingKind ?? undefined,
    nextAction: row.nextAction ?? undefined,
    needsIllStaff: row.needsIllStaff,
    unseen: row.unseen ?? undefined,
    lendingDueDateCap: row.lendingDueDateCap ?? undefined,
    readAt: row.readAt?.toISOString(),
  });
}

export function toRequestDetail(request: StoredRequest, library: Library, jobs: Job[], history: HistoryRow[], observation?: ObservationRow): RequestDetail {
  return {
    ...(observation ? { ilsCirculation: toIlsCirculation(observation) } : {}),
    ...toRequestSummary(request, library, jobs, openFinding(observation)),
    history: history.map((entry) =>
      defined({
        at: entry.at.toISOString(),
        kind: entry.kind,
        text: entry.text,
        action: entry.action ?? undefined,
        stepKey: entry.stepKey ?? undefined,
        outcome: (entry.outcome ?? undefined) as RequestDetail['history'][number]['outcome'],
      }),
    ),
    steps: jobs.map((job) => toStepView(job, jobs, request)),
    // what the request owns in the ILS: the only records its later steps may act on
    ilsRecords: ownedRecords(jobs.map((job) => ({ step: job.step, outcome: job.lastOutcome, succeeded: job.state === 'succeeded' }))),
  };
}
