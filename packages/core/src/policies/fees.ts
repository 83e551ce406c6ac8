import type { BorrowingSettings } from '../settings.ts';

export type FeeCharge = { kind: 'ill-fee' | 'lost-replacement' | 'lost-processing'; feeType: string; amount: number; comment: string };

/** The ILL fee charged when the lender ships, or null when nothing is to be charged. */
export function illFeeOnShipped(settings: BorrowingSettings, requestId: string): FeeCharge | null {
  if (!settings.chargePatronOnShipped || settings.illFee.amount <= 0) return null;
  return { kind: 'ill-fee', feeType: settings.illFee.feeType, amount: settings.illFee.amount, comment: `ILL fee for request ${requestId}` };
}

/** A lost ILL item can carry two charges: the lender's replacement cost and a processing fee. */
export function lostItemCharges(settings: BorrowingSettings, requestId: string, replacementCost?: number): FeeCharge[] {
  const charges: FeeCharge[] = [];
  const cost = replacementCost ?? settings.lostItemCharges.replacementCost;
  if (cost > 0) {
    charges.push({
      kind: 'lost-replacement',
      feeType: settings.lostItemCharges.replacementFeeType,
      amount: cost,
      comment: `Replacement cost of lost ILL item, request ${requestId}`,
    });
  }
  if (settings.lostItemCharges.processingFee > 0) {
    charges.push({
      kind: 'lost-processing',
      feeType: settings.lostItemCharges.processingFeeType,
      amount: settings.lostItemCharges.processingFee,
      comment: `Processing fee for lost ILL item, request ${requestId}`,
    });
  }
  return charges;
}
