import type { StepOutcome } from './outcome.ts';
import type { IlsStep } from './plan.ts';
import { temporaryItemIlsBarcode } from './records.ts';

/**
 * Circulation-history wording: one human sentence per ILS step attempt, in the words
 * ILL staff already know from Tipasa ("Temporary item record 8123 successfully created.").
 */
export function pendingText(planned: IlsStep): string {
  switch (planned.name) {
    case 'lookup-patron':
      return `Looking up patron ${planned.input.patronId} in the circulation system.`;
    case 'create-temporary-item':
      return `Creating temporary item record ${planned.input.barcode}.`;
    case 'place-hold':
      return `Placing hold on ${planned.input.itemBarcode} for patron ${planned.input.patronId} at ${planned.input.pickupLocation}.`;
    case 'charge-fee':
      return `Charging ${formatMoney(planned.input.amount)} (${planned.input.feeType}) to patron ${planned.input.patronId}.`;
    case 'remove-fee':
      return `Removing the ${planned.input.feeType} charge of patron ${planned.input.patronId} (${planned.input.reason}).`;
    case 'check-out-to-borrowing-library':
      return `Checking out item ${planned.input.itemBarcode} to ${planned.input.patronId}.`;
    case 'update-due-date':
      return `Updating due date of ${planned.input.itemBarcode} to ${planned.input.dueDate}.`;
    case 'check-in':
      return `Checking in item ${planned.input.itemBarcode}.`;
    case 'delete-temporary-item':
      return `Deleting temporary item record ${planned.input.itemBarcode}.`;
    case 'move-to-temporary-location':
      return `Moving item ${planned.input.itemBarcode} to temporary location ${planned.input.location}.`;
    case 'restore-permanent-location':
      return `Restoring item ${planned.input.itemBarcode} to its permanent location.`;
    case 'place-lending-hold':
      return `Placing hold on the requested item${planned.input.itemBarcode ? ` ${planned.input.itemBarcode}` : ''} for ${planned.input.patronId}.`;
    case 'cancel-hold':
      return `Cancelling the hold on ${planned.input.itemBarcode} for ${planned.input.patronId}${planned.input.holdId ? ` (hold ${planned.input.holdId})` : ''}.`;
  }
}

/** A step never run because one it depends on did not succeed (it would have touched records not the request's). */
export function skippedText(planned: IlsStep, reason: string): string {
  return `Not run: ${pendingText(planned).replace(/\.$/, '')}: ${reason}.`;
}

export function outcomeText(planned: IlsStep, outcome: StepOutcome<Record<string, unknown>>): string {
  const ref = (outcome.kind === 'done' || outcome.kind === 'already-done') && outcome.reference ? outcome.reference : undefined;
  if (outcome.kind === 'done' || outcome.kind === 'already-done') {
    const again = outcome.kind === 'already-done' ? ` (${outcome.reason})` : '';
    switch (planned.name) {
      case 'lookup-patron': {
        const shown = patronShown(outcome.value);
        return `Patron ${planned.input.patronId} verified in the circulation system${again}${shown ? `: ${shown}` : ''}.`;
      }
      case 'create-temporary-item': {
        // The ILS made it under another barcode (the sent one is another item's): say which, since
        // the strap and every later step use the ILS's.
        const given = temporaryItemIlsBarcode(planned.input.barcode, outcome);
        const shown = given ?? ref ?? planned.input.barcode;
        const why = given ? ` (the ILS gave it barcode ${given}: ${planned.input.barcode} is another item's; the strap and later steps use ${given})` : '';
        return outcome.kind === 'done'
          ? `Temporary item record ${shown} successfully created${why}.`
          : `Temporary item record ${shown} already existed${why}${again}.`;
      }
      case 'place-hold':
        return `Hold placed for patron ${planned.input.patronId} on ${planned.input.itemBarcode}, pickup at ${planned.input.pickupLocation}${again}.`;
      case 'charge-fee':
        return `${formatMoney(planned.input.amount)} ${planned.input.feeType} charged to patron ${planned.input.patronId}${again}.`;
      case 'remove-fee':
        return `${planned.input.feeType} charge${ref ? ` ${ref}` : ''} of patron ${planned.input.patronId} removed${again}.`;
      case 'check-out-to-borrowing-library': {
        const due = typeof outcome.value?.dueDate === 'string' ? `, due ${outcome.value.dueDate}` : '';
        return `Item ${planned.input.itemBarcode} checked out of the circulation system to ${planned.input.patronId}${due}${again}.`;
      }
      case 'update-due-date':
        return `Due date of ${planned.input.itemBarcode} updated to ${planned.input.dueDate}${again}.`;
      case 'check-in':
        return outcome.kind === 'done' ? `Item ${planned.input.itemBarcode} checked in.` : `Item ${planned.input.itemBarcode} was already checked in${again}.`;
      case 'delete-temporary-item':
        return outcome.kind === 'done'
          ? `Temporary item record ${planned.input.itemBarcode} deleted.`
          : `Temporary item record ${planned.input.itemBarcode} was already deleted${again}.`;
      case 'move-to-temporary-location':
        return `Item ${planned.input.itemBarcode} moved to temporary location ${planned.input.location}${again}.`;
      case 'restore-permanent-location':
        return `Item ${planned.input.itemBarcode} restored to its permanent location${again}.`;
      case 'place-lending-hold':
        return `Hold placed on the requested item for ${planned.input.patronId}${again}.`;
      case 'cancel-hold':
        return outcome.kind === 'done'
          ? `Hold on ${planned.input.itemBarcode} for ${planned.input.patronId} cancelled.`
          : `Hold on ${planned.input.itemBarcode} for ${planned.input.patronId} was already gone${again}.`;
    }
  }
  const why = outcome.reason + (outcome.kind === 'needs-staff' && outcome.suggestion ? `; suggestion: ${outcome.suggestion}` : '');
  const retry = outcome.kind === 'retryable' ? ' Will retry.' : '';
  switch (planned.name) {
    case 'lookup-patron': {
      const shown = outcome.kind === 'needs-staff' ? patronShown(outcome.found) : undefined;
      return `Patron ${planned.input.patronId} could not be verified (${why}).${shown ? ` The circulation system shows: ${shown}.` : ''}${retry}`;
    }
    case 'create-temporary-item':
      return `Temporary item record failed to create (${why}).${retry}`;
    case 'place-hold':
      return `Hold failed to place (${why}).${retry}`;
    case 'charge-fee':
      return `Fee failed to charge (${why}).${retry}`;
    case 'remove-fee':
      return `The ${planned.input.feeType} charge failed to be removed (${why}).${retry}`;
    case 'check-out-to-borrowing-library':
      return `Item ${planned.input.itemBarcode} failed to check out (${why}).${retry}`;
    case 'update-due-date':
      return `Due date failed to update (${why}).${retry}`;
    case 'check-in':
      return `Item ${planned.input.itemBarcode} failed to check in (${why}).${retry}`;
    case 'delete-temporary-item':
      return `Temporary item record failed to delete (${why}).${retry}`;
    case 'move-to-temporary-location':
      return `Item failed to move to temporary location (${why}).${retry}`;
    case 'restore-permanent-location':
      return `Item failed to return to its permanent location (${why}).${retry}`;
    case 'place-lending-hold':
      return `Hold on the requested item failed to place (${why}).${retry}`;
    case 'cancel-hold':
      return `Hold on ${planned.input.itemBarcode} for ${planned.input.patronId} was not cancelled (${why}).${retry}`;
  }
}

export function formatMoney(amount: number): string {
  return amount.toFixed(2);
}

/**
 * The ILS patron as staff verify them at review (seed 000: patron name and barcode verification):
 * "Ada Reader, active, expires 2028-03-12" (+ "blocks: …"); undefined when the lookup showed nothing.
 */
export function patronShown(value: Record<string, unknown> | undefined): string | undefined {
  if (!value || typeof value.status !== 'string') return undefined;
  const parts = [typeof value.name === 'string' && value.name ? value.name : undefined, value.status];
  if (typeof value.expiryDate === 'string') parts.push(`${value.status === 'expired' ? 'expired' : 'expires'} ${value.expiryDate}`);
  const blocks = Array.isArray(value.blocks) ? value.blocks.filter((b): b is string => typeof b === 'string') : [];
  if (blocks.length) parts.push(`blocks: ${blocks.join(', ')}`);
  return parts.filter((p): p is string => p !== undefined).join(', ');
}
