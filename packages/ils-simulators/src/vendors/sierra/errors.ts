/**
 * Sierra's `ErrorCode` body: `{code, specificCode, httpStatus, name, description}`.
 *
 * Codes from Innovative's error-handling page and captured responses (DCB, Wellcome's Sierra
 * client): 107 record not found (404), 108 invalid parameter (400), 113/120/123 authentication
 * (401), 116 missing role (403), 130 bad JSON (400), 132 XCirc refusal (500, the reason in
 * `specificCode`), 133 several records (409). XCirc specific codes seen in the wild: 2 (request
 * denied / record not available / problem with the library record), 433 (bib record cannot be
 * loaded), 929 (request already sent). The others below are simulator stand-ins (README).
 */
import type { EngineError } from '../../engine/errors.ts';

export class SierraError extends Error {
  override readonly name = 'SierraError';
  constructor(
    readonly code: number,
    readonly specificCode: number,
    readonly httpStatus: number,
    readonly errorName: string,
    readonly description?: string,
  ) {
    super(description ?? errorName);
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.code, specificCode: this.specificCode, httpStatus: this.httpStatus, name: this.errorName };
    if (this.description !== undefined) body.description = this.description;
    return body;
  }
}

const xcirc = (specificCode: number, reason: string) => new SierraError(132, specificCode, 500, 'XCirc error', `XCirc error : ${reason}`);

export const xcircCodes = {
  /** documented in captured responses */
  requestDenied: 2,
  bibCannotBeLoaded: 433,
  alreadySent: 929,
  // simulator stand-ins
  alreadyCheckedOut: 301,
  notCheckedOut: 302,
  doesNotCirculate: 303,
  libraryUseOnly: 304,
  heldForAnother: 305,
  tooManyRenewals: 306,
  renewalRefused: 307,
  invalidPickupLocation: 308,
} as const;

export const sierraErrors = {
  // 400
  invalidParameter: (detail: string) => new SierraError(108, 0, 400, 'Invalid parameter', `Invalid parameter : ${detail}`),
  badJson: (detail = 'Please check that the JSON fields/values are of the expected JSON data types') =>
    new SierraError(130, 0, 400, 'Bad JSON/XML Syntax', detail),
  // 401 / 403
  missingAuthorization: () => new SierraError(113, 0, 401, 'Unauthorized', 'Missing Authorization header'),
  invalidToken: () => new SierraError(120, 0, 401, 'Unauthorized', 'invalid_token'),
  invalidGrant: () => new SierraError(123, 0, 401, 'Unauthorized', 'invalid_grant'),
  missingRole: (role: string) => new SierraError(116, 0, 403, 'Forbidden', `The API key does not have the ${role} role`),
  // 404 / 409
  recordNotFound: () => new SierraError(107, 0, 404, 'Record not found'),
  multipleRecords: () => new SierraError(133, 0, 409, 'Multiple records found'),
  /** No such endpoint; e.g. anything that would change a due date (Sierra has none: renew instead). */
  noEndpoint: (method: string, path: string, hint?: string) =>
    new SierraError(0, 0, 404, 'Not Found', `No API endpoint ${method} ${path}${hint ? ` (${hint})` : ''}`),
  // 500 XCirc refusals
  requestDenied: () => xcirc(xcircCodes.requestDenied, 'Request denied - already on hold for or checked out to you.'),
  recordNotAvailable: () => xcirc(xcircCodes.requestDenied, 'This record is not available'),
  libraryRecordProblem: () => xcirc(xcircCodes.requestDenied, 'There is a problem with your library record.  Please see a librarian.'),
  bibCannotBeLoaded: () => xcirc(xcircCodes.bibCannotBeLoaded, 'Bib record cannot be loaded'),
  alreadyCheckedOut: () => xcirc(xcircCodes.alreadyCheckedOut, 'Item is already checked out'),
  notCheckedOut: () => xcirc(xcircCodes.notCheckedOut, 'Item is not checked out'),
  doesNotCirculate: () => xcirc(xcircCodes.doesNotCirculate, 'This item does not circulate'),
  libraryUseOnly: () => xcirc(xcircCodes.libraryUseOnly, 'LIB USE ONLY item: record an in-house use instead'),
  heldForAnother: () => xcirc(xcircCodes.heldForAnother, 'Item is on hold for another patron'),
  tooManyRenewals: () => xcirc(xcircCodes.tooManyRenewals, 'TOO MANY RENEWALS'),
  renewalRefused: (reason: string) => xcirc(xcircCodes.renewalRefused, `Renewal denied - ${reason}`),
  invalidPickupLocation: (code: string) => xcirc(xcircCodes.invalidPickupLocation, `Invalid pickup location ${code}`),
  internal: (detail = 'Internal server error') => new SierraError(109, 0, 500, 'Internal server error', detail),
};

/** The default rendering of an engine refusal; routes override where Sierra says something else. */
export function fromEngineError(error: EngineError): SierraError {
  switch (error.code) {
    case 'PATRON_NOT_FOUND':
    case 'ITEM_NOT_FOUND':
    case 'BIB_NOT_FOUND':
    case 'HOLDING_NOT_FOUND':
    case 'LOAN_NOT_FOUND':
    case 'HOLD_NOT_FOUND':
    case 'FEE_NOT_FOUND':
      return sierraErrors.recordNotFound();
    case 'PATRON_BLOCKED':
    case 'PATRON_EXPIRED':
      return sierraErrors.libraryRecordProblem();
    case 'LIBRARY_NOT_FOUND':
    case 'LOCATION_NOT_FOUND':
    case 'CIRC_DESK_NOT_FOUND':
      return sierraErrors.invalidParameter(`location ${String(error.details.location ?? error.details.library ?? error.details.desk ?? '')}`.trim());
    case 'BIB_HAS_INVENTORY':
    case 'HOLDING_HAS_ITEMS':
      return sierraErrors.badJson('The record has attached items and cannot be deleted');
    case 'ITEM_HAS_ACTIVITY':
      return sierraErrors.badJson('The item is checked out or has holds and cannot be deleted');
    case 'BARCODE_IN_USE':
      return sierraErrors.badJson(`Barcode ${String(error.details.barcode ?? '')} is already in use`);
    case 'ITEM_NOT_LOANABLE':
      return sierraErrors.doesNotCirculate();
    case 'ITEM_LIBRARY_USE_ONLY':
      return sierraErrors.libraryUseOnly();
    case 'ITEM_ALREADY_ON_LOAN':
      return sierraErrors.alreadyCheckedOut();
    case 'ITEM_HELD_FOR_ANOTHER_PATRON':
      return sierraErrors.heldForAnother();
    case 'NOT_RENEWABLE': {
      const reason = String(error.details.reason ?? 'not renewable');
      return reason.startsWith('renewal limit') ? sierraErrors.tooManyRenewals() : sierraErrors.renewalRefused(reason);
    }
    case 'HOLD_EXISTS':
      return sierraErrors.requestDenied();
    case 'NO_ITEM_AVAILABLE':
      return sierraErrors.recordNotAvailable();
    case 'DUE_DATE_IN_PAST':
    case 'POLICY_NOT_FOUND':
    case 'FEE_NOT_ACTIVE':
    case 'INVALID_AMOUNT':
    case 'INVALID_INPUT':
      return sierraErrors.badJson(error.message);
  }
}
