/**
 * The ILSs Bookstrap integrates with, and what each can do for an ILL workflow.
 * The table is the documented matrix (SPEC §6, Tipasa's integration pages); an adapter may
 * declare less than its ILS can do, never more.
 */
export const ilsKinds = ['alma', 'sierra', 'millennium', 'wms', 'symphony', 'horizon'] as const;
export type IlsKind = (typeof ilsKinds)[number];

export interface IlsCapabilities {
  /** Can charge the patron an ILL fee when the lender ships (Tipasa: Alma and WMS only). */
  feesOnShipped: boolean;
  /** Can charge fees at all (lost-item replacement and processing fees). */
  fees: boolean;
  /**
   * Can take back (waive) a fee Bookstrap charged, when the lost item comes back (seed 004: the
   * office "will remove the charges"). Alma's fees API waives; the others' APIs cannot.
   */
  feeRemoval: boolean;
  /** Lending: place a hold on the requested item for the borrowing library (Horizon, Symphony). */
  lendingHold: boolean;
  /**
   * How a due date is changed after check-out: `direct` sets the date on the loan,
   * `renewal` renews the loan with a desired date (Sierra has no due-date endpoint), `none` cannot.
   */
  dueDateUpdate: 'direct' | 'renewal' | 'none';
  /**
   * Can move an item to a temporary (ILL) location and restore it. Millennium and Horizon: not by
   * a message (NCIP has none) but by their NCIP responder's own check-out location, which the
   * adapter verifies through LookupItem (seed 000: "as configured when setting up integration").
   */
  temporaryLocation: boolean;
  /** Can delete the temporary item after return (WMS keeps it, marked unavailable). */
  deleteTemporaryItem: boolean;
  /** Can look a patron up (verify ID, blocks, expiry). */
  patronLookup: boolean;
  /**
   * Can cancel a hold it placed, after reading it back to check it is still the request's: Alma
   * `DELETE /users/{id}/requests/{request_id}`, Sierra `DELETE /patrons/holds/{id}`, SirsiDynix
   * Web Services `holdRecord/cancelHold`, NCIP `CancelRequestItem` (with LookupUser's requested
   * items to check it) — /work/shared/reference/vendor-apis.md. False: staff cancel at the desk.
   */
  cancelHold: boolean;
}

export const documentedCapabilities: Readonly<Record<IlsKind, IlsCapabilities>> = {
  alma: {
    feesOnShipped: true,
    fees: true,
    feeRemoval: true,
    lendingHold: false,
    dueDateUpdate: 'direct',
    temporaryLocation: true,
    deleteTemporaryItem: true,
    patronLookup: true,
    cancelHold: true,
  },
  sierra: {
    feesOnShipped: false,
    fees: true,
    feeRemoval: false,
    lendingHold: false,
    dueDateUpdate: 'renewal',
    temporaryLocation: true,
    deleteTemporaryItem: true,
    patronLookup: true,
    cancelHold: true,
  },
  millennium: {
    feesOnShipped: false,
    fees: false,
    feeRemoval: false,
    lendingHold: false,
    dueDateUpdate: 'renewal',
    temporaryLocation: true,
    deleteTemporaryItem: true,
    patronLookup: true,
    cancelHold: true,
  },
  wms: {
    feesOnShipped: true,
    fees: true,
    feeRemoval: false,
    lendingHold: false,
    dueDateUpdate: 'renewal',
    temporaryLocation: true,
    deleteTemporaryItem: false,
    patronLookup: true,
    cancelHold: true,
  },
  symphony: {
    feesOnShipped: false,
    fees: false,
    feeRemoval: false,
    lendingHold: true,
    dueDateUpdate: 'renewal',
    temporaryLocation: true,
    deleteTemporaryItem: true,
    patronLookup: true,
    cancelHold: true,
  },
  horizon: {
    feesOnShipped: false,
    fees: false,
    feeRemoval: false,
    lendingHold: true,
    dueDateUpdate: 'renewal',
    temporaryLocation: true,
    deleteTemporaryItem: true,
    patronLookup: true,
    cancelHold: true,
  },
};

export function isIlsKind(value: unknown): value is IlsKind {
  return typeof value === 'string' && (ilsKinds as readonly string[]).includes(value);
}
