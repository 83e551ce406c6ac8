import { needsStaff, type Ownership, type StepOutcome } from '@bookstrap/core';

/**
 * Never touch what isn't yours (SPEC §5), the decision every REST adapter makes before a
 * check-in, due-date change or location restore: the temporary item must carry the request ID
 * in its note, a lent item's loan must be to the borrowing library's account, and a due date
 * moves only on the request's patron's loan. Each adapter reads the facts through its vendor's
 * API; this turns them into a verdict with one wording for every ILS.
 */
type Failed = Extract<StepOutcome<never>, { kind: 'retryable' | 'needs-staff' | 'configuration-error' }>;
type Checked = { found: true; value: boolean } | { found: false } | { failed: Failed };

export interface HeldRecord {
  barcode: string;
  /** the item's note carries "ILL request <id>" (what the temporary item is marked with) */
  carriesRequestNote: boolean;
  /** present when the item is on loan: is that loan to this patron? (read only when asked) */
  loanIsTo?: ((patronId: string) => Promise<Checked>) | undefined;
}

/** The reasons staff read, shared with the NCIP adapter so every ILS says the same thing. */
export const leftAlone = {
  notTemporaryItem: (barcode: string, requestId: string, why = 'its note does not carry the request ID') =>
    `item ${barcode} is not the temporary item of request ${requestId} (${why}); Bookstrap did not create it, so it was left alone`,
  temporaryItemLoan: (barcode: string, patronId: string) => `temporary item ${barcode} is on loan to another patron than ${patronId}; that loan was left alone`,
  loanOfAnotherRequest: (barcode: string, account: string, requestId: string) =>
    `item ${barcode} is already on loan to ${account}, but that loan is request ${requestId}'s, not this request's; it was left alone (check the item in for ${requestId} first, or resolve this step by hand)`,
  notThisRequestsFee: (feeId: string, patronId: string, requestId: string) =>
    `fee ${feeId} of patron ${patronId} is not the charge request ${requestId} made (its type or comment differ); it was left alone`,
  lentItemLoan: (barcode: string, borrowerPatronId: string) =>
    `item ${barcode} is on loan to another patron, not to ${borrowerPatronId}; Bookstrap did not make that loan, so it was left alone`,
};

/**
 * The outcome to stop with, or undefined when the record is still the request's. `checkPatron`:
 * a temporary item's loan must also be the request's patron's (due-date changes); a check-in
 * of the request's own temporary item closes whatever loan it is on.
 */
export async function ownershipProblem(owner: Ownership | undefined, record: HeldRecord, checkPatron: boolean): Promise<Failed | undefined> {
  if (!owner) return undefined;
  if (owner.kind === 'temporary-item') {
    if (!record.carriesRequestNote) return needsStaff(leftAlone.notTemporaryItem(record.barcode, owner.requestId)) as Failed;
    if (!checkPatron || !record.loanIsTo || !owner.patronId) return undefined;
    const mine = await record.loanIsTo(owner.patronId);
    if ('failed' in mine) return mine.failed;
    return mine.found && mine.value ? undefined : (needsStaff(leftAlone.temporaryItemLoan(record.barcode, owner.patronId)) as Failed);
  }
  if (!record.loanIsTo) return undefined;
  const mine = await record.loanIsTo(owner.borrowerPatronId);
  if ('failed' in mine) return mine.failed;
  return mine.found && mine.value ? undefined : (needsStaff(leftAlone.lentItemLoan(record.barcode, owner.borrowerPatronId)) as Failed);
}
