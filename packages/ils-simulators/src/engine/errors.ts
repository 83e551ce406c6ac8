/**
 * Engine failures are values with a code; each vendor façade maps the code to its own error
 * vocabulary (Alma errorCode, Sierra ErrorCode, NCIP Problem, …).
 */
export const engineErrorCodes = [
  'PATRON_NOT_FOUND',
  'PATRON_BLOCKED',
  'PATRON_EXPIRED',
  'LIBRARY_NOT_FOUND',
  'LOCATION_NOT_FOUND',
  'CIRC_DESK_NOT_FOUND',
  'BIB_NOT_FOUND',
  'BIB_HAS_INVENTORY',
  'HOLDING_NOT_FOUND',
  'HOLDING_HAS_ITEMS',
  'ITEM_NOT_FOUND',
  'ITEM_HAS_ACTIVITY',
  'BARCODE_IN_USE',
  'ITEM_NOT_LOANABLE',
  'ITEM_LIBRARY_USE_ONLY',
  'ITEM_ALREADY_ON_LOAN',
  'ITEM_HELD_FOR_ANOTHER_PATRON',
  'POLICY_NOT_FOUND',
  'DUE_DATE_IN_PAST',
  'LOAN_NOT_FOUND',
  'NOT_RENEWABLE',
  'HOLD_EXISTS',
  'HOLD_NOT_FOUND',
  'NO_ITEM_AVAILABLE',
  'FEE_NOT_FOUND',
  'FEE_NOT_ACTIVE',
  'INVALID_AMOUNT',
  'INVALID_INPUT',
] as const;
export type EngineErrorCode = (typeof engineErrorCodes)[number];

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    /** Values the façades quote in their own messages (the barcode, the loan id, …). */
    readonly details: Record<string, string | number | undefined> = {},
  ) {
    super(message);
  }
}

export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}
