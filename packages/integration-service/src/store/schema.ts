import { noticeKinds, type StepState, stepStates } from '@bookstrap/core';
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The service's own state. Requests and their circulation history are the ILL record; outbox
 * jobs are the ILS steps still to run (one per step, keyed for idempotency); the protocol log
 * keeps the raw traffic with secrets masked, apart from the human-readable history.
 */

const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });
const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

export const libraries = sqliteTable('libraries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** OCLC-style symbol, upper case: the library's identity among partners */
  symbol: text('symbol').notNull().unique(),
  name: text('name').notNull(),
  /** connection to the ILS, credentials included: never returned by the API */
  connection: json<Record<string, unknown>>('connection').notNull(),
  /** integration settings as configured (the parsed, defaulted form) */
  settings: json<Record<string, unknown>>('settings').notNull(),
  pickupLocations: json<Record<string, unknown>[]>('pickup_locations').notNull(),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    /** sha-256 of the key: keys are random and long, so a slow hash buys nothing */
    keyHash: text('key_hash').notNull().unique(),
    /** the first characters, so staff can tell keys apart without the secret */
    prefix: text('prefix').notNull(),
    createdAt: instant('created_at').notNull(),
    revokedAt: instant('revoked_at'),
    /** a rotated-out key keeps working until then (the grace period), then is refused */
    expiresAt: instant('expires_at'),
    /** to the hour: written only when the stored value is an hour old, so reads stay reads */
    lastUsedAt: instant('last_used_at'),
  },
  (t) => [index('api_keys_library').on(t.libraryId)],
);

export const requests = sqliteTable(
  'requests',
  {
    /** the sequence the request ID is derived from (check digit added) */
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    role: text('role', { enum: ['borrowing', 'lending'] }).notNull(),
    serviceType: text('service_type', { enum: ['loan', 'copy'] }).notNull(),
    status: text('status').notNull(),
    title: text('title').notNull(),
    author: text('author'),
    isbn: text('isbn'),
    patronId: text('patron_id'),
    patronExpiry: text('patron_expiry'),
    /** from the ILL request: how ILL-side notices greet and reach the patron */
    patronName: text('patron_name'),
    patronEmail: text('patron_email'),
    pickupLocation: text('pickup_location'),
    inLibraryUseOnly: integer('in_library_use_only', { mode: 'boolean' }).notNull().default(false),
    lenders: json<string[]>('lenders').notNull(),
    lenderIndex: integer('lender_index').notNull().default(0),
    borrowingLibrary: text('borrowing_library'),
    supplierItemBarcode: text('supplier_item_barcode'),
    lenderDueDate: text('lender_due_date'),
    temporaryBarcode: text('temporary_barcode'),
    patronDueDate: text('patron_due_date'),
    itemBarcode: text('item_barcode'),
    dueDate: text('due_date'),
    missingSince: text('missing_since'),
    renewals: integer('renewals').notNull().default(0),
    /** the other side's request when both libraries use this service */
    partnerRequestId: text('partner_request_id'),
    /**
     * In the needs-attention queue: a step a person must act on (core \`attentionOf\`), kept in the
     * same transaction as every step change so the queue is one indexed query.
     */
    needsAttention: integer('needs_attention', { mode: 'boolean' }).notNull().default(false),
    /** why (core \`AttentionReason\`) and which step, while needsAttention */
    attentionReason: text('attention_reason'),
    attentionStepKey: text('attention_step_key'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    index('requests_library_status').on(t.libraryId, t.status),
    index('requests_library_title').on(t.libraryId, t.title),
    // a lending check-out asks which other requests hold a loan on the same item (store/loans.ts)
    index('requests_library_item').on(t.libraryId, t.itemBarcode),
    index('requests_library_attention').on(t.libraryId, t.needsAttention, t.attentionReason),
    // The API's lists, newest first (issue 14): an index entry ends with the rowid (= seq), so each
    // of these walks one filter's requests already in list order — keyset pages, no sort.
    index('requests_library').on(t.libraryId),
    index('requests_library_role').on(t.libraryId, t.role),
    index('requests_library_patron').on(t.libraryId, t.patronId),
    index('requests_library_needs_attention').on(t.libraryId, t.needsAttention),
    // The console's queues (issue 15): one role's requests in one status, newest first, with no
    // sort and no walk through the role's other statuses (a queue whose status is empty costs
    // nothing); its search box: a barcode scanned at the desk, temporary or the lender's.
    index('requests_library_role_status').on(t.libraryId, t.role, t.status),
    // a role's needs-attention queue (the console's two): counted and listed from the index alone,
    // not by reading every attention request's row to test its role (issue 14)
    index('requests_library_role_attention').on(t.libraryId, t.role, t.needsAttention),
    index('requests_library_temporary_barcode').on(t.libraryId, t.temporaryBarcode),
    index('requests_library_supplier_barcode').on(t.libraryId, t.supplierItemBarcode),
    // the hourly sweep (age-out of missing items) looks for one status across libraries
    index('requests_status').on(t.status),
  ],
);

export const historyKinds = ['created', 'action', 'note', 'pending', 'outcome', 'partner', 'staff', 'ils'] as const;
export type HistoryKind = (typeof historyKinds)[number];

/** Append-only: rows are inserted, never updated or deleted (triggers in the migration enforce it). */
export const circulationHistory = sqliteTable(
  'circulation_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id),
    at: instant('at').notNull(),
    kind: text('kind', { enum: historyKinds }).notNull(),
    /** the action that was taken, for action entries */
    action: text('action'),
    stepKey: text('step_key'),
    outcome: text('outcome'),
    text: text('text').notNull(),
  },
  (t) => [index('history_request').on(t.requestId, t.id)],
);

/**
 * `skipped`: never run because a step it depends on failed or was never planned (no cascades:
 * it would have acted on records the request does not own), or skipped by staff, superseded by a
 * correction, or moot once the request ended. A step skipped because of another runs after all
 * if that one is later retried to success. `resolved`: staff did it by hand in the ILS; it
 * counts as succeeded for the steps that depend on it. The same states as core `stepStates`.
 */
export const jobStates = stepStates;
export type JobState = StepState;
/** steps in these states wait for a person (a retry that is waiting does not: it runs by itself) */
export const attentionJobStates: readonly JobState[] = ['needs-staff', 'configuration-error'];

export const outboxJobs = sqliteTable(
  'outbox_jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** request + step + item (+ occurrence): the same key is the same ILS action, run once */
    idempotencyKey: text('idempotency_key').notNull(),
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    /** the history entry of the action whose plan this step belongs to; plans run in order */
    planId: integer('plan_id').notNull(),
    position: integer('position').notNull(),
    stepName: text('step_name').notNull(),
    /** the core `IlsStep`, input included: enough to run the step after a restart */
    step: json<Record<string, unknown>>('step').notNull(),
    state: text('state', { enum: jobStates }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseUntil: instant('lease_until'),
    lastOutcome: json<Record<string, unknown>>('last_outcome'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('outbox_jobs_idempotency_key').on(t.idempotencyKey),
    index('outbox_jobs_due').on(t.state, t.nextAttemptAt),
    index('outbox_jobs_request').on(t.requestId, t.planId, t.position),
    // The worker's claim (store/outbox.ts): only waiting jobs, in due order, so a claim is a short
    // range scan however many settled jobs the table holds; and running jobs by lease, for takeovers.
    index('outbox_jobs_claimable').on(t.nextAttemptAt, t.id).where(sql`state in ('pending', 'failed-retryable')`),
    index('outbox_jobs_leases').on(t.leaseUntil).where(sql`state = 'running'`),
  ],
);

export const protocolLog = sqliteTable(
  'protocol_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id'),
    stepKey: text('step_key'),
    libraryId: integer('library_id'),
    at: instant('at').notNull(),
    method: text('method').notNull(),
    url: text('url').notNull(),
    requestHeaders: json<Record<string, string>>('request_headers'),
    requestBody: text('request_body'),
    status: integer('status'),
    responseBody: text('response_body'),
    durationMs: integer('duration_ms'),
    error: text('error'),
  },
  (t) => [
    index('protocol_log_request').on(t.requestId, t.id),
    // retention (store/protocol-log.ts): the oldest exchanges are deleted in batches
    index('protocol_log_at').on(t.at),
  ],
);

/**
 * Patron notices Bookstrap queues for the library's mailer ("loan available for pickup"): due
 * at `dueAt`, marked sent by the mailer. Bookstrap itself sends no e-mail.
 */
export const patronNotices = sqliteTable(
  'patron_notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    kind: text('kind', { enum: noticeKinds }).notNull(),
    patronId: text('patron_id').notNull(),
    /** the mail's subject (absent on notices queued before mailing existed) */
    subject: text('subject'),
    text: text('text').notNull(),
    /** when it falls due; moved later after a failed delivery (the mailer's retry) */
    dueAt: instant('due_at').notNull(),
    sentAt: instant('sent_at'),
    /** made moot before it went out (a renewal moved "due soon", the loan ended) */
    withdrawnAt: instant('withdrawn_at'),
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    lastDeliveryError: text('last_delivery_error'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('patron_notices_due').on(t.libraryId, t.sentAt, t.dueAt)],
);

/**
 * The ILS's governance budgets (worker/rate-limit.ts): one row per budget (an institution's
 * allowance), so every worker in every process on this database paces against the same count.
 */
export const ilsRateBudgets = sqliteTable(
  'ils_rate_budgets',
  {
    budgetKey: text('budget_key').primaryKey(),
    /** the limiter's state: recent call times, pause, learned allowance, daily quota left */
    state: text('state').notNull(),
    /** a column of its own: the worker asks which budgets are paused before each claim */
    pausedUntil: integer('paused_until').notNull().default(0),
  },
  (t) => [index('ils_rate_budgets_paused').on(t.pausedUntil)],
);

/**
 * The ILS sync's memory per request: what it last read of the request's own ILS record (the
 * temporary item, or the lent item's loan), what it noticed, and whether ILL staff must look.
 * Kept here, not in memory, so a restart neither repeats a finding nor misses a change.
 */
export const ilsObservations = sqliteTable('ils_observations', {
  requestId: text('request_id')
    .primaryKey()
    .references(() => requests.id),
  libraryId: integer('library_id')
    .notNull()
    .references(() => libraries.id),
  itemBarcode: text('item_barcode').notNull(),
  /** core `IlsItemState` */
  state: text('state').notNull(),
  /** the loan's due date as the ILS has it */
  loanDueDate: text('loan_due_date'),
  /** the latest finding, and what to do about it */
  lastFinding: text('last_finding'),
  lastFindingKind: text('last_finding_kind'),
  nextAction: text('next_action'),
  needsIllStaff: integer('needs_ill_staff', { mode: 'boolean' }).notNull().default(false),
  /** what the ILS's API could not show on the last read */
  unseen: json<string[]>('unseen'),
  /** lending: the due date the ILS gave the loan when it was not the request's (the expiry cap) */
  lendingDueDateCap: text('lending_due_date_cap'),
  readAt: instant('read_at'),
  updatedAt: instant('updated_at').notNull(),
});

/** When each library's ILS sync runs next (the injected clock's time), and how its last run went. */
export const ilsSyncRuns = sqliteTable('ils_sync_runs', {
  libraryId: integer('library_id')
    .primaryKey()
    .references(() => libraries.id),
  nextRunAt: instant('next_run_at').notNull(),
  lastRunAt: instant('last_run_at'),
  lastRead: integer('last_read').notNull().default(0),
  lastError: text('last_error'),
});

/**
 * Periodic work that must run on one service instance at a time (the age-out sweep, the ILS
 * sync, the notice sender, protocol-log retention; worker/periodic.ts): who holds each, until
 * when (wall-clock ms). Taken and renewed with one compare-and-set statement (store/leases.ts);
 * a holder that dies stops renewing and another instance takes over when the lease runs out.
 */
export const serviceLeases = sqliteTable('service_leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  leaseUntil: integer('lease_until').notNull(),
});

/**
 * Console sign-in sessions, in the store so every instance behind a load balancer knows them
 * (console/session.ts). Only the token's hash is kept; the key the session was opened with and
 * its CSRF token are sealed with a key derived from the token, which only the browser holds.
 */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    kind: text('kind', { enum: ['library', 'admin'] }).notNull(),
    sealed: text('sealed').notNull(),
    lastSeen: integer('last_seen').notNull(),
    /** idle expiry (ms): moved on as the session is used */
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('console_sessions_expiry').on(t.expiresAt)],
);

/**
 * Vendor tokens and sessions (a Sierra token, OCLC access tokens, a SirsiDynix staff session)
 * shared by every instance on this database, so each library logs in once, not once per process
 * (adapters/shared-tokens.ts). Sealed with a key derived from the connection's own credentials;
 * never logged.
 */
export const vendorTokens = sqliteTable('vendor_tokens', {
  cacheKey: text('cache_key').primaryKey(),
  sealed: text('sealed').notNull(),
  /** ms; an expired row is never used */
  expiresAt: integer('expires_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const allTables = {
  libraries,
  apiKeys,
  requests,
  circulationHistory,
  outboxJobs,
  protocolLog,
  patronNotices,
  ilsRateBudgets,
  ilsObservations,
  ilsSyncRuns,
  serviceLeases,
  consoleSessions,
  vendorTokens,
};

export type LibraryRow = typeof libraries.$inferSelect;
export type RequestRow = typeof requests.$inferSelect;
export type HistoryRow = typeof circulationHistory.$inferSelect;
export type JobRow = typeof outboxJobs.$inferSelect;
export type ProtocolLogRow = typeof protocolLog.$inferSelect;
export type PatronNoticeRow = typeof patronNotices.$inferSelect;

/**
 * `Idempotency-Key`s of request creations (POST /v1/requests), per library, kept 24 hours as
 * Stripe keeps them: an ILL system that retries a create after a timeout gets the request it
 * already made, never a second one. Written in the creating transaction (store/idempotency.ts).
 */
export const requestIdempotencyKeys = sqliteTable(
  'request_idempotency_keys',
  {
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    key: text('key').notNull(),
    /** sha-256 of the validated body: the same key with another body is refused, not replayed */
    bodyHash: text('body_hash').notNull(),
    requestId: text('request_id').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.libraryId, t.key] }), index('request_idempotency_keys_created').on(t.createdAt)],
);
