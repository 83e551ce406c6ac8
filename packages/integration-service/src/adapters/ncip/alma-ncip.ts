import {
  alreadyDone,
  type CheckInInput,
  type CirculationSystem,
  type HoldInput,
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
 * deleting the temporary item and temporary locations. A hold AcceptItem did not place goes over
 * REST: Alma's NCIP RequestItem creates a resource-sharing request, not a patron hold.
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
   * AcceptItem ("Hold For Pickup And Notify") placed the patron's hold with the item: nothing to
   * send (the protocol minimum for a receive is the one AcceptItem). Otherwise the hold goes over
   * REST, found by barcode (AcceptItem's item id is the barcode, not Alma's item pid).
   */
  override async placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    if (input.holdPlacedWithItem) {
      return alreadyDone(`the hold was placed with the temporary item (AcceptItem for patron ${input.patronId} at ${input.pickupLocation})`, {});
    }
    return this.rest.placeHold({ ...input, itemId: undefined });
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
  // One Alma institution's allowance (≈25 calls a second, vendor-apis.md §Alma governance); with
  // `institutionCode` set, REST and NCIP of one institution spend the same budget.
  ratePerSecond: 25,
  create: (connection, context) => new AlmaNcipAdapter(connection, context),
  checkConnection: checkAlmaNcipConnection,
};
