import type { IlsCapabilities } from './ils.ts';
import type {
  CheckInInput,
  CheckOutInput,
  CirculationSystem,
  DueDateInput,
  FeeInput,
  HoldInput,
  LendingHoldInput,
  LocationInput,
  TemporaryItemInput,
} from './port.ts';
import type { StepOutcome } from './outcome.ts';
import { classifyThrown } from './outcome.ts';

/** One ILS step of an integration plan, with its input and a stable idempotency key. */
export type IlsStep =
  | { name: 'lookup-patron'; key: string; input: { requestId: string; patronId: string } }
  | { name: 'create-temporary-item'; key: string; input: TemporaryItemInput }
  | { name: 'place-hold'; key: string; input: HoldInput }
  | { name: 'charge-fee'; key: string; input: FeeInput }
  | { name: 'check-out-to-borrowing-library'; key: string; input: CheckOutInput }
  | { name: 'update-due-date'; key: string; input: DueDateInput }
  | { name: 'check-in'; key: string; input: CheckInInput }
  | { name: 'delete-temporary-item'; key: string; input: { requestId: string; itemBarcode: string } }
  | { name: 'move-to-temporary-location'; key: string; input: LocationInput }
  | { name: 'restore-permanent-location'; key: string; input: { requestId: string; itemBarcode: string } }
  | { name: 'place-lending-hold'; key: string; input: LendingHoldInput };

export type IlsStepName = IlsStep['name'];
export const ilsStepNames: readonly IlsStepName[] = [
  'lookup-patron',
  'create-temporary-item',
  'place-hold',
  'charge-fee',
  'check-out-to-borrowing-library',
  'update-due-date',
  'check-in',
  'delete-temporary-item',
  'move-to-temporary-location',
  'restore-permanent-location',
  'place-lending-hold',
];

/**
 * request + step + item (+ what makes a repeat legitimate, e.g. a renewal's new date or a
 * fee's kind): the same key twice means the same ILS action, which must never run twice.
 */
export function idempotencyKey(requestId: string, step: IlsStepName, item: string | undefined, occurrence?: string): string {
  return [requestId, step, item ?? '-', ...(occurrence ? [occurrence] : [])].join(':');
}

export function step<N extends IlsStepName>(
  name: N,
  input: Extract<IlsStep, { name: N }>['input'],
  item: string | undefined,
  occurrence?: string,
): Extract<IlsStep, { name: N }> {
  return { name, key: idempotencyKey(input.requestId, name, item, occurrence), input } as Extract<IlsStep, { name: N }>;
}

/** Which capability a step needs; a step the ILS lacks is left out of the plan, never faked. */
export function stepSupported(name: IlsStepName, capabilities: IlsCapabilities): boolean {
  switch (name) {
    case 'place-lending-hold':
      return capabilities.lendingHold;
    case 'update-due-date':
      return capabilities.dueDateUpdate !== 'none';
    case 'move-to-temporary-location':
    case 'restore-permanent-location':
      return capabilities.temporaryLocation;
    case 'delete-temporary-item':
      return capabilities.deleteTemporaryItem;
    case 'charge-fee':
      return capabilities.fees || capabilities.feesOnShipped;
    case 'lookup-patron':
      return capabilities.patronLookup;
    default:
      return true;
  }
}

/** Runs one step through the port; a thrown error becomes a classified outcome, never lost. */
export async function runStep(system: CirculationSystem, planned: IlsStep): Promise<StepOutcome<Record<string, unknown>>> {
  try {
    switch (planned.name) {
      case 'lookup-patron': {
        const outcome = await system.lookupPatron({ patronId: planned.input.patronId });
        if ((outcome.kind === 'done' || outcome.kind === 'already-done') && outcome.value && outcome.value.status !== 'active') {
          const blocks = outcome.value.blocks?.length ? `: ${outcome.value.blocks.join(', ')}` : '';
          return { kind: 'needs-staff', reason: `patron ${planned.input.patronId} is ${outcome.value.status}${blocks}` };
        }
        return outcome as StepOutcome<Record<string, unknown>>;
      }
      case 'create-temporary-item':
        return await system.createTemporaryItem(planned.input);
      case 'place-hold':
        return await system.placeHold(planned.input);
      case 'charge-fee':
        return await system.chargeFee(planned.input);
      case 'check-out-to-borrowing-library':
        return await system.checkOut(planned.input);
      case 'update-due-date':
        return await system.updateDueDate(planned.input);
      case 'check-in':
        return await system.checkIn(planned.input);
      case 'delete-temporary-item':
        return await system.deleteTemporaryItem(planned.input);
      case 'move-to-temporary-location':
        return await system.moveToTemporaryLocation(planned.input);
      case 'restore-permanent-location':
        return await system.restorePermanentLocation(planned.input);
      case 'place-lending-hold':
        return await system.placeLendingHold(planned.input);
    }
  } catch (error) {
    return classifyThrown(error);
  }
}
