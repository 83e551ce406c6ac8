/**
 * Alma's error vocabulary. Codes marked "documented" appear in the Ex Libris API docs for the
 * operation (or in captured responses); those marked "simulator" are stand-ins where no public
 * document names the code — see the README.
 */
import type { EngineError, EngineErrorCode } from '../../engine/errors.ts';

export class AlmaError extends Error {
  override readonly name = 'AlmaError';
  constructor(
    readonly errorCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const almaErrors = {
  // Gateway (documented tokens; HTTP status per Ex Libris' governance pages).
  unauthorized: () => new AlmaError('UNAUTHORIZED', 'API-key not defined or not configured to allow this API.', 401),
  perSecondThreshold: () => new AlmaError('PER_SECOND_THRESHOLD', 'HTTP requests are more than allowed per second. See https://goo.gl/2x1c1M ', 429),
  dailyThreshold: () =>
    new AlmaError(
      'DAILY_THRESHOLD',
      'Daily API Request Threshold has been reached. For details see: https://developers.exlibrisgroup.com/alma/apis#threshold',
      429,
    ),
  // Documented.
  /** Stand-in: Ex Libris documents 400 for a failed op=auth but names no code; 401652 is the general one. */
  authenticationFailed: () => new AlmaError('401652', 'General Error: An error has occurred while processing the request. Authentication failed.'),
  userNotFound: (id: string) => new AlmaError('401861', `User with identifier ${id} was not found.`),
  userOfTypeNotFound: (id: string, type: string) => new AlmaError('401890', `User with identifier ${id} of type ${type} was not found.`),
  mandatoryField: (field: string) => new AlmaError('401664', `Mandatory field is missing: ${field}`),
  invalidParameter: (detail?: string) => new AlmaError('401666', detail ? `Parameter is not valid: ${detail}` : 'Parameter is not valid.'),
  noValidXml: () => new AlmaError('401676', 'No valid XML was given.'),
  pidEmpty: () => new AlmaError('401672', 'PID field is empty.'),
  generalError: (detail?: string) => new AlmaError('401652', `General Error: An error has occurred while processing the request.${detail ? ` ${detail}` : ''}`),
  noItemForBarcode: (barcode: string) => new AlmaError('401689', `No items found for barcode ${barcode}.`),
  notLoanableFromDesk: () => new AlmaError('401153', 'Item cannot be loaned from this circulation desk.'),
  notLoanable: (detail?: string) => new AlmaError('401651', `Item is not loanable.${detail ? ` ${detail}` : ''}`),
  dueDateMissing: () => new AlmaError('401824', 'Due date is not in loan object.'),
  dueDateInPast: () => new AlmaError('401681', 'Due date cannot be in the past.'),
  loanNotFound: (loanId: string) => new AlmaError('401823', `Loan ID ${loanId} does not exist.`),
  cannotRenew: (loanId: string, reason?: string) => new AlmaError('401822', `Cannot renew loan: Loan ID ${loanId}.${reason ? ` ${reason}` : ''}`),
  noItemsCanFulfil: () => new AlmaError('401129', 'No items can fulfill the submitted request.'),
  pickupNotFound: (desk: string, library: string) =>
    new AlmaError('401895', `Pickup circulation desk with code ${desk} and library code ${library} was not found.`),
  duplicateRequest: () => new AlmaError('401136', 'Failed to save the request: Patron has active request for selected item.'),
  feeTypeRequired: () => new AlmaError('4019991', 'User fine/fee type is required.'),
  feeTypeInvalid: () => new AlmaError('4019992', 'User fine/fee type invalid entry.'),
  feeBarcodeInvalid: () => new AlmaError('4019993', 'User item barcode invalid entry.'),
  feeAmountRequired: () => new AlmaError('4019994', 'User fine/fee original amount is required.'),
  feeOwnerRequired: () => new AlmaError('4019996', 'User fine/fee owner is required.'),
  feeOwnerNotLibrary: () => new AlmaError('4019997', 'User fine/fee owner must be a library and not institution.'),
  feeNotFound: () => new AlmaError('401665', 'Fine not found.'),
  jsonNotSupported: () => new AlmaError('60105', 'JSON is not supported for this API.'),
  bibXmlInvalid: () => new AlmaError('402209', 'Given bib xml is invalid.'),
  holdingXmlInvalid: () => new AlmaError('402211', 'Given holding xml is invalid.'),
  mmsNotNumeric: (mmsId: string) => new AlmaError('402204', `Input parameters mmsId ${mmsId} is not numeric.`),
  bibNotValid: (mmsId: string) => new AlmaError('402203', `Input parameters mmsId ${mmsId} is not valid.`),
  noRecordForMms: (mmsId: string) => new AlmaError('33007', `No record found for MMS id ${mmsId}`),
  holdingCreateFailed: (detail: string) => new AlmaError('33008', `Failed to create holding due to errors: ${detail}`),
  bibDeleteError: () => new AlmaError('4022020', 'Delete Bib error. The record has inventory; use override=true.'),
  holdingNotValid: () => new AlmaError('60213', 'Holding ID not valid.'),
  holdingCannotBeDeleted: () => new AlmaError('60214', 'Holding has been deleted or cannot be deleted.'),
  libraryNotValid: (code: string) => new AlmaError('402469', `Library ${code} is not valid.`),
  locationNotValid: (code: string) => new AlmaError('60215', `Location ${code} is not valid.`),
  // Simulator stand-ins (no public document names these codes).
  itemNotFound: (pid: string) => new AlmaError('401683', `No item found for PID ${pid}.`),
  barcodeExists: (barcode: string) => new AlmaError('401870', `Item with barcode ${barcode} already exists.`),
  requestNotFound: (requestId: string) => new AlmaError('401877', `Request ${requestId} was not found.`),
  circDeskNotValid: (desk: string, library: string) => new AlmaError('401888', `Circulation desk ${desk} is not valid for library ${library}.`),
  unknownPath: (path: string) => new AlmaError('402219', `The API path ${path} is not supported.`, 404),
};

/** Ids the handler knows in Alma form, for messages that quote them. */
export interface AlmaSubject {
  userId?: string;
  loanId?: string;
  requestId?: string;
  itemPid?: string;
  barcode?: string;
  mmsId?: string;
}

const detail = (error: EngineError, key: string) => {
  const value = error.details[key];
  return value === undefined ? undefined : String(value);
};

/** The default Alma rendering of each engine refusal; handlers override per operation. */
export function fromEngineError(error: EngineError, subject: AlmaSubject = {}): AlmaError {
  const code: EngineErrorCode = error.code;
  switch (code) {
    case 'PATRON_NOT_FOUND':
      return almaErrors.userNotFound(subject.userId ?? detail(error, 'identifier') ?? '');
    case 'PATRON_BLOCKED':
      return almaErrors.generalError(`User ${subject.userId ?? ''} has active blocks: ${detail(error, 'reason') ?? 'blocked'}.`);
    case 'PATRON_EXPIRED':
      return almaErrors.generalError(`User ${subject.userId ?? ''} has expired (${detail(error, 'expiryDate') ?? ''}).`);
    case 'LIBRARY_NOT_FOUND':
      return almaErrors.libraryNotValid(detail(error, 'library') ?? '');
    case 'LOCATION_NOT_FOUND':
      return almaErrors.locationNotValid(detail(error, 'location') ?? '');
    case 'CIRC_DESK_NOT_FOUND':
      return almaErrors.circDeskNotValid(detail(error, 'desk') ?? '', detail(error, 'library') ?? '');
    case 'BIB_NOT_FOUND':
      return almaErrors.bibNotValid(subject.mmsId ?? '');
    case 'BIB_HAS_INVENTORY':
      return almaErrors.bibDeleteError();
    case 'HOLDING_NOT_FOUND':
      return almaErrors.holdingNotValid();
    case 'HOLDING_HAS_ITEMS':
      return almaErrors.holdingCannotBeDeleted();
    case 'ITEM_NOT_FOUND': {
      const barcode = subject.barcode ?? detail(error, 'barcode');
      return barcode === undefined ? almaErrors.itemNotFound(subject.itemPid ?? '') : almaErrors.noItemForBarcode(barcode);
    }
    case 'ITEM_HAS_ACTIVITY':
      return almaErrors.generalError('The item has an active loan or requests; use override=true.');
    case 'BARCODE_IN_USE':
      return almaErrors.barcodeExists(detail(error, 'barcode') ?? '');
    case 'ITEM_NOT_LOANABLE':
    case 'ITEM_LIBRARY_USE_ONLY':
    case 'ITEM_ALREADY_ON_LOAN':
    case 'ITEM_HELD_FOR_ANOTHER_PATRON':
      return almaErrors.notLoanable(error.message);
    case 'POLICY_NOT_FOUND':
      return almaErrors.invalidParameter('policy');
    case 'DUE_DATE_IN_PAST':
      return almaErrors.dueDateInPast();
    case 'LOAN_NOT_FOUND':
      return almaErrors.loanNotFound(subject.loanId ?? '');
    case 'NOT_RENEWABLE':
      return almaErrors.cannotRenew(subject.loanId ?? '', detail(error, 'reason'));
    case 'HOLD_EXISTS':
      return almaErrors.duplicateRequest();
    case 'HOLD_NOT_FOUND':
      return almaErrors.requestNotFound(subject.requestId ?? '');
    case 'NO_ITEM_AVAILABLE':
      return almaErrors.noItemsCanFulfil();
    case 'FEE_NOT_FOUND':
      return almaErrors.feeNotFound();
    case 'FEE_NOT_ACTIVE':
    case 'INVALID_AMOUNT':
      return almaErrors.invalidParameter(error.message);
    case 'INVALID_INPUT': {
      const field = detail(error, 'field');
      return field ? almaErrors.mandatoryField(field) : almaErrors.invalidParameter(error.message);
    }
  }
}
