import {
  type CirculationSystem,
  classifyThrown,
  failedCheck,
  type PreflightInput,
  type PreflightReport,
  preflightCheckNames,
  preflightReport,
  skippedCheck,
} from '@bookstrap/core';
import { basicPreflight } from '../adapters/preflight.ts';
import { adapterFor } from '../adapters/registry.ts';
import { budgetKeyOf, governanceOf } from '../adapters/governance.ts';
import { type AdapterContext, adapterKey } from '../adapters/types.ts';
import type { AppDeps } from '../http/types.ts';
import { appendProtocolLog } from '../store/protocol-log.ts';
import { budgetContext, RateLimiter } from '../worker/rate-limit.ts';
import type { LibraryConfig } from './libraries.ts';

/**
 * The connection check (issue 12 §5): behaviour, not configuration keys — ReShare's testHostLMS
 * fires live calls without checking what they answer, mod-ncip's check looks at keys. Every
 * call is a read; the ILS is left exactly as it was.
 */

/** The adapter for a library's connection, with the service's transport; `libraryId` absent: traffic not logged. */
export function circulationSystemFor(
  deps: Pick<AppDeps, 'db' | 'registry' | 'fetch' | 'timeoutMs' | 'clock'> & Partial<Pick<AppDeps, 'logger'>>,
  config: Pick<LibraryConfig, 'connection'>,
  libraryId?: number,
): CirculationSystem | undefined {
  const definition = adapterFor(deps.registry, config.connection);
  if (!definition) return undefined;
  // The check spends the same budget as the library's worker (same institution, same allowance).
  const limiter = RateLimiter.forDatabase(deps.db);
  const budget = budgetKeyOf(config.connection);
  const governance = governanceOf(definition, config.connection);
  const context: AdapterContext = {
    fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: deps.timeoutMs ?? 15_000,
    clock: deps.clock,
    record: async (exchange) => {
      // a library not created yet has nothing to file its traffic under (and a refused creation stores nothing)
      if (libraryId !== undefined) await appendProtocolLog(deps.db, { ...exchange, libraryId });
    },
    ...budgetContext(limiter, budget, governance, {
      onError: (error, what) => deps.logger?.warn({ err: error, libraryId }, `rate budget: ${what} failed`),
    }),
  };
  return definition.create(config.connection, context);
}

export function preflightInputOf(config: LibraryConfig): PreflightInput {
  const { settings } = config;
  return {
    testPatronId: settings.preflight.testPatronId,
    testItemBarcode: settings.preflight.testItemBarcode,
    pickupLocations: [...new Set(config.pickupLocations.filter((p) => p.active).map((p) => p.ilsLocationCode))],
    illLocations: [
      ...new Set([
        settings.borrowing.illLocation,
        ...(settings.borrowing.shelvingLocation ? [settings.borrowing.shelvingLocation] : []),
        ...(settings.lending.illTemporaryLocation ? [settings.lending.illTemporaryLocation] : []),
      ]),
    ],
  };
}

/** Runs the check; a thrown error (network, a bug) fails the checks not yet answered, it never escapes. */
export async function runPreflight(
  deps: Pick<AppDeps, 'db' | 'registry' | 'fetch' | 'timeoutMs' | 'clock'> & Partial<Pick<AppDeps, 'logger'>>,
  config: LibraryConfig,
  libraryId?: number,
): Promise<PreflightReport> {
  if (!config.settings.enabled) {
    return preflightReport(preflightCheckNames.map((name) => skippedCheck(name, 'integration is switched off (settings.enabled=false)')));
  }
  const system = circulationSystemFor(deps, config, libraryId);
  if (!system) {
    return preflightReport([failedCheck('authenticate', `no adapter speaks ${adapterKey(config.connection)}`)]);
  }
  const input = preflightInputOf(config);
  try {
    const checks = system.preflight ? await system.preflight(input) : await basicPreflight(system, input);
    const named = new Set(checks.map((check) => check.name));
    // every check is in the report, answered or declared
    for (const name of preflightCheckNames) if (!named.has(name)) checks.push(skippedCheck(name, `this adapter (${system.ils}) cannot check it`));
    return preflightReport(checks);
  } catch (error) {
    const outcome = classifyThrown(error);
    return preflightReport([failedCheck('authenticate', 'reason' in outcome ? outcome.reason : String(error))]);
  }
}
