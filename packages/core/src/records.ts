import type { StepOutcome } from './outcome.ts';
import type { IlsStep } from './plan.ts';

/**
 * The ILS records a request owns: what its own steps created or took over (issue "never touch
 * what isn't yours", item 1). Derived from the steps' durable outcomes, so it cannot drift from
 * them; staff see it on the request, and it is what a later step may act on. `released` once the
 * request's own step gave it back (the temporary item deleted, the lending loan checked in).
 */
export interface OwnedRecord {
  kind: 'temporary-item' | 'hold' | 'fee' | 'loan' | 'lending-hold';
  /** the step whose outcome made it the request's */
  stepKey: string;
  barcode?: string | undefined;
  /**
   * the barcode the ILS gave the temporary item when it is not the one sent (a responder that
   * makes the item under a new barcode when the sent one is taken, as Koha does): the record the
   * request owns is this one, and every read or step acts on it, never on the item under `barcode`
   */
  ilsBarcode?: string | undefined;
  patronId?: string | undefined;
  /** the ILS's own ID (item, hold, fee, loan) when the ILS gave one */
  ilsId?: string | undefined;
  released: boolean;
}

export interface SettledStep {
  step: IlsStep;
  outcome?: StepOutcome<Record<string, unknown>> | undefined;
  /** staff resolved it by hand: counts as done, but the ILS IDs are not known */
  succeeded: boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The barcode the ILS says it created the temporary item under, when it differs from the one the
 * step sent; undefined when they agree or the outcome does not say.
 */
export function temporaryItemIlsBarcode(sent: string, outcome: SettledStep['outcome']): string | undefined {
  if (!outcome || (outcome.kind !== 'done' && outcome.kind !== 'already-done')) return undefined;
  const given = text(outcome.value?.barcode);
  return given && given !== sent ? given : undefined;
}

function idOf(outcome: SettledStep['outcome'], field: string): string | undefined {
  if (!outcome || (outcome.kind !== 'done' && outcome.kind !== 'already-done')) return undefined;
  return text(outcome.value?.[field]) ?? text(outcome.reference);
}

export function ownedRecords(steps: readonly SettledStep[]): OwnedRecord[] {
  const records: OwnedRecord[] = [];
  const done = steps.filter((s) => s.succeeded);
  const releasedBy = (name: IlsStep['name'], barcode: string | undefined) =>
    done.some(({ step }) => step.name === name && 'itemBarcode' in step.input && step.input.itemBarcode === barcode);
  // A hold is given back by the cancel-hold step that names the step which placed it.
  const cancelled = (placedBy: string) => done.some(({ step }) => step.name === 'cancel-hold' && step.input.placedBy === placedBy);
  for (const { step, outcome } of done) {
    const base = { stepKey: step.key };
    const record = (r: Omit<OwnedRecord, 'stepKey' | 'released'>, released = false) => {
      const entry: OwnedRecord = { ...r, ...base, released };
      for (const key of Object.keys(entry) as (keyof OwnedRecord)[]) if (entry[key] === undefined) delete entry[key];
      records.push(entry);
    };
    switch (step.name) {
      case 'create-temporary-item':
        record(
          {
            kind: 'temporary-item',
            barcode: step.input.barcode,
            ilsBarcode: temporaryItemIlsBarcode(step.input.barcode, outcome),
            ilsId: idOf(outcome, 'itemId'),
          },
          releasedBy('delete-temporary-item', step.input.barcode),
        );
        break;
      case 'place-hold':
        record({ kind: 'hold', barcode: step.input.itemBarcode, patronId: step.input.patronId, ilsId: idOf(outcome, 'holdId') }, cancelled(step.key));
        break;
      case 'charge-fee':
        record({ kind: 'fee', patronId: step.input.patronId, ilsId: idOf(outcome, 'feeId') });
        break;
      case 'check-out-to-borrowing-library':
        record(
          { kind: 'loan', barcode: step.input.itemBarcode, patronId: step.input.patronId, ilsId: idOf(outcome, 'loanId') },
          releasedBy('check-in', step.input.itemBarcode),
        );
        break;
      case 'place-lending-hold':
        record({ kind: 'lending-hold', barcode: step.input.itemBarcode, patronId: step.input.patronId, ilsId: idOf(outcome, 'holdId') }, cancelled(step.key));
        break;
      default:
        break;
    }
  }
  return records;
}
