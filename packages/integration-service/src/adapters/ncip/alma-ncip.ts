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
import { AlmaRestAdapter, almaOptions } from '../alma/alma.ts';
import type { AdapterContext, AdapterDefinition } from '../types.ts';
import { NcipAdapter, ncipConnectionProblems, ncipOptionsOf } from './ncip.ts';

/**
 * Alma in NCIP mode, as ILLiad, Tipasa and ReShare run it: Alma's NCIP responder
 * (`/view/NCIPServlet`, ToAgencyId = institution code, ApplicationProfileType = the
 * resource-sharing partner code) for what its broker profile offers — LookupUser, AcceptItem,
 * CheckOutItem, CheckInItem — and Alma REST for what it does not: fees, due-date changes,
 * deleting the temporary item and temporary locations. The hold AcceptItem places is checked
 * over REST too: Alma's NCIP RequestItem creates a resource-sharing request, not a patron hold.
 * The connection therefore carries both `ncipUrl` and `baseUrl` + API key.
 */
export const almaNcipServices: readonly NcipService[] = [
  'LookupUser',
  'AcceptItem',
  'RequestItem',
  'CheckOutItem',
  'CheckInItem',
  'CancelRequestItem',
  'RenewItem',
];

export class AlmaNcipAdapter implements CirculationSystem {
  readonly ils = 'alma' as const;
  readonly capabilities: IlsCapabilities = documentedCapabilities.alma;
  readonly ncip: NcipAdapter;
  readonly rest: AlmaRestAdapter;

  constructor(connection: Connection, context: AdapterContext) {
    this.ncip = new NcipAdapter(ncipOptionsOf(connection, profiles.alma, almaNcipServices), context);
    this.rest = new AlmaRestAdapter(almaOptions(connection), context);
  }

  // Over NCIP: what the broker profile is for.
  lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    return this.ncip.lookupPatron(input);
  }
  createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    return this.ncip.createTemporaryItem(input);
  }
  checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: string }>> {
    return this.ncip.checkOut(input);
  }
  checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.ncip.checkIn(input);
  }

  // Over REST: what Alma's NCIP profile lacks.
  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.rest.placeHold(input);
  }
  chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    return this.rest.chargeFee(input);
  }
  updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: string }>> {
    return this.rest.updateDueDate(input);
  }
  deleteTemporaryItem(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.rest.deleteTemporaryItem(input);
  }
  moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.rest.moveToTemporaryLocation(input);
  }
  restorePermanentLocation(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.rest.restorePermanentLocation(input);
  }
  placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.rest.placeLendingHold(input);
  }
}

function checkAlmaNcipConnection(connection: Connection): SettingsProblem[] {
  const problems = ncipConnectionProblems(connection, profiles.alma);
  const why = 'Alma in NCIP mode charges fees, changes due dates and deletes temporary items over Alma REST';
  if (!connection.baseUrl) problems.push({ path: 'connection.baseUrl', message: `${why}: give the Alma API base URL too` });
  if (!connection.library) problems.push({ path: 'connection.library', message: `${why}: give the Alma library code Bookstrap acts in` });
  return problems;
}

export const almaNcipAdapter: AdapterDefinition = {
  ils: 'alma',
  protocol: 'ncip',
  capabilities: documentedCapabilities.alma,
  // One Alma institution's budget (about 25 calls a second) is shared by REST and NCIP.
  ratePerSecond: 10,
  create: (connection, context) => new AlmaNcipAdapter(connection, context),
  checkConnection: checkAlmaNcipConnection,
};
