import {
  type CheckInInput,
  type CheckOutInput,
  type CirculationSystem,
  type Connection,
  configurationError,
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
import { NcipAdapter, ncipCapabilities, ncipConnectionProblems, ncipOptionsOf } from '../ncip/ncip.ts';
import { SirsiDynixWsAdapter, type SirsiDynixProduct, sirsiDynixConnectionProblems, sirsiDynixOptions } from '../sirsidynix/adapter.ts';
import type { AdapterContext, AdapterDefinition } from '../types.ts';

/**
 * SirsiDynix Symphony. ILL systems (ReShare, Tipasa, Relais) talk to it over NCIP 1.0, so that is
 * the default row; ILSWS (Web Services) does what Symphony's NCIP server has no message for —
 * moving a lent item to the ILL temporary location and back — and is a full adapter of its own
 * (`symphony:rest`) for libraries that integrate over Web Services only.
 */
export const symphonyNcipServices: readonly NcipService[] = [
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RequestItem',
  'CancelRequestItem',
  'DeleteItem',
];

export const symphonyProduct: SirsiDynixProduct = {
  ils: 'symphony',
  name: 'Symphony',
  // No documented bill creation in Web Services: fees stay off, as the matrix says.
  capabilities: documentedCapabilities.symphony,
  standing: true,
};

export const symphonyWsPath = '/symws';

export class SymphonyNcipAdapter implements CirculationSystem {
  readonly ils = 'symphony' as const;
  readonly capabilities: IlsCapabilities = { ...ncipCapabilities('symphony', symphonyNcipServices), temporaryLocation: documentedCapabilities.symphony.temporaryLocation };
  readonly ncip: NcipAdapter;
  /** present when the connection carries Web Services credentials */
  readonly ws: SirsiDynixWsAdapter | undefined;

  constructor(connection: Connection, context: AdapterContext) {
    const options = ncipOptionsOf(connection, profiles.symphony, symphonyNcipServices);
    // With a staff login configured, the password is the Web Services one: never send it as NCIP
    // FromAgencyAuthentication.
    if (connection.credentials.username) delete options.header.fromAgencyAuthentication;
    this.ncip = new NcipAdapter(options, context);
    this.ws = connection.baseUrl && connection.credentials.clientId ? new SirsiDynixWsAdapter(symphonyProduct, sirsiDynixOptions(connection, symphonyWsPath), context) : undefined;
  }

  lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    return this.ncip.lookupPatron(input);
  }
  createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    return this.ncip.createTemporaryItem(input);
  }
  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    return this.ncip.placeHold(input);
  }
  chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    return this.ncip.chargeFee(input);
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

  // Over Web Services: NCIP has no message for locations.
  moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.ws ? this.ws.moveToTemporaryLocation(input) : Promise.resolve(this.needsWs(`move ${input.itemBarcode} to a temporary location`));
  }
  restorePermanentLocation(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return this.ws ? this.ws.restorePermanentLocation(input) : Promise.resolve(this.needsWs(`move ${input.itemBarcode} back to its permanent location`));
  }

  private needsWs(what: string): StepOutcome<never> {
    return configurationError(`Symphony's NCIP server cannot ${what}: give the connection the Web Services URL, client id and staff login, or turn the temporary location setting off`);
  }
}

function checkSymphonyNcipConnection(connection: Connection): SettingsProblem[] {
  const problems = ncipConnectionProblems(connection, profiles.symphony);
  // Web Services are optional in NCIP mode; when given, they must be complete.
  if (connection.baseUrl || connection.credentials.clientId) problems.push(...sirsiDynixConnectionProblems(connection, 'Symphony'));
  return problems;
}

export const symphonyNcipAdapter: AdapterDefinition = {
  ils: 'symphony',
  protocol: 'ncip',
  capabilities: { ...ncipCapabilities('symphony', symphonyNcipServices), temporaryLocation: documentedCapabilities.symphony.temporaryLocation },
  ratePerSecond: 5,
  create: (connection, context) => new SymphonyNcipAdapter(connection, context),
  checkConnection: checkSymphonyNcipConnection,
};

export const symphonyRestAdapter: AdapterDefinition = {
  ils: 'symphony',
  protocol: 'rest',
  capabilities: symphonyProduct.capabilities,
  // One Web Services session per library; a handful of calls a second is plenty for ILL.
  ratePerSecond: 5,
  create: (connection, context) => new SirsiDynixWsAdapter(symphonyProduct, sirsiDynixOptions(connection, symphonyWsPath), context),
  checkConnection: (connection) => sirsiDynixConnectionProblems(connection, 'Symphony'),
};
