import {
  type CheckInInput,
  type CheckOutInput,
  type CirculationSystem,
  type Connection,
  type DueDateInput,
  documentedCapabilities,
  type FeeInput,
  type HoldInput,
  type IlsCapabilities,
  type LendingHoldInput,
  type LocationInput,
  type PatronSummary,
  type SettingsProblem,
  type StepOutcome,
  type TemporaryItemInput,
} from '@bookstrap/core';
import { type NcipService, profiles } from '@bookstrap/ncip';
import { NcipAdapter, ncipConnectionProblems, ncipOptionsOf } from '../ncip/ncip.ts';
import type { AdapterContext, AdapterDefinition } from '../types.ts';
import { SierraRestAdapter, sierraOptions } from './sierra.ts';

/**
 * What Innovative's NCIP Responder (Sierra and Millennium, NCIP 2.0) offers third-party ILL
 * systems: patron verification, the borrowing-side temporary item and hold (AcceptItem), a hold
 * for the institutional patron on the lending side (RequestItem/CancelRequestItem), check-out,
 * check-in, renewal and deleting the temporary item. No fiscal transactions.
 */
export const innovativeNcipServices: readonly NcipService[] = [
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'RequestItem',
  'CancelRequestItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'DeleteItem',
];

/**
 * Sierra in NCIP mode, as Tipasa and ReShare run it: Innovative's NCIP responder for the
 * circulation steps — the due dates travel in AcceptItem's DateForReturn, CheckOutItem's and
 * RenewItem's DesiredDateDue, which Sierra's REST API cannot carry — and Sierra REST for what the
 * responder lacks: manual charges and moving a lent item's location. The connection carries
 * both `ncipUrl` and `baseUrl` + client key and secret.
 */
export class SierraNcipAdapter implements CirculationSystem {
  readonly ils = 'sierra' as const;
  readonly capabilities: IlsCapabilities = documentedCapabilities.sierra;
  readonly ncip: NcipAdapter;
  readonly rest: SierraRestAdapter;

  constructor(connection: Connection, context: AdapterContext) {
    this.ncip = new NcipAdapter(ncipOptionsOf(connection, profiles.sierra, innovativeNcipServices), context);
    this.rest = new SierraRestAdapter(sierraOptions(connection), context);
  }

  // Over NCIP: the circulation steps Innovative's responder is for.
  lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    return this.ncip.lookupPatron(input);
  }
  createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    return this.ncip.createTemporaryItem(input);
  }
  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.ncip.placeHold(input);
  }
  checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: string }>> {
    return this.ncip.checkOut(input);
  }
  updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: string }>> {
    return this.ncip.updateDueDate(input);
  }
  checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.ncip.checkIn(input);
  }
  deleteTemporaryItem(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.ncip.deleteTemporaryItem(input);
  }
  placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.ncip.placeLendingHold(input);
  }

  // Over REST: what the responder has no message for.
  chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    return this.rest.chargeFee(input);
  }
  moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.rest.moveToTemporaryLocation(input);
  }
  restorePermanentLocation(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.rest.restorePermanentLocation(input);
  }
}

function checkSierraNcipConnection(connection: Connection): SettingsProblem[] {
  const problems = ncipConnectionProblems(connection, profiles.sierra);
  const why = "Sierra in NCIP mode charges fees and moves lent items over Sierra REST (Innovative's NCIP responder has no message for them)";
  if (!connection.baseUrl) problems.push({ path: 'connection.baseUrl', message: `${why}: give the Sierra API address too` });
  if (!connection.credentials.clientKey || !connection.credentials.clientSecret) {
    problems.push({ path: 'connection.credentials', message: `${why}: give the API client key and secret too` });
  }
  return problems;
}

export const sierraNcipAdapter: AdapterDefinition = {
  ils: 'sierra',
  protocol: 'ncip',
  capabilities: documentedCapabilities.sierra,
  // An NCIP servlet and the REST API on one Sierra server: a few calls a second.
  ratePerSecond: 5,
  create: (connection, context) => new SierraNcipAdapter(connection, context),
  checkConnection: checkSierraNcipConnection,
};
