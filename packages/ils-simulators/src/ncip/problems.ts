/**
 * Engine refusals as NCIP Problems. NISO Appendix A words where one fits; where the standard has
 * none (deleting a real item, a check-out the user already has) the words say plainly what
 * happened, as real responders do with their own strings.
 */
import type { NcipProblem, NcipService } from '@bookstrap/ncip';
import type { EngineError } from '../engine/errors.ts';

/** A refusal raised inside a service: becomes the response's Problem. */
export class NcipRefusal extends Error {
  constructor(readonly problem: NcipProblem) {
    super(problem.detail ?? problem.type);
  }
}

export function refuse(type: string, detail: string, element?: string, value?: string): NcipRefusal {
  const problem: NcipProblem = { type, detail };
  if (element !== undefined) problem.element = element;
  if (value !== undefined) problem.value = value;
  return new NcipRefusal(problem);
}

/** What the user was trying to do, for the "User Ineligible To … This Item" family. */
const ineligible: Partial<Record<NcipService, string>> = {
  CheckOutItem: 'User Ineligible To Check Out This Item',
  RenewItem: 'User Ineligible To Renew This Item',
  RequestItem: 'User Ineligible To Request This Item',
  AcceptItem: 'User Ineligible To Request This Item',
};

const str = (v: string | number | undefined) => (v === undefined ? undefined : String(v));

export function problemFromEngine(error: EngineError, service: NcipService): NcipProblem {
  const d = error.details;
  const p = (type: string, element?: string, value?: string): NcipProblem => {
    const problem: NcipProblem = { type, detail: error.message };
    if (element !== undefined) problem.element = element;
    if (value !== undefined) problem.value = value;
    return problem;
  };
  switch (error.code) {
    case 'PATRON_NOT_FOUND':
      return p('Unknown User', 'UserId', str(d.identifier));
    case 'PATRON_BLOCKED':
      return p('User Blocked', 'UserId', str(d.identifier));
    case 'PATRON_EXPIRED':
      return p(ineligible[service] ?? 'User Blocked', 'UserId', str(d.identifier));
    case 'ITEM_NOT_FOUND':
      return p('Unknown Item', 'ItemId', str(d.barcode ?? d.itemId));
    case 'BARCODE_IN_USE': {
      const problem = p('Duplicate Item', 'ItemId', str(d.barcode));
      problem.detail = `${error.message} Suggested free barcode: ${d.suggestedBarcode}.`;
      return problem;
    }
    case 'ITEM_NOT_LOANABLE':
    case 'ITEM_LIBRARY_USE_ONLY':
      return p('Item Does Not Circulate', 'ItemId', str(d.barcode));
    case 'ITEM_HELD_FOR_ANOTHER_PATRON':
    case 'NO_ITEM_AVAILABLE':
      return p('Resource Cannot Be Provided', 'ItemId', str(d.barcode));
    case 'DUE_DATE_IN_PAST':
      return p('Invalid Date', 'DesiredDateDue', str(d.dueDate));
    case 'LOAN_NOT_FOUND':
      return p('Item Not Checked Out', 'ItemId');
    case 'NOT_RENEWABLE':
      return p(/limit/.test(String(d.reason)) ? 'Maximum Renewals Exceeded' : 'Item Not Renewable', 'ItemId');
    case 'HOLD_EXISTS':
      return p('Duplicate Request', 'ItemId', str(d.barcode));
    case 'HOLD_NOT_FOUND':
      return p('Unknown Request', 'RequestId', str(d.holdId));
    case 'LIBRARY_NOT_FOUND':
    case 'LOCATION_NOT_FOUND':
      return p('Unknown Location', 'PickupLocation', str(d.library ?? d.location));
    case 'INVALID_AMOUNT':
      return p('Invalid Amount', 'Amount', str(d.amountCents));
    case 'INVALID_INPUT':
      return p('Needed Data Missing', str(d.field));
    case 'ITEM_HAS_ACTIVITY':
      return p('Item Cannot Be Deleted', 'ItemId', str(d.barcode));
    default:
      return p('Temporary Processing Failure');
  }
}
