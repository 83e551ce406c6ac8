import {
  type CheckInInput,
  type CirculationSystem,
  type Connection,
  type StepOutcome,
  documentedCapabilities,
  type IlsCapabilities,
  type SettingsProblem,
} from '@bookstrap/core';
import { type NcipService, profiles } from '@bookstrap/ncip';
import { AlmaRestAdapter, almaOptions } from '../alma/alma.ts';
import { RoutedSystem, type StepMethod } from '../routed.ts';
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

/** What goes over Alma REST: what Alma's NCIP broker profile lacks, and the patron hold (see above). */
const overRest: ReadonlySet<StepMethod> = new Set<StepMethod>([
  'placeHold',
  'chargeFee',
  'removeFee',
  'updateDueDate',
  'deleteTemporaryItem',
  'moveToTemporaryLocation',
  'restorePermanentLocation',
  'placeLendingHold',
]);

export class AlmaNcipAdapter extends RoutedSystem {
  readonly ils = 'alma' as const;
  readonly capabilities: IlsCapabilities = documentedCapabilities.alma;
  readonly ncip: NcipAdapter;
  readonly rest: AlmaRestAdapter;

  constructor(connection: Connection, context: AdapterContext) {
    super();
    this.ncip = new NcipAdapter(ncipOptionsOf(connection, profiles.alma, almaNcipServices), context);
    this.rest = new AlmaRestAdapter(almaOptions(connection), context);
  }

  protected override companion(): CirculationSystem | undefined {
    return this.rest;
  }

  protected route(step: StepMethod): CirculationSystem {
    return overRest.has(step) ? this.rest : this.ncip;
  }

  /**
   * Whose loan it is, read over REST (Alma's NCIP responder has no LookupItem, so NCIP alone
   * cannot tell a desk check-in from another patron's loan); the check-in itself over NCIP.
   */
  override async checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!input.owner) return this.ncip.checkIn(input);
    const verdict = await this.rest.checkInVerdict(input);
    if ('stop' in verdict) return verdict.stop;
    return this.ncip.checkIn({ requestId: input.requestId, itemBarcode: input.itemBarcode });
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
