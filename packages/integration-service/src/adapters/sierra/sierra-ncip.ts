import {
  type CirculationSystem,
  type Connection,
  documentedCapabilities,
  type IlsCapabilities,
  type SettingsProblem,
  type StepOutcome,
  type TemporaryItemInput,
} from '@bookstrap/core';
import { type NcipService, profiles } from '@bookstrap/ncip';
import { NcipAdapter, ncipConnectionProblems, ncipOptionsOf } from '../ncip/ncip.ts';
import { RoutedSystem, type StepMethod } from '../routed.ts';
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
/** What goes over Sierra REST: what the NCIP responder has no message for. */
const overRest: ReadonlySet<StepMethod> = new Set<StepMethod>(['chargeFee', 'moveToTemporaryLocation', 'restorePermanentLocation']);

export class SierraNcipAdapter extends RoutedSystem {
  readonly ils = 'sierra' as const;
  readonly capabilities: IlsCapabilities = documentedCapabilities.sierra;
  readonly ncip: NcipAdapter;
  readonly rest: SierraRestAdapter;

  constructor(connection: Connection, context: AdapterContext) {
    super();
    this.ncip = new NcipAdapter(ncipOptionsOf(connection, profiles.sierra, innovativeNcipServices), context);
    this.rest = new SierraRestAdapter(sierraOptions(connection), context);
  }

  protected override companion(): CirculationSystem | undefined {
    return this.rest;
  }

  protected route(step: StepMethod): CirculationSystem {
    return overRest.has(step) ? this.rest : this.ncip;
  }

  /**
   * AcceptItem makes the temporary item where the responder's configuration says; the library's
   * shelving location, when set, is then given over Sierra REST (one location per item). A
   * refusal there is the step's outcome: retried, AcceptItem answers "already done".
   */
  override async createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>> {
    const created = await this.ncip.createTemporaryItem(input);
    if (!input.shelvingLocation || (created.kind !== 'done' && created.kind !== 'already-done')) return created;
    const shelved = await this.rest.shelveTemporaryItem(input.barcode, input.shelvingLocation);
    if (shelved.kind !== 'done' && shelved.kind !== 'already-done') return shelved.kind === 'needs-staff' ? { ...shelved, found: undefined } : shelved;
    return created;
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
  // No documented limit (/work/shared/reference/vendor-apis.md): unpaced until the ILS answers 429,
  // then the limiter halves and regrows its allowance; `connection.rateLimit` sets one per library.
  ratePerSecond: Number.POSITIVE_INFINITY,
  create: (connection, context) => new SierraNcipAdapter(connection, context),
  checkConnection: checkSierraNcipConnection,
};
