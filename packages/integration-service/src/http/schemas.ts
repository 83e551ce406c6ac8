import {
  attentionReasons,
  borrowingStatuses,
  connectionSchema,
  integrationSettingsSchema,
  lendingSettingsSchema,
  lendingStatuses,
  outcomeKinds,
  pickupLocationSchema,
  preflightCheckNames,
} from '@bookstrap/core';
import { z } from '@hono/zod-openapi';
import { jobStates } from '../store/schema.ts';

/** The API's shared shapes: what a library, a request, a history entry and an ILS step look like. */

export const symbolSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{2,12}$/, 'an OCLC-style symbol: 2–12 letters or digits')
  .transform((s) => s.toUpperCase())
  .openapi({ example: 'TULSA' });

/** A patron's ILS identifier as the API takes it (body and query alike). */
export const patronIdSchema = z.string().trim().min(1).max(100);

export const calendarDateSchema = z.iso.date('must be a date YYYY-MM-DD').openapi({ example: '2026-12-15' });
const barcodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9\-.]{1,40}$/, 'a barcode: 1–40 letters, digits, "-" or "."')
  .openapi({ example: '39000000001' });

export const pagingQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
});

// ---- libraries -------------------------------------------------------------------------------

export const borrowerIdentifiersSchema = lendingSettingsSchema.shape.borrowerIdentifiers.unwrap();

const credentialsView = z
  .record(z.string(), z.string())
  .openapi({ description: 'Which credentials are set; values are always masked.', example: { apiKey: '********' } });

export const libraryViewSchema = z
  .object({
    symbol: z.string(),
    name: z.string(),
    connection: connectionSchema.omit({ credentials: true }).extend({ credentials: credentialsView }),
    settings: integrationSettingsSchema,
    pickupLocations: z.array(pickupLocationSchema),
    borrowerIdentifiers: borrowerIdentifiersSchema,
    /** the adapter used (`ils:protocol`) and what it can do */
    adapter: z.string(),
    capabilities: z.record(z.string(), z.union([z.boolean(), z.string()])),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Library');
export type LibraryView = z.infer<typeof libraryViewSchema>;

export const preflightReportSchema = z
  .object({
    ok: z.boolean().openapi({ description: 'No check failed (skipped checks do not count).' }),
    checks: z.array(
      z.object({
        name: z.enum(preflightCheckNames),
        status: z.enum(['passed', 'failed', 'skipped']),
        ok: z.boolean(),
        detail: z.string().openapi({ description: "What was found, the ILS's own error text, or why the check was skipped." }),
      }),
    ),
  })
  .openapi('ConnectionCheck');

/** `?check=false` on create and update: store the configuration without asking the ILS. */
export const checkQuerySchema = z.object({
  check: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .openapi({
      param: { name: 'check', in: 'query' },
      description: 'Run the connection check first (default); `false` stores the configuration without asking the ILS.',
    }),
});

export const libraryWithKeySchema = libraryViewSchema
  .extend({
    apiKey: z.string().openapi({ description: "The library's API key. Shown once: store it now." }),
    check: preflightReportSchema.optional().openapi({ description: 'The connection check, unless `?check=false`.' }),
  })
  .openapi('LibraryWithKey');

export const libraryListSchema = z
  .object({ libraries: z.array(libraryViewSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi('LibraryList');

// ---- requests --------------------------------------------------------------------------------

export const statusSchema = z.enum([...new Set([...borrowingStatuses, ...lendingStatuses])] as [string, ...string[]]);

export const attentionSchema = z
  .object({
    reason: z.enum(attentionReasons).openapi({ description: 'Why the request waits for a person (countable: `GET /v1/requests/attention-counts`).' }),
    nextAction: z.string().openapi({ description: 'What to do next, in a librarian’s words.' }),
    stepKey: z.string().optional().openapi({ description: 'The step to act on (absent when an ILS finding is what waits).' }),
    step: z.string().optional(),
    finding: z
      .string()
      .optional()
      .openapi({ description: 'The ILS sync’s finding to act on (`ilsCirculation`); resolve it with `POST /v1/requests/{id}/ils-finding/resolve`.' }),
    detail: z.string().openapi({ description: 'What the ILS said.' }),
    suggestion: z.string().optional(),
  })
  .openapi('Attention');

export const patronVerificationSchema = z
  .object({
    patronId: z.string(),
    name: z.string().optional(),
    status: z.enum(['active', 'blocked', 'expired']),
    expiryDate: z.string().optional(),
    blocks: z.array(z.string()),
    patronType: z.string().optional(),
    barcode: z.string().optional(),
    checkedAt: z.string().openapi({ description: 'When the ILS was asked.' }),
    stepKey: z.string(),
  })
  .openapi('PatronVerification', {
    description: "The ILS patron as the adapter's patron lookup showed them, for staff to verify at review (name, status, expiry, blocks).",
  });

export const requestSummarySchema = z
  .object({
    id: z.string().openapi({ example: '1000017' }),
    library: z.string(),
    role: z.enum(['borrowing', 'lending']),
    serviceType: z.enum(['loan', 'copy']),
    status: z.string(),
    title: z.string(),
    author: z.string().optional(),
    isbn: z.string().optional(),
    patronId: z.string().optional(),
    patronExpiry: z.string().optional(),
    patronName: z.string().optional(),
    patronEmail: z.string().optional(),
    patronVerification: patronVerificationSchema.optional(),
    pickupLocation: z.string().optional(),
    inLibraryUseOnly: z.boolean(),
    lenders: z.array(z.string()),
    currentLender: z.string().optional(),
    borrowingLibrary: z.string().optional(),
    supplierItemBarcode: z.string().optional(),
    lenderDueDate: z.string().optional(),
    temporaryBarcode: z.string().optional(),
    temporaryBarcodeInIls: z.string().optional().openapi({
      description:
        'The barcode the ILS gave the temporary item when it is not temporaryBarcode (a responder that makes the item under a new barcode when the sent one is taken, as Koha does). The strap and every later step use it.',
    }),
    patronDueDate: z.string().optional(),
    itemBarcode: z.string().optional(),
    dueDate: z.string().optional(),
    missingSince: z.string().optional(),
    renewals: z.number().int(),
    partnerRequestId: z.string().optional().openapi({ description: "The other library's request, when both use this service." }),
    allowedActions: z.array(z.string()),
    needsAttention: z.boolean().openapi({
      description: 'A person must act on an ILS step (a retry that is waiting does not count: it runs by itself); `attention` says why and what to do.',
    }),
    attention: attentionSchema.optional(),
    pendingSteps: z.number().int().openapi({ description: 'ILS steps not yet done (queued, running or waiting for a retry).' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RequestSummary');
export type RequestSummary = z.infer<typeof requestSummarySchema>;

export const historyEntrySchema = z
  .object({
    at: z.string(),
    kind: z.string(),
    text: z.string(),
    action: z.string().optional(),
    stepKey: z.string().optional(),
    outcome: z.enum(outcomeKinds).optional(),
  })
  .openapi('HistoryEntry');

export const stepViewSchema = z
  .object({
    key: z.string().openapi({ description: 'The idempotency key: request, step, item (and occurrence).' }),
    name: z.string(),
    planId: z.number().int(),
    position: z.number().int(),
    state: z.enum(jobStates),
    attempts: z.number().int(),
    nextAttemptAt: z.string().optional(),
    lastOutcome: z
      .object({
        kind: z.enum([...outcomeKinds, 'skipped', 'resolved']),
        reason: z.string().optional(),
        suggestion: z.string().optional(),
        reference: z.string().optional(),
        blockedBy: z
          .string()
          .optional()
          .openapi({ description: 'skipped: the step whose failure means this one would act on records the request does not own' }),
        by: z.string().optional().openapi({ description: 'resolved or skipped: the staff member' }),
      })
      .optional(),
    waitingFor: z.string().optional().openapi({ description: 'The earlier step this one waits for.' }),
    retryable: z.boolean().openapi({ description: 'Staff may retry it now.' }),
    nextAction: z.string().optional().openapi({ description: 'When a person must act on this step: what to do, in a librarian’s words.' }),
  })
  .openapi('Step');
export type StepView = z.infer<typeof stepViewSchema>;

export const ownedRecordSchema = z
  .object({
    kind: z.enum(['temporary-item', 'hold', 'fee', 'loan', 'lending-hold']),
    stepKey: z.string().openapi({ description: 'the step whose outcome made the record this request’s' }),
    barcode: z.string().optional(),
    ilsBarcode: z
      .string()
      .optional()
      .openapi({ description: 'the barcode the ILS gave the temporary item when it is not `barcode` (the sent one was taken): the record this request owns' }),
    patronId: z.string().optional(),
    ilsId: z.string().optional().openapi({ description: 'the ILS’s own ID for the record, when the ILS gave one' }),
    released: z.boolean().openapi({ description: 'given back by the request’s own step (temporary item deleted, lending loan checked in)' }),
  })
  .openapi('OwnedRecord', {
    description: 'An ILS record this request created or took over. Later steps act only on these (never touch what isn’t yours).',
  });

export const ilsCirculationSchema = z
  .object({
    itemBarcode: z.string(),
    state: z.string().openapi({
      description:
        'What the ILS sync last read: awaiting-pickup-check-in, hold-in-transit, hold-ready, on-loan, on-loan-elsewhere, checked-in, hold-expired, not-in-ils (unread: not read yet)',
    }),
    loanDueDate: z.string().optional().openapi({ description: "the loan's due date in the ILS" }),
    lastFinding: z.string().optional(),
    lastFindingKind: z.string().optional(),
    nextAction: z.string().optional(),
    needsIllStaff: z.boolean().openapi({ description: 'a finding ILL staff must look at (a circulation renewal, a desk check-in first, an expired hold)' }),
    unseen: z.array(z.string()).optional().openapi({ description: "what the ILS's API could not show on the last read, and why" }),
    lendingDueDateCap: z
      .string()
      .optional()
      .openapi({ description: "lending: the due date the ILS gave, when it capped the request's (the account's expiry)" }),
    readAt: z.string().optional(),
  })
  .openapi('IlsCirculation', { description: 'What circulation did, as the ILS sync read it through the ILS’s own API.' });
export type IlsCirculationView = z.infer<typeof ilsCirculationSchema>;

export const requestDetailSchema = requestSummarySchema
  .extend({
    history: z.array(historyEntrySchema),
    steps: z.array(stepViewSchema),
    ilsRecords: z.array(ownedRecordSchema),
    ilsCirculation: ilsCirculationSchema.optional(),
  })
  .openapi('Request');
export type RequestDetail = z.infer<typeof requestDetailSchema>;

export const requestListSchema = z
  .object({
    requests: z.array(requestSummarySchema),
    /** counted up to 1,000; `totalCapped` says there are more */
    total: z.number().int(),
    totalCapped: z.boolean(),
    limit: z.number().int(),
    offset: z.number().int(),
    /** pass as `cursor` for the next page (keyset paging, stable while requests are added); absent on the last page */
    nextCursor: z.string().optional(),
    /** pass as `prevCursor` for the page before (newer requests); absent on the first page */
    prevCursor: z.string().optional(),
  })
  .openapi('RequestList');

export const requestIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^\d{7,16}$/, 'a request ID: digits only')
    .openapi({ param: { name: 'id', in: 'path' }, example: '1000017' }),
});

export const newBorrowingRequestSchema = z
  .object({
    role: z.literal('borrowing'),
    serviceType: z.enum(['loan', 'copy']).default('loan'),
    title: z.string().trim().min(1).max(500),
    author: z.string().trim().min(1).max(300).optional(),
    isbn: z
      .string()
      .trim()
      .regex(/^[0-9Xx-]{10,17}$/, 'an ISBN (10 or 13 digits)')
      .optional(),
    patronId: patronIdSchema.optional().openapi({ description: 'The identifier the ILS knows the patron by. Needed before a loan can be sent.' }),
    patronName: z.string().trim().min(1).max(200).optional().openapi({ description: 'How ILL-side notices greet the patron.' }),
    patronEmail: z.email().max(254).optional().openapi({ description: 'Where ILL-side notices go (seed 004: the patron’s institutional e-mail).' }),
    pickupLocation: z.string().trim().min(1).max(40).optional().openapi({ description: "One of the library's pickup location codes." }),
    lenders: z.array(symbolSchema).max(20).default([]).openapi({ description: 'The lender string (rota), in order.' }),
    inLibraryUseOnly: z.boolean().default(false),
  })
  // a typo (`patronID`) is a 400 naming it, not a request silently without a patron
  .strict()
  .openapi('NewBorrowingRequest');

export const newLendingRequestSchema = z
  .object({
    role: z.literal('lending'),
    serviceType: z.enum(['loan', 'copy']).default('loan'),
    borrowingLibrary: symbolSchema,
    title: z.string().trim().min(1).max(500),
    author: z.string().trim().min(1).max(300).optional(),
    isbn: z
      .string()
      .trim()
      .regex(/^[0-9Xx-]{10,17}$/, 'an ISBN (10 or 13 digits)')
      .optional(),
    itemBarcode: barcodeSchema.optional(),
    inLibraryUseOnly: z.boolean().default(false),
  })
  .strict()
  .openapi('NewLendingRequest');

export const newRequestSchema = z.discriminatedUnion('role', [newBorrowingRequestSchema, newLendingRequestSchema]).openapi('NewRequest');

export { barcodeSchema };
