import {
  type CirculationSystem,
  type Connection,
  configurationError,
  type IlsCapabilities,
  type LocationInput,
  type SettingsProblem,
  type StepOutcome,
} from '@bookstrap/core';
import type { NcipProfile, NcipService } from '@bookstrap/ncip';
import { NcipAdapter, ncipCapabilities, ncipConnectionProblems, ncipOptionsOf } from '../ncip/ncip.ts';
import { RoutedSystem, type StepMethod } from '../routed.ts';
import type { AdapterContext, AdapterDefinition } from '../types.ts';
import { SirsiDynixWsAdapter, type SirsiDynixProduct, sirsiDynixConnectionProblems, sirsiDynixOptions } from './adapter.ts';

/**
 * A SirsiDynix ILS the way ILL systems integrate with it: NCIP 1.0 for every circulation step,
 * and — when the connection also carries Web Services credentials — Web Services for what the
 * NCIP server has no message for:
 *
 *   - temporary locations (Symphony): NCIP cannot move an item;
 *   - due-date changes: an NCIP 1.0 LookupItem answer carries no due date, so a repeated change
 *     cannot be recognised without naming the borrower; Web Services read the charge and renew
 *     it to the date (a staff renewal), which is idempotent by itself.
 */
export interface SirsiDynixNcipSetup {
  product: SirsiDynixProduct;
  profile: NcipProfile;
  services: readonly NcipService[];
  /** the product's Web Services path, appended when the base URL is a bare host */
  wsPath: string;
}

export function sirsiDynixNcipCapabilities(setup: SirsiDynixNcipSetup): IlsCapabilities {
  const ncip = ncipCapabilities(setup.product.ils, setup.services);
  // Symphony moves items over Web Services; Horizon's NCIP server shelves lent items itself.
  return { ...ncip, temporaryLocation: setup.product.capabilities.temporaryLocation || ncip.temporaryLocation };
}

export class SirsiDynixNcipAdapter extends RoutedSystem {
  readonly ils: 'symphony' | 'horizon';
  readonly capabilities: IlsCapabilities;
  readonly ncip: NcipAdapter;
  /** present when the connection carries Web Services credentials */
  readonly ws: SirsiDynixWsAdapter | undefined;

  constructor(
    private readonly setup: SirsiDynixNcipSetup,
    connection: Connection,
    context: AdapterContext,
  ) {
    super();
    this.ils = setup.product.ils;
    this.capabilities = sirsiDynixNcipCapabilities(setup);
    const options = ncipOptionsOf(connection, setup.profile, setup.services);
    // With a staff login configured the password is the Web Services one: never send it as
    // NCIP FromAgencyAuthentication.
    if (connection.credentials.username) delete options.header.fromAgencyAuthentication;
    this.ncip = new NcipAdapter(options, context);
    this.ws =
      connection.baseUrl && connection.credentials.clientId
        ? new SirsiDynixWsAdapter(setup.product, sirsiDynixOptions(connection, setup.wsPath), context)
        : undefined;
  }

  protected override companion(): CirculationSystem | undefined {
    return this.ws;
  }

  protected route(step: StepMethod): CirculationSystem {
    return step === 'updateDueDate' && this.ws ? this.ws : this.ncip;
  }

  override moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.setup.product.capabilities.temporaryLocation) return this.ncip.moveToTemporaryLocation(input);
    return this.ws ? this.ws.moveToTemporaryLocation(input) : Promise.resolve(this.needsWs(`move ${input.itemBarcode} to a temporary location`));
  }
  override restorePermanentLocation(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.setup.product.capabilities.temporaryLocation) return this.ncip.restorePermanentLocation(input);
    return this.ws ? this.ws.restorePermanentLocation(input) : Promise.resolve(this.needsWs(`move ${input.itemBarcode} back to its permanent location`));
  }

  private needsWs(what: string): StepOutcome<never> {
    return configurationError(
      `${this.setup.product.name}'s NCIP server cannot ${what}: give the connection the Web Services URL, client id and staff login, or turn the temporary location setting off`,
    );
  }
}

/** The `symphony:ncip` / `horizon:ncip` registry row. */
export function sirsiDynixNcipAdapter(setup: SirsiDynixNcipSetup): AdapterDefinition {
  return {
    ils: setup.product.ils,
    protocol: 'ncip',
    capabilities: sirsiDynixNcipCapabilities(setup),
    // No documented limit (/work/shared/reference/vendor-apis.md): unpaced until the ILS answers 429,
    // then the limiter halves and regrows its allowance; `connection.rateLimit` sets one per library.
    ratePerSecond: Number.POSITIVE_INFINITY,
    create: (connection, context) => new SirsiDynixNcipAdapter(setup, connection, context),
    checkConnection: (connection): SettingsProblem[] => {
      const problems = ncipConnectionProblems(connection, setup.profile);
      // Web Services are optional in NCIP mode; when given, they must be complete.
      if (connection.baseUrl || connection.credentials.clientId) problems.push(...sirsiDynixConnectionProblems(connection, setup.product.name));
      return problems;
    },
  };
}
