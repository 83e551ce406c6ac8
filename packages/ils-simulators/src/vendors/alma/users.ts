/**
 * Alma Users API: users, loans, requests, fines/fees (`/almaws/v1/users/…`).
 */
import type { Context, Hono } from 'hono';
import { changeDueDate, checkOut, findLoan, listLoans, renewLoan } from '../../engine/circulation.ts';
import { EngineError, isEngineError } from '../../engine/errors.ts';
import { createFee, disputeFee, listFees, payFee, requireFee, restoreFee, waiveFee } from '../../engine/fees.ts';
import { cancelHold, findHold, listHolds, placeHold, placeTitleHold } from '../../engine/holds.ts';
import { findItem, findPatron, findLibrary, requireItemByBarcode } from '../../engine/lookup.ts';
import { type PatronSearchField, type PatronSearchTerm, searchPatrons } from '../../engine/patrons.ts';
import type { FeeStatus, Patron } from '../../engine/schema.ts';
import type { AlmaRuntime } from './app.ts';
import { type AlmaSubject, almaErrors, fromEngineError } from './errors.ts';
import { almaResponse, paging, readAlmaBody } from './http.ts';
import { fromAlmaId } from './ids.ts';
import {
  almaFeeStatuses,
  almaFeeTypes,
  loanIsRenewable,
  renderFee,
  renderLoan,
  renderRequest,
  renderUser,
  renderUserBrief,
  type UserExpansion,
} from './render.ts';
import { type AlmaObject, readCode, readText } from './representation.ts';

/** Runs an engine call, rendering its refusals as Alma errors quoting the client's ids. */
export function engineCall<T>(subject: AlmaSubject, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (isEngineError(error)) throw fromEngineError(error, subject);
    throw error;
  }
}

/**
 * Finds the user named in the path. `user_id_type=all_unique` (the default) tries every unique
 * identifier; BARCODE restricts to barcodes; any other type is taken as the primary id.
 */
export function resolveUser(c: Context, runtime: AlmaRuntime, notFound: '401861' | '401890' = '401861'): Patron {
  const userId = c.req.param('user_id') ?? '';
  const type = c.req.query('user_id_type') ?? 'all_unique';
  const lookup = type === 'all_unique' ? 'any' : type.toUpperCase() === 'BARCODE' ? 'barcode' : 'primaryId';
  const patron = findPatron(runtime.engine.db, userId, lookup);
  if (!patron) {
    throw notFound === '401861' && type === 'all_unique' ? almaErrors.userNotFound(userId) : almaErrors.userOfTypeNotFound(userId, type);
  }
  return patron;
}

const searchFields: Record<string, PatronSearchField> = {
  primary_id: 'primaryId',
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  user_group: 'userGroup',
  identifiers: 'identifiers',
  all: 'any',
};

/** Fields Alma searches that the simulated patrons never carry: a search on them finds nobody. */
const alwaysEmptyFields = new Set(['external_id', 'job_category']);

/**
 * Alma's brief search: `field~value` terms joined by ` AND `; `_` stands for a space and commas
 * separate words that must all occur. Undefined when a term can match nobody.
 */
function parseUserQuery(q: string | undefined): PatronSearchTerm[] | undefined {
  if (q === undefined || q.trim() === '') return [];
  const terms: PatronSearchTerm[] = [];
  for (const term of q.split(/\s+AND\s+/u)) {
    const match = /^(\w+)~(.*)$/u.exec(term.trim());
    const name = match?.[1] ?? '';
    if (alwaysEmptyFields.has(name)) return undefined;
    const field = searchFields[name];
    if (!match || field === undefined) throw almaErrors.invalidParameter(`q (${term})`);
    for (const word of (match[2] ?? '').split(',')) {
      const value = word.replace(/_/gu, ' ').trim();
      if (value !== '*' && value !== '') terms.push({ field, value, match: 'contains' });
    }
  }
  return terms;
}

function parseExpansions(expand: string | undefined): Set<UserExpansion> {
  const wanted = new Set<UserExpansion>();
  for (const part of (expand ?? '').split(',')) {
    const name = part.trim();
    if (name === 'loans' || name === 'requests' || name === 'fees') wanted.add(name);
  }
  return wanted;
}

function parseLoanId(loanId: string): number {
  const id = fromAlmaId('loan', loanId);
  if (id === undefined) throw almaErrors.loanNotFound(loanId);
  return id;
}

/** An ISO date or date-time as Alma accepts it (`2025-01-31T23:59:00Z`, `2025-01-31Z`, `2025-01-31`). */
export function parseAlmaDate(value: string): Date | undefined {
  const normalised = /^\d{4}-\d{2}-\d{2}Z?$/u.test(value) ? `${value.replace(/Z$/u, '')}T23:59:00Z` : value;
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Amounts arrive as numbers (JSON) or strings (XML, query); cents avoid float drift. */
function parseAmountCents(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const amount = Number(value);
  if (!Number.isFinite(amount)) return Number.NaN;
  return Math.round(amount * 100);
}

export function registerUserRoutes(app: Hono, runtime: AlmaRuntime): void {
  const { engine } = runtime;

  app.get('/almaws/v1/users', (c) => {
    const ctx = runtime.context(c);
    const page = paging(c);
    const terms = parseUserQuery(c.req.query('q'));
    const result = terms === undefined ? { total: 0, patrons: [] } : searchPatrons(engine, terms, page);
    const body: AlmaObject = { total_record_count: result.total };
    if (result.patrons.length > 0) body.user = result.patrons.map((patron) => renderUserBrief(ctx, patron));
    return almaResponse(c, 'users', body);
  });

  // Authenticate or refresh user (Ex Libris: POST /almaws/v1/users/{user_id}?op=auth, the password
  // in the Exl-User-Pw header or as `password`): 204 and no body when the password is right.
  // VuFind's Alma driver (loginMethod = password) sends it as a query parameter and treats a 400
  // as a failed login; DCB and most scripts use the header. Demo passwords follow the simulators'
  // PIN convention: the last four characters of the user's barcode.
  app.post('/almaws/v1/users/:user_id', (c) => {
    const op = c.req.query('op');
    if (op === undefined || op === '') throw almaErrors.mandatoryField('op');
    if (op !== 'auth' && op !== 'refresh') throw almaErrors.invalidParameter(`op ${op}`);
    const patron = resolveUser(c, runtime);
    if (op === 'refresh') {
      // Refresh is for users linked to another institution; the simulated users are all local.
      throw almaErrors.generalError(`User ${c.req.param('user_id')} is not linked to a user of another institution.`);
    }
    const password = c.req.header('exl-user-pw') ?? c.req.query('password');
    if (password === undefined || password === '') throw almaErrors.mandatoryField('password');
    if (patron.barcode === null || patron.barcode.slice(-4) !== password) throw almaErrors.authenticationFailed();
    return c.body(null, 204);
  });

  app.get('/almaws/v1/users/:user_id', (c) => {
    const patron = resolveUser(c, runtime);
    return almaResponse(c, 'user', renderUser(runtime.context(c), patron, parseExpansions(c.req.query('expand'))));
  });

  // Loans.
  app.get('/almaws/v1/users/:user_id/loans', (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const ctx = runtime.context(c);
    const loanStatus = (c.req.query('loan_status') ?? 'Active').toLowerCase();
    if (loanStatus !== 'active' && loanStatus !== 'complete') throw almaErrors.invalidParameter('loan_status');
    const page = paging(c);
    const all = listLoans(engine, { patronId: patron.id, status: loanStatus === 'active' ? 'active' : 'returned' });
    const withRenewable = (c.req.query('expand') ?? '').split(',').includes('renewable');
    const body: AlmaObject = { total_record_count: all.length };
    const pageLoans = all.slice(page.offset, page.offset + page.limit);
    if (pageLoans.length > 0) {
      body.item_loan = pageLoans.map((loan) => renderLoan(ctx, loan, withRenewable ? { renewable: loanIsRenewable(ctx, loan) } : {}));
    }
    return almaResponse(c, 'item_loans', body);
  });

  app.get('/almaws/v1/users/:user_id/loans/:loan_id', (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const loanId = c.req.param('loan_id');
    const loan = findLoan(engine, parseLoanId(loanId));
    if (!loan || loan.patronId !== patron.id) throw almaErrors.loanNotFound(loanId);
    const ctx = runtime.context(c);
    return almaResponse(c, 'item_loan', renderLoan(ctx, loan, { renewable: loanIsRenewable(ctx, loan) }));
  });

  app.post('/almaws/v1/users/:user_id/loans', async (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const { body } = await readAlmaBody(c);
    const barcode = c.req.query('item_barcode');
    const pid = c.req.query('item_pid');
    if (!barcode && !pid) throw almaErrors.pidEmpty();
    const libraryCode = readCode(body, 'library');
    const deskCode = readCode(body, 'circ_desk');
    if (!deskCode) throw almaErrors.mandatoryField('circ_desk');
    if (!libraryCode) throw almaErrors.mandatoryField('library');
    const library = findLibrary(engine.db, libraryCode);
    if (!library) throw almaErrors.libraryNotValid(libraryCode);
    const item = barcode ? engineCall({ barcode }, () => requireItemByBarcode(engine.db, barcode)) : findItem(engine.db, fromAlmaId('item', pid ?? '') ?? 0);
    if (!item) throw almaErrors.itemNotFound(pid ?? '');
    const loan = (() => {
      try {
        // Alma lends by policy only: a due date in the body is ignored (change it with PUT).
        return checkOut(engine, { patronId: patron.id, itemId: item.id, libraryCode, deskCode });
      } catch (error) {
        if (isEngineError(error, 'CIRC_DESK_NOT_FOUND')) throw almaErrors.notLoanableFromDesk();
        if (isEngineError(error)) throw fromEngineError(error, { userId: patron.primaryId, barcode: item.barcode });
        throw error;
      }
    })();
    const ctx = runtime.context(c);
    return almaResponse(c, 'item_loan', renderLoan(ctx, loan, { renewable: loanIsRenewable(ctx, loan) }));
  });

  app.put('/almaws/v1/users/:user_id/loans/:loan_id', async (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const loanId = c.req.param('loan_id');
    const existing = findLoan(engine, parseLoanId(loanId));
    if (!existing || existing.patronId !== patron.id || existing.status !== 'active') throw almaErrors.loanNotFound(loanId);
    const { body } = await readAlmaBody(c, { required: true });
    const dueText = readCode(body, 'due_date');
    if (!dueText) throw almaErrors.dueDateMissing();
    const dueDate = parseAlmaDate(dueText);
    if (!dueDate) throw almaErrors.invalidParameter('due_date');
    const loan = engineCall({ loanId }, () => changeDueDate(engine, existing.id, dueDate));
    return almaResponse(c, 'item_loan', renderLoan(runtime.context(c), loan));
  });

  app.post('/almaws/v1/users/:user_id/loans/:loan_id', (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const loanId = c.req.param('loan_id');
    if (c.req.query('op') !== 'renew') throw almaErrors.invalidParameter('op');
    const existing = findLoan(engine, parseLoanId(loanId));
    if (!existing || existing.patronId !== patron.id || existing.status !== 'active') throw almaErrors.loanNotFound(loanId);
    const loan = engineCall({ loanId }, () => renewLoan(engine, existing.id));
    const ctx = runtime.context(c);
    return almaResponse(c, 'item_loan', renderLoan(ctx, loan, { renewable: loanIsRenewable(ctx, loan) }));
  });

  // Requests.
  app.get('/almaws/v1/users/:user_id/requests', (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const status = (c.req.query('status') ?? 'active').toLowerCase();
    if (status !== 'active' && status !== 'history') throw almaErrors.invalidParameter('status');
    const type = c.req.query('request_type');
    const page = paging(c);
    const holds = type && type !== 'HOLD' ? [] : listHolds(engine, { patronId: patron.id, state: status === 'active' ? 'active' : 'history' });
    const ctx = runtime.context(c);
    const body: AlmaObject = { total_record_count: holds.length };
    const pageHolds = holds.slice(page.offset, page.offset + page.limit);
    if (pageHolds.length > 0) body.user_request = pageHolds.map((hold) => renderRequest(ctx, hold));
    return almaResponse(c, 'user_requests', body);
  });

  app.post('/almaws/v1/users/:user_id/requests', async (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const { body } = await readAlmaBody(c, { required: true });
    const hold = placeRequest(runtime, patron, body, { itemPid: c.req.query('item_pid'), mmsId: c.req.query('mms_id') });
    return almaResponse(c, 'user_request', renderRequest(runtime.context(c), hold));
  });

  app.get('/almaws/v1/users/:user_id/requests/:request_id', (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const requestId = c.req.param('request_id');
    const hold = findHold(engine, fromAlmaId('request', requestId) ?? 0);
    if (!hold || hold.patronId !== patron.id) throw almaErrors.requestNotFound(requestId);
    return almaResponse(c, 'user_request', renderRequest(runtime.context(c), hold));
  });

  app.delete('/almaws/v1/users/:user_id/requests/:request_id', (c) => {
    const patron = resolveUser(c, runtime, '401890');
    const requestId = c.req.param('request_id');
    const hold = findHold(engine, fromAlmaId('request', requestId) ?? 0);
    if (!hold || hold.patronId !== patron.id) throw almaErrors.requestNotFound(requestId);
    engineCall({ requestId }, () => cancelHold(engine, hold.id, c.req.query('reason') ?? 'CancelledAtPatronRequest'));
    return c.body(null, 204);
  });

  // Fines and fees.
  app.get('/almaws/v1/users/:user_id/fees', (c) => {
    const patron = resolveUser(c, runtime);
    const statusParam = (c.req.query('status') ?? 'ACTIVE').toUpperCase();
    const status = (Object.entries(almaFeeStatuses).find(([, code]) => code === statusParam)?.[0] ?? undefined) as FeeStatus | undefined;
    const list = statusParam === 'EXPORTED' ? [] : status ? listFees(engine, { patronId: patron.id, status }) : undefined;
    if (list === undefined) throw almaErrors.invalidParameter('status');
    return almaResponse(c, 'fees', feeList(runtime, c, list));
  });

  app.get('/almaws/v1/users/:user_id/fees/:fee_id', (c) => {
    const patron = resolveUser(c, runtime);
    const fee = engineCall({}, () => requireFee(engine.db, fromAlmaId('fee', c.req.param('fee_id')) ?? 0, patron.id));
    return almaResponse(c, 'fee', renderFee(runtime.context(c), fee));
  });

  app.post('/almaws/v1/users/:user_id/fees', async (c) => {
    const patron = resolveUser(c, runtime);
    const { body } = await readAlmaBody(c, { required: true });
    const type = readCode(body, 'type');
    if (!type) throw almaErrors.feeTypeRequired();
    if (!(type in almaFeeTypes)) throw almaErrors.feeTypeInvalid();
    const amountText = readCode(body, 'original_amount');
    if (amountText === undefined) throw almaErrors.feeAmountRequired();
    const amountCents = parseAmountCents(amountText);
    if (amountCents === undefined || Number.isNaN(amountCents) || amountCents <= 0) throw almaErrors.invalidParameter('original_amount');
    const owner = readCode(body, 'owner');
    if (!owner) throw almaErrors.feeOwnerRequired();
    if (owner === runtime.institutionCode || !findLibrary(engine.db, owner)) throw almaErrors.feeOwnerNotLibrary();
    const barcode = readCode(body, 'barcode');
    const item = barcode === undefined ? undefined : findItemOrFail(runtime, barcode);
    const fee = engineCall({ userId: patron.primaryId }, () =>
      createFee(engine, {
        patronId: patron.id,
        type,
        amountCents,
        ownerLibraryCode: owner,
        comment: readText(body, 'comment') || null,
        itemId: item?.id,
      }),
    );
    return almaResponse(c, 'fee', renderFee(runtime.context(c), fee));
  });

  app.post('/almaws/v1/users/:user_id/fees/all', (c) => {
    const patron = resolveUser(c, runtime);
    if (c.req.query('op') !== 'pay') throw almaErrors.invalidParameter('op');
    const method = c.req.query('method');
    if (!method || !['CASH', 'CREDIT_CARD', 'ONLINE'].includes(method)) throw almaErrors.invalidParameter('method');
    const amountText = c.req.query('amount') ?? 'ALL';
    const active = listFees(engine, { patronId: patron.id, status: 'active' });
    let remaining = amountText.toUpperCase() === 'ALL' ? Number.POSITIVE_INFINITY : (parseAmountCents(amountText) ?? Number.NaN);
    if (Number.isNaN(remaining) || remaining <= 0) throw almaErrors.invalidParameter('amount');
    const comment = c.req.query('comment');
    for (const fee of active) {
      if (remaining <= 0) break;
      const amount = Math.min(fee.balanceCents, remaining);
      engineCall({}, () => payFee(engine, fee.id, { amountCents: amount, method, ...(comment ? { comment } : {}) }));
      remaining -= amount;
    }
    return almaResponse(c, 'fees', feeList(runtime, c, listFees(engine, { patronId: patron.id, status: 'active' })));
  });

  app.post('/almaws/v1/users/:user_id/fees/:fee_id', (c) => {
    const patron = resolveUser(c, runtime);
    const feeId = fromAlmaId('fee', c.req.param('fee_id')) ?? 0;
    engineCall({}, () => requireFee(engine.db, feeId, patron.id));
    const op = c.req.query('op');
    const amountText = c.req.query('amount');
    const amountCents = amountText === undefined || amountText.toUpperCase() === 'ALL' ? undefined : parseAmountCents(amountText);
    if (amountCents !== undefined && (Number.isNaN(amountCents) || amountCents <= 0)) throw almaErrors.invalidParameter('amount');
    const comment = c.req.query('comment');
    const extra = comment ? { comment } : {};
    const fee = engineCall({}, () => {
      switch (op) {
        case 'pay': {
          const method = c.req.query('method');
          if (!method || !['CASH', 'CREDIT_CARD', 'ONLINE'].includes(method)) throw almaErrors.invalidParameter('method');
          return payFee(engine, feeId, { amountCents, method, ...extra });
        }
        case 'waive': {
          const reason = c.req.query('reason');
          if (!reason) throw almaErrors.invalidParameter('reason');
          return waiveFee(engine, feeId, { amountCents, reason, ...extra });
        }
        case 'dispute':
          return disputeFee(engine, feeId, comment);
        case 'restore':
          return restoreFee(engine, feeId, comment);
        default:
          throw almaErrors.invalidParameter('op');
      }
    });
    return almaResponse(c, 'fee', renderFee(runtime.context(c), fee));
  });
}

function findItemOrFail(runtime: AlmaRuntime, barcode: string) {
  try {
    return requireItemByBarcode(runtime.engine.db, barcode);
  } catch (error) {
    if (error instanceof EngineError) throw almaErrors.feeBarcodeInvalid();
    throw error;
  }
}

function feeList(runtime: AlmaRuntime, c: Context, list: ReturnType<typeof listFees>): AlmaObject {
  const ctx = runtime.context(c);
  const totalCents = list.reduce((sum, fee) => sum + fee.balanceCents, 0);
  const body: AlmaObject = {
    total_record_count: list.length,
    total_sum: totalCents / 100,
    // Captured Alma responses carry no currency on an empty list.
    currency: list.length > 0 ? runtime.currency : null,
  };
  if (list.length > 0) body.fee = list.map((fee) => renderFee(ctx, fee));
  return body;
}

/**
 * A HOLD request from a `user_request` body: item level (`item_pid`) or title level (`mms_id`),
 * picked up at a library (`pickup_location_library`) or a circulation desk.
 */
export function placeRequest(runtime: AlmaRuntime, patron: Patron, body: AlmaObject, target: { itemPid?: string; mmsId?: string }) {
  const { engine } = runtime;
  const requestType = readCode(body, 'request_type');
  if (!requestType) throw almaErrors.mandatoryField('request_type');
  if (requestType !== 'HOLD') throw almaErrors.generalError(`Request type ${requestType} is not supported by this simulator.`);
  const pickupType = readCode(body, 'pickup_location_type') ?? 'LIBRARY';
  const pickupLibrary = readCode(body, 'pickup_location_library');
  if (!pickupLibrary) throw almaErrors.mandatoryField('pickup_location_library');
  const library = findLibrary(engine.db, pickupLibrary);
  const desk = readCode(body, 'pickup_location_circulation_desk') ?? '';
  if (!library) throw almaErrors.pickupNotFound(desk, pickupLibrary);
  if (pickupType === 'CIRCULATION_DESK' && !runtime.deskExists(library.id, desk)) throw almaErrors.pickupNotFound(desk, pickupLibrary);
  const comment = readText(body, 'comment') || null;
  const subject = { userId: patron.primaryId };
  if (target.itemPid) {
    const itemId = fromAlmaId('item', target.itemPid);
    const item = itemId === undefined ? undefined : findItem(engine.db, itemId);
    if (!item) throw almaErrors.noItemsCanFulfil();
    return engineCall(subject, () => placeHold(engine, { patronId: patron.id, itemId: item.id, pickupLibraryCode: library.code, comment }));
  }
  if (target.mmsId) {
    const bibId = fromAlmaId('bib', target.mmsId);
    if (bibId === undefined) throw almaErrors.noItemsCanFulfil();
    return engineCall(subject, () => placeTitleHold(engine, { patronId: patron.id, bibId, pickupLibraryCode: library.code, comment }));
  }
  throw almaErrors.mandatoryField('item_pid');
}
