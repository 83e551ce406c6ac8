import type {
  CheckInInput,
  CheckOutInput,
  CirculationSystem,
  DueDateInput,
  FeeInput,
  HoldInput,
  IlsCapabilities,
  IlsKind,
  LendingHoldInput,
  LocationInput,
  PatronSummary,
  StepOutcome,
  TemporaryItemInput,
} from '@bookstrap/core';

/** The port's step methods: what a composite adapter routes. */
export type StepMethod = Exclude<keyof CirculationSystem, 'ils' | 'capabilities' | 'findTemporaryItems'>;

/**
 * An ILS spoken to in two protocols (NCIP for circulation, the vendor's REST or Web Services for
 * what its NCIP responder lacks). Each step goes to the system `route` names, so a composite
 * adapter is a routing table, not eleven forwarding methods.
 */
export abstract class RoutedSystem implements CirculationSystem {
  abstract readonly ils: IlsKind;
  abstract readonly capabilities: IlsCapabilities;
  protected abstract route(step: StepMethod): CirculationSystem;

  lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    return this.route('lookupPatron').lookupPatron(input);
  }
  createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    return this.route('createTemporaryItem').createTemporaryItem(input);
  }
  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.route('placeHold').placeHold(input);
  }
  chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    return this.route('chargeFee').chargeFee(input);
  }
  checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: string }>> {
    return this.route('checkOut').checkOut(input);
  }
  updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: string }>> {
    return this.route('updateDueDate').updateDueDate(input);
  }
  checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.route('checkIn').checkIn(input);
  }
  deleteTemporaryItem(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.route('deleteTemporaryItem').deleteTemporaryItem(input);
  }
  moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.route('moveToTemporaryLocation').moveToTemporaryLocation(input);
  }
  restorePermanentLocation(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.route('restorePermanentLocation').restorePermanentLocation(input);
  }
  placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.route('placeLendingHold').placeLendingHold(input);
  }
}
