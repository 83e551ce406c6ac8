import { transaction } from '../store/connection.ts';
import {
  type Connection,
  connectionSchema,
  crossCheckSettings,
  type IntegrationSettings,
  integrationSettingsSchema,
  type PickupLocation,
  type SettingsProblem,
} from '@bookstrap/core';
import { adapterFor } from '../adapters/registry.ts';
import { type AdapterRegistry, adapterKey } from '../adapters/types.ts';
import type { ZodError } from 'zod';
import { ApiError, issueDetails } from '../http/errors.ts';
import { maskedCredential } from '../http/views.ts';
import type { Clock } from '../adapters/types.ts';
import type { ServiceDatabase } from '../store/database.ts';
import { findLibraryBySymbol, insertLibrary, issueApiKey, type Library, updateLibrary } from '../store/libraries.ts';

/**
 * Library configuration is checked completely before anything is stored: the core's settings
 * rules, the ILS's capabilities, the adapter's own connection needs. Every problem is listed at
 * once, so a bad setting is a clear error now rather than a failed step at the first request.
 */
export interface LibraryConfig {
  connection: Connection;
  settings: IntegrationSettings;
  pickupLocations: PickupLocation[];
}

export function libraryConfigProblems(registry: AdapterRegistry, config: LibraryConfig): SettingsProblem[] {
  const adapter = adapterFor(registry, config.connection);
  const problems = crossCheckSettings(config.connection.ils, config.settings, config.connection, adapter?.capabilities).map((p) => ({
    ...p,
    path: p.path.startsWith('connection') ? p.path : `settings.${p.path}`,
  }));
  if (!adapter && config.settings.enabled) {
    const available = Object.keys(registry).join(', ') || 'none';
    problems.push({
      path: 'connection',
      message: `no adapter speaks ${adapterKey(config.connection)} yet (available: ${available}); choose another protocol or switch integration off (settings.enabled=false)`,
    });
  }
  if (adapter?.checkConnection) problems.push(...adapter.checkConnection(config.connection));
  const seen = new Set<string>();
  config.pickupLocations.forEach((location, index) => {
    const code = location.code.toUpperCase();
    if (seen.has(code)) problems.push({ path: `pickupLocations.${index}.code`, message: `pickup location code ${location.code} is listed twice` });
    seen.add(code);
  });
  return problems;
}

export function assertLibraryConfig(registry: AdapterRegistry, config: LibraryConfig): void {
  const problems = libraryConfigProblems(registry, config);
  if (problems.length > 0) {
    throw new ApiError('INVALID_INPUT', `Invalid library configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
}

export interface LibraryDeps {
  db: ServiceDatabase;
  clock: Clock;
  registry: AdapterRegistry;
}

export interface NewLibraryInput extends LibraryConfig {
  symbol: string;
  name: string;
}

/** Creates a library and its first API key (returned once; only its hash is stored). */
export async function createLibrary(deps: LibraryDeps, input: NewLibraryInput, apiKey?: string): Promise<{ library: Library; apiKey: string }> {
  assertLibraryConfig(deps.registry, input);
  return await transaction(
    deps.db,
    async (tx) => {
      if (await findLibraryBySymbol(tx, input.symbol)) throw new ApiError('CONFLICT', `A library with symbol ${input.symbol} already exists`);
      const now = deps.clock.now();
      const library = await insertLibrary(tx, input, now);
      return { library, apiKey: await issueApiKey(tx, library.id, now, apiKey) };
    },
    { behavior: 'immediate' },
  );
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key; arrays and values replace. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    merged[key] = isPlainObject(value) && isPlainObject(base[key]) ? deepMerge(base[key], value) : value;
  }
  return merged;
}

export interface LibraryPatch {
  name?: string | undefined;
  connection?: Record<string, unknown> | undefined;
  settings?: Record<string, unknown> | undefined;
  pickupLocations?: PickupLocation[] | undefined;
  borrowerIdentifiers?: IntegrationSettings['lending']['borrowerIdentifiers'] | undefined;
}

const prefixed = (prefix: string, issues: ZodError['issues']): SettingsProblem[] => issueDetails(issues, [prefix]);

/** The configuration a patch would give the library, checked as a whole; throws the 400 otherwise. */
export function patchedConfig(registry: AdapterRegistry, current: Library, patch: LibraryPatch): LibraryConfig {
  const problems: SettingsProblem[] = [];
  let connection = current.connection;
  if (patch.connection) {
    const credentials = isPlainObject(patch.connection.credentials) ? patch.connection.credentials : {};
    const keptCredentials = Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== maskedCredential));
    const merged = deepMerge(current.connection as unknown as Record<string, unknown>, { ...patch.connection, credentials: keptCredentials });
    const parsed = connectionSchema.safeParse(merged);
    if (parsed.success) connection = parsed.data;
    else problems.push(...prefixed('connection', parsed.error.issues));
  }

  let settingsInput = current.settings as unknown as Record<string, unknown>;
  if (patch.settings) settingsInput = deepMerge(settingsInput, patch.settings);
  if (patch.borrowerIdentifiers) {
    // the map is replaced, not merged: removing a partner's account must be possible
    const lending = isPlainObject(settingsInput.lending) ? settingsInput.lending : {};
    settingsInput = { ...settingsInput, lending: { ...lending, borrowerIdentifiers: patch.borrowerIdentifiers } };
  }
  let settings = current.settings;
  const parsedSettings = integrationSettingsSchema.safeParse(settingsInput);
  if (parsedSettings.success) settings = parsedSettings.data;
  else problems.push(...prefixed('settings', parsedSettings.error.issues));

  const pickupLocations = patch.pickupLocations ?? current.pickupLocations;
  if (problems.length === 0) problems.push(...libraryConfigProblems(registry, { connection, settings, pickupLocations }));
  if (problems.length > 0) {
    throw new ApiError('INVALID_INPUT', `Invalid library configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
  return { connection, settings, pickupLocations };
}

/**
 * A partial update: connection and settings are merged into the current ones and checked as a
 * whole. Credentials left out, or sent back masked as the API shows them, keep their stored value.
 */
export async function patchLibrary(deps: LibraryDeps, symbol: string, patch: LibraryPatch): Promise<Library> {
  return await transaction(
    deps.db,
    async (tx) => {
      const current = await findLibraryBySymbol(tx, symbol);
      if (!current) throw new ApiError('NOT_FOUND', `No library ${symbol}`);
      const { connection, settings, pickupLocations } = patchedConfig(deps.registry, current, patch);
      return await updateLibrary(
        tx,
        current.id,
        { ...(patch.name !== undefined ? { name: patch.name } : {}), connection, settings, pickupLocations },
        deps.clock.now(),
      );
    },
    { behavior: 'immediate' },
  );
}
