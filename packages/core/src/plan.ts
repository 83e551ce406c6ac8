import type { IlsCapabilities } from './ils.ts';
import type {
  CancelHoldInput,
  CheckInInput,
  CheckOutInput,
  CirculationSystem,
  DeleteTemporaryItemInput,
  DueDateInput,
  FeeInput,
  HoldInput,
  LendingHoldInput,
  LocationInput,
  RemoveFeeInput,
  RestoreLocationInput,
  TemporaryItemInput,
} from './port.ts';
import type { StepOutcome } from './outcome.ts';
import { classifyThrown } from './outcome.ts';

/**
 * One ILS step of an integration plan, with its input and a stable idempotency key.
 * `requires` lists the idempotency keys of the earlier steps whose ILS records this step acts
 * on (the hold needs the temporary item; a lending check-in needs the loan Bookstrap made): the
 * step runs only once every one of them succeeded, and is skipped, touching nothing, when one of
 * them failed or was never planned. Never touch what isn't yours (SPEC §5).
 */
type Planned<N extends string, I> = { name: N; key: string; input: I; requires?: string[] | undefined };
export type IlsStep =
  | Planned<'lookup-patron', { requestId: string; patronId: string }>
  | Planned<'create-temporary-item', TemporaryItemInput>
  | Planned<'place-hold', HoldInput>
  | Planned<'charge-fee', FeeInput>
  | Planned<'remove-fee', RemoveFeeInput>
  | Planned<'check-out-to-borrowing-library', CheckOutInput>
  | Planned<'update-due-date', DueDateInput>
  | Planned<'check-in', CheckInInput>
  | Planned<'delete-temporary-item', DeleteTemporaryItemInput>
  | Planned<'move-to-temporary-location', LocationInput>
  | Planned<'restore-permanent-location', RestoreLocationInput>
  | Planned<'place-lending-hold', LendingHoldInput>
  | Planned<'cancel-hold', CancelHoldInput>;

export type IlsStepName = IlsStep['name'];
export const ilsStepNames: readonly IlsStepName[] = [
  'lookup-patron',
  'create-temporary-item',
  'place-hold',
  'charge-fee',
  'remove-fee',
  'check-out-to-borrowing-library',
  'update-due-date',
  'check-in',
  'delete-temporary-item',
  'move-to-temporary-location',
  'restore-permanent-location',
  'place-lending-hold',
  'cancel-hold',
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
  requires?: string[],
): Extract<IlsStep, { name: N }> {
  const planned = { name, key: idempotencyKey(input.requestId, name, item, occurrence), input } as Extract<IlsStep, { name: N }>;
  if (requires && requires.length > 0) planned.requires = requires;
  return planned;
}

/** The steps a step acts on the records of, by idempotency key (see `IlsStep.requires`). */
export const prerequisite = {
  temporaryItem: (requestId: string, barcode: string) => idempotencyKey(requestId, 'create-temporary-item', barcode),
  borrowingCheckIn: (requestId: string, barcode: string) => idempotencyKey(requestId, 'check-in', barcode, 'returned'),
  lendingLoan: (requestId: string, itemBarcode: string) => idempotencyKey(requestId, 'check-out-to-borrowing-library', itemBarcode),
  temporaryLocation: (requestId: string, itemBarcode: string) => idempotencyKey(requestId, 'move-to-temporary-location', itemBarcode),
};

/** What became of a prerequisite step, as far as a dependent step is concerned. */
export type PrerequisiteState = 'succeeded' | 'waiting' | 'failed' | 'missing';

/**
 * May a step run now? Pure: the store passes the state of each prerequisite. `run` when every
 * one succeeded (done, already done or resolved by staff), `wait` while one is still in flight,
 * `skip` (with a librarian's reason) when one failed, was skipped, or was never planned.
 */
export function readiness(
  planned: IlsStep,
  prerequisites: ReadonlyMap<string, PrerequisiteState>,
): { kind: 'run' } | { kind: 'wait' } | { kind: 'skip'; blockedBy: string; reason: string } {
  for (const key of planned.requires ?? []) {
    const state = prerequisites.get(key) ?? 'missing';
    if (state === 'failed' || state === 'missing') return { kind: 'skip', blockedBy: key, reason: skipReason(planned, key, state) };
  }
  for (const key of planned.requires ?? []) if (prerequisites.get(key) === 'waiting') return { kind: 'wait' };
  return { kind: 'run' };
}

function skipReason(planned: IlsStep, blockedBy: string, state: 'failed' | 'missing'): string {
  const [, name] = blockedBy.split(':');
  const what: Record<string, string> = {
    'create-temporary-item': 'the temporary item was never created',
    'check-out-to-borrowing-library': 'Bookstrap never checked the item out to the borrowing library',
    'move-to-temporary-location': 'Bookstrap never moved the item to the ILL temporary location',
    'check-in': 'the temporary item was not checked in',
    'place-lending-hold': 'Bookstrap never placed the hold on the requested item',
    'place-hold': 'the hold was never placed',
    'cancel-hold': "the request's earlier hold is not known to be cancelled",
    'charge-fee': 'Bookstrap never charged that fee',
  };
  const cause = what[name ?? ''] ?? `step ${blockedBy} did not succeed`;
  const why = state === 'missing' ? `${cause} (that step was never planned)` : `${cause} (step ${blockedBy} did not succeed)`;
  const item = 'itemBarcode' in planned.input ? planned.input.itemBarcode : undefined;
  return `${why}, so nothing in the ILS${item ? ` under barcode ${item}` : ''} was touched: any record there is not this request's`;
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
    case 'remove-fee':
      return capabilities.feeRemoval;
    case 'lookup-patron':
      return capabilities.patronLookup;
    case 'cancel-hold':
      return capabilities.cancelHold;
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
          const patron = outcome.value;
          const blocks = patron.blocks?.length ? `: ${patron.blocks.join(', ')}` : '';
          const expired = patron.status === 'expired' && patron.expiryDate ? ` (registration expired ${patron.expiryDate})` : '';
          // What the ILS showed is kept with the outcome: staff see name, expiry and blocks on the request.
          return {
            kind: 'needs-staff',
            reason: `patron ${planned.input.patronId} is ${patron.status}${expired}${blocks}`,
            found: patron as unknown as Record<string, unknown>,
          };
        }
        return outcome as StepOutcome<Record<string, unknown>>;
      }
      case 'create-temporary-item':
        return await system.createTemporaryItem(planned.input);
      case 'place-hold':
        return await system.placeHold(planned.input);
      case 'charge-fee':
        return await system.chargeFee(planned.input);
      case 'remove-fee':
        if (!system.removeFee) return { kind: 'configuration-error', reason: `the ${system.ils} adapter cannot take fees back` };
        return await system.removeFee(planned.input);
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
      case 'cancel-hold':
        return await system.cancelHold(planned.input);
    }
  } catch (error) {
    return classifyThrown(error);
  }
}
