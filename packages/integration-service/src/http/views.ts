import { allowedActions, currentLender, ownedRecords, type StepOutcome } from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { type AdapterRegistry, adapterKey } from '../adapters/types.ts';
import type { Library } from '../store/libraries.ts';
import type { Job } from '../store/outbox.ts';
import type { StoredRequest } from '../store/requests.ts';
import { attentionJobStates, type HistoryRow } from '../store/schema.ts';
import { capabilitiesOf } from '../workflow/requests.ts';
import type { LibraryView, RequestDetail, RequestSummary, StepView } from './schemas.ts';

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

/** States in which a step wants staff to look (a retryable failure is shown too: the ILS is failing). */
const attentionStates = new Set<string>(attentionJobStates);

const reasonOf = (outcome: StepOutcome<Record<string, unknown>> | undefined): string | undefined =>
  outcome && 'reason' in outcome ? outcome.reason : undefined;

const inFlight = new Set<string>(['pending', 'running', 'failed-retryable']);

function waitingFor(job: Job, jobs: Job[]): string | undefined {
  if (job.state !== 'pending') return undefined;
  const prerequisite = job.step.requires?.find((key) => jobs.find((other) => other.key === key)?.state !== 'succeeded');
  if (prerequisite) return prerequisite;
  return jobs.find((other) => other.planId === job.planId && other.position < job.position && inFlight.has(other.state))?.key;
}

export function toStepView(job: Job, jobs: Job[]): StepView {
  const last = job.lastOutcome;
  const view: StepView = {
    key: job.key,
    name: job.step.name,
    planId: job.planId,
    position: job.position,
    state: job.state,
    attempts: job.attempts,
    retryable: job.state === 'needs-staff' || job.state === 'configuration-error' || job.state === 'failed-retryable',
  };
  if (job.state === 'pending' || job.state === 'failed-retryable') view.nextAttemptAt = job.nextAttemptAt.toISOString();
  if (last) {
    view.lastOutcome = { kind: last.kind };
    const reason = reasonOf(last);
    if (reason) view.lastOutcome.reason = reason;
    if (last.kind === 'needs-staff' && last.suggestion) view.lastOutcome.suggestion = last.suggestion;
    if ((last.kind === 'done' || last.kind === 'already-done') && last.reference) view.lastOutcome.reference = last.reference;
    const blockedBy = (last as { blockedBy?: unknown }).blockedBy;
    if (typeof blockedBy === 'string') view.lastOutcome.blockedBy = blockedBy;
  }
  const waiting = waitingFor(job, jobs);
  if (waiting) view.waitingFor = waiting;
  return view;
}

const defined = <T extends Record<string, unknown>>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function toRequestSummary(request: StoredRequest, library: Library, jobs: Job[]): RequestSummary {
  const attention = jobs
    .filter((job) => attentionStates.has(job.state))
    .map((job) =>
      defined({
        stepKey: job.key,
        step: job.step.name,
        state: job.state,
        reason: reasonOf(job.lastOutcome) ?? job.state,
        suggestion: job.lastOutcome?.kind === 'needs-staff' ? job.lastOutcome.suggestion : undefined,
        nextAttemptAt: job.state === 'failed-retryable' ? job.nextAttemptAt.toISOString() : undefined,
      }),
    );
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
    pickupLocation: request.pickupLocation,
    inLibraryUseOnly: request.inLibraryUseOnly,
    lenders: request.lenders,
    currentLender: request.role === 'borrowing' ? currentLender(request) : undefined,
    borrowingLibrary: request.borrowingLibrary,
    supplierItemBarcode: request.supplierItemBarcode,
    lenderDueDate: request.lenderDueDate,
    temporaryBarcode: request.temporaryBarcode,
    patronDueDate: request.patronDueDate,
    itemBarcode: request.itemBarcode,
    dueDate: request.dueDate,
    missingSince: request.missingSince,
    renewals: request.renewals,
    partnerRequestId: request.partnerRequestId,
    allowedActions: allowedActions(request),
    needsAttention: attention.length > 0,
    attention,
    pendingSteps: jobs.filter((job) => job.state === 'pending' || job.state === 'running' || job.state === 'failed-retryable').length,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  });
}

export function toRequestDetail(request: StoredRequest, library: Library, jobs: Job[], history: HistoryRow[]): RequestDetail {
  return {
    ...toRequestSummary(request, library, jobs),
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
    steps: jobs.map((job) => toStepView(job, jobs)),
    // what the request owns in the ILS: the only records its later steps may act on
    ilsRecords: ownedRecords(jobs.map((job) => ({ step: job.step, outcome: job.lastOutcome, succeeded: job.state === 'succeeded' }))),
  };
}
