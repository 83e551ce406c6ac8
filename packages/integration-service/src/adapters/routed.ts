import {
  type CancelHoldInput,
  type CheckInInput,
  type CheckOutInput,
  type CirculationSystem,
  configurationError,
  type DeleteTemporaryItemInput,
  type DueDateInput,
  type FeeInput,
  type HoldInput,
  type IlsCapabilities,
  type IlsKind,
  type ItemCirculation,
  type ItemCirculationInput,
  type LendingHoldInput,
  type LocationInput,
  type PatronIllLoan,
  type PatronSummary,
  type PreflightCheck,
  type PreflightInput,
  type RemoveFeeInput,
  type StepOutcome,
  type TemporaryItemInput,
} from '@bookstrap/core';
import { basicPreflight, withNcipAuthentication } from './preflight.ts';

/** The port's step methods: what a composite adapter routes. */
export type StepMethod = Exclude<keyof CirculationSystem, 'ils' | 'capabilities' | 'findTemporaryItems' | 'patronLoans' | 'preflight' | 'readItemCirculation'>;

/**
 * An ILS spoken to in two protocols (NCIP for circulation, the vendor's REST or Web Services for
 * what its NCIP responder lacks). Each step goes to the system `route` names, so a composite
 * adapter is a routing table, not eleven forwarding methods.
 */
export abstract class RoutedSystem implements CirculationSystem {
  abstract readonly ils: IlsKind;
  abstract readonly capabilities: IlsCapabilities;
  protected abstract route(step: StepMethod): CirculationSystem;
  /** the vendor's own API beside NCIP, when the connection has one: it reads item notes and locations */
  protected companion(): CirculationSystem | undefined {
    return undefined;
  }

  /** Recovery from the patron's loans: over the vendor API when there is one (it sees notes), else NCIP. */
  patronLoans(input: { patronId: string }): Promise<StepOutcome<PatronIllLoan[]>> {
    const api = this.companion();
    if (api?.patronLoans) return api.patronLoans(input);
    const ncip = this.route('lookupPatron');
    return ncip.patronLoans ? ncip.patronLoans(input) : Promise.resolve(configurationError(`${this.ils} cannot list a patron's loans here`));
  }

  /** The ILS sync's read: over the vendor API when there is one (it sees holds and due dates), else NCIP. */
  readItemCirculation(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>> {
    const api = this.companion();
    if (api?.readItemCirculation) return api.readItemCirculation(input);
    const ncip = this.route('lookupPatron');
    return ncip.readItemCirculation
      ? ncip.readItemCirculation(input)
      : Promise.resolve(configurationError(`${this.ils} offers no way to read an item's circulation here`));
  }

  /** Both protocols must answer: the API's checks, with NCIP's answer folded into authentication. */
  async preflight(input: PreflightInput): Promise<PreflightCheck[]> {
    const api = this.companion();
    const ncip = this.route('lookupPatron');
    if (!api?.preflight) return basicPreflight(ncip, input);
    return withNcipAuthentication(ncip, await api.preflight(input), input);
  }

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
  removeFee(input: RemoveFeeInput): Promise<StepOutcome<{ feeId: string; status?: string }>> {
    const system = this.route('removeFee');
    return system.removeFee ? system.removeFee(input) : Promise.resolve(configurationError(`${this.ils} cannot take a fee back here`));
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
  deleteTemporaryItem(input: DeleteTemporaryItemInput): Promise<StepOutcome<Record<string, unknown>>> {
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
  /** the hold goes back the way it came: over the protocol that places holds */
  cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.route('placeHold').cancelHold(input);
  }
}
