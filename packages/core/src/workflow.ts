import type { CalendarDate } from './policies/due-date.ts';

/**
 * ILL request states and the actions that move between them, as data (SPEC §2–§3).
 * The tables are the single source of truth: the service, the API docs and the tests read them.
 */
export type RequestRole = 'borrowing' | 'lending';
export type ServiceType = 'loan' | 'copy';

export const borrowingStatuses = [
  'new-for-review',
  'reviewed',
  'sent',
  'in-transit',
  'received',
  'renewal-requested',
  'recalled',
  'overdue',
  'returned',
  'complete',
  'cancelled',
  'unfilled',
  'lost',
] as const;
export const lendingStatuses = [
  'can-you-supply',
  'shipped',
  'renewal-requested',
  'recalled',
  'overdue',
  'returned',
  'returned-but-missing',
  'complete',
  'unfilled',
  'cancelled',
  'closed-missing',
] as const;
export type BorrowingStatus = (typeof borrowingStatuses)[number];
export type LendingStatus = (typeof lendingStatuses)[number];
export type RequestStatus = BorrowingStatus | LendingStatus;

export interface ActionRule<S extends string> {
  from: readonly S[];
  /** where the request goes; some actions pick among several (see `decide`) */
  to: S;
  /** the service types the action applies to */
  serviceTypes: readonly ServiceType[];
  /** what a librarian sees on the button / in the history */
  label: string;
}

const both = ['loan', 'copy'] as const;
const loanOnly = ['loan'] as const;
const onLoan = ['received', 'renewal-requested', 'recalled', 'overdue'] as const;

export const borrowingActions = {
  review: { from: ['new-for-review'], to: 'reviewed', serviceTypes: both, label: 'Reviewed' },
  send: { from: ['new-for-review', 'reviewed'], to: 'sent', serviceTypes: both, label: 'Sent to lender' },
  cancel: { from: ['new-for-review', 'reviewed', 'sent'], to: 'cancelled', serviceTypes: both, label: 'Cancelled' },
  'supplier-shipped': { from: ['sent'], to: 'in-transit', serviceTypes: both, label: 'Lender shipped (In Transit)' },
  /** the current lender said no: next lender in the rota, or Unfilled when none is left */
  'supplier-unfilled': { from: ['sent'], to: 'unfilled', serviceTypes: both, label: 'Lender could not supply' },
  /** copies are complete on receipt: nothing goes back */
  receive: { from: ['in-transit'], to: 'received', serviceTypes: both, label: 'Received' },
  'request-renewal': { from: ['received', 'overdue'], to: 'renewal-requested', serviceTypes: loanOnly, label: 'Renewal requested' },
  'renewal-approved': { from: ['received', 'renewal-requested', 'overdue'], to: 'received', serviceTypes: loanOnly, label: 'Renewal approved by lender' },
  'renewal-denied': { from: ['renewal-requested'], to: 'received', serviceTypes: loanOnly, label: 'Renewal denied by lender' },
  recall: { from: ['received', 'renewal-requested', 'overdue'], to: 'recalled', serviceTypes: loanOnly, label: 'Recalled by lender' },
  overdue: { from: ['received', 'renewal-requested'], to: 'overdue', serviceTypes: loanOnly, label: 'Overdue' },
  'mark-returned': { from: onLoan, to: 'returned', serviceTypes: loanOnly, label: 'Returned to lender' },
  'mark-lost': { from: onLoan, to: 'lost', serviceTypes: loanOnly, label: 'Lost' },
  /** the lost item turned up after all (seed 004): it goes back to the lender, its lost charges are taken back */
  'lost-item-returned': { from: ['lost'], to: 'returned', serviceTypes: loanOnly, label: 'Lost item came back; returned to lender' },
  complete: { from: ['returned'], to: 'complete', serviceTypes: loanOnly, label: 'Complete (lender checked the item in)' },
} as const satisfies Record<string, ActionRule<BorrowingStatus>>;

const lentOut = ['shipped', 'renewal-requested', 'recalled', 'overdue'] as const;

export const lendingActions = {
  /** L2: respond Yes and ship; copies are complete once sent */
  ship: { from: ['can-you-supply'], to: 'shipped', serviceTypes: both, label: 'Shipped' },
  'respond-unfilled': { from: ['can-you-supply'], to: 'unfilled', serviceTypes: both, label: 'Cannot supply (Unfilled)' },
  cancel: { from: ['can-you-supply'], to: 'cancelled', serviceTypes: both, label: 'Cancelled by borrower' },
  'renewal-requested': { from: ['shipped', 'overdue'], to: 'renewal-requested', serviceTypes: loanOnly, label: 'Borrower asked for a renewal' },
  'approve-renewal': { from: ['shipped', 'overdue', 'renewal-requested'], to: 'shipped', serviceTypes: loanOnly, label: 'Renewal approved' },
  'deny-renewal': { from: ['renewal-requested'], to: 'shipped', serviceTypes: loanOnly, label: 'Renewal denied' },
  recall: { from: ['shipped', 'renewal-requested', 'overdue'], to: 'recalled', serviceTypes: loanOnly, label: 'Recalled' },
  overdue: { from: ['shipped', 'renewal-requested'], to: 'overdue', serviceTypes: loanOnly, label: 'Overdue' },
  /** L3: the borrower shipped the item back */
  'borrower-returned': { from: lentOut, to: 'returned', serviceTypes: loanOnly, label: 'Returned by borrower (In Transit)' },
  /** L4: may come before the borrower's "returned" if the item simply arrives */
  'check-in': { from: [...lentOut, 'returned', 'returned-but-missing'], to: 'complete', serviceTypes: loanOnly, label: 'Checked in (Complete)' },
  /** L5: returned, but it never arrived */
  'not-returned': { from: ['returned'], to: 'returned-but-missing', serviceTypes: loanOnly, label: 'Returned but missing' },
  'age-out': { from: ['returned-but-missing'], to: 'closed-missing', serviceTypes: loanOnly, label: 'Closed: missing for 180 days' },
} as const satisfies Record<string, ActionRule<LendingStatus>>;

export type BorrowingAction = keyof typeof borrowingActions;
export type LendingAction = keyof typeof lendingActions;
export type RequestAction = BorrowingAction | LendingAction;

export const initialStatus = { borrowing: 'new-for-review', lending: 'can-you-supply' } as const;
/**
 * Statuses no action leaves. `lost` is not one: a lost item that comes back (seed 004's lost
 * charges are "removable when the item comes back") is still received as returned.
 */
export const terminalStatuses: readonly RequestStatus[] = ['complete', 'cancelled', 'unfilled', 'closed-missing'];
/** a returned-but-missing lending request ages out after this many days */
export const missingAgeOutDays = 180;

export interface IllRequest {
  id: string;
  role: RequestRole;
  serviceType: ServiceType;
  status: RequestStatus;
  title: string;
  author?: string | undefined;
  isbn?: string | undefined;
  /** borrowing: the patron's ILS identifier */
  patronId?: string | undefined;
  patronExpiry?: CalendarDate | undefined;
  /** borrowing: how ILL-side notices greet and reach the patron (from the ILL request) */
  patronName?: string | undefined;
  patronEmail?: string | undefined;
  pickupLocation?: string | undefined;
  inLibraryUseOnly: boolean;
  /** borrowing: the lender string (rota) and who has it now */
  lenders: string[];
  lenderIndex: number;
  /** lending: the borrowing library's symbol */
  borrowingLibrary?: string | undefined;
  supplierItemBarcode?: string | undefined;
  lenderDueDate?: CalendarDate | undefined;
  temporaryBarcode?: string | undefined;
  patronDueDate?: CalendarDate | undefined;
  /** lending: our item, and the due date we gave the borrower */
  itemBarcode?: string | undefined;
  dueDate?: CalendarDate | undefined;
  missingSince?: CalendarDate | undefined;
  renewals: number;
}

export function actionTable(role: RequestRole): Record<string, ActionRule<string>> {
  return role === 'borrowing' ? borrowingActions : lendingActions;
}

/** The actions a request in its current state may take: what staff see, and what an error lists. */
export function allowedActions(request: Pick<IllRequest, 'role' | 'status' | 'serviceType'>): RequestAction[] {
  return Object.entries(actionTable(request.role))
    .filter(([, rule]) => rule.from.includes(request.status) && rule.serviceTypes.includes(request.serviceType))
    .map(([name]) => name as RequestAction);
}

/** The current lender of a borrowing request: the rota entry it was last sent to. */
export function currentLender(request: Pick<IllRequest, 'lenders' | 'lenderIndex'>): string | undefined {
  return request.lenders[request.lenderIndex];
}
