/**
 * What the Sierra routes share: the engine, Sierra's location/pickup/statistics-group tables
 * over the engine's libraries, links, `fields=` selection, paging and body reading.
 */
import type { Context } from 'hono';
import type { Engine } from '../../engine/engine.ts';
import type { DemoDataset } from '../../seed.ts';
import { sierraErrors } from './errors.ts';
import {
  type SierraLocation,
  type SierraPickupLocation,
  type SierraRecordKind,
  type SierraStatGroup,
  sierraBasePath,
  sierraLocations,
  sierraPickupLocations,
  sierraStatGroups,
  toSierraId,
} from './ids.ts';

export interface SierraWorld {
  engine: Engine;
  dataset: DemoDataset;
  locations: SierraLocation[];
  pickupLocations: SierraPickupLocation[];
  statGroups: SierraStatGroup[];
  /** The statistics group API transactions happen at unless a call names another. */
  defaultStatGroup: SierraStatGroup;
  /** Milliseconds (wall clock) before a new item can be read back, as DCB saw on real servers. */
  itemVisibilityLagMs: number;
  /** When each recent item was created, by engine id (for the read-after-create lag). */
  createdAt: Map<number, number>;
}

export function createWorld(engine: Engine, dataset: DemoDataset, options: { itemVisibilityLagMs?: number; defaultStatGroup?: number } = {}): SierraWorld {
  const statGroups = sierraStatGroups(dataset);
  const defaultStatGroup = statGroups.find((group) => group.number === (options.defaultStatGroup ?? 1)) ?? statGroups[0];
  if (!defaultStatGroup) throw new Error('Sierra needs at least one library');
  return {
    engine,
    dataset,
    locations: sierraLocations(dataset),
    pickupLocations: sierraPickupLocations(dataset),
    statGroups,
    defaultStatGroup,
    itemVisibilityLagMs: options.itemVisibilityLagMs ?? 0,
    createdAt: new Map(),
  };
}

export function locationByCode(world: SierraWorld, code: string): SierraLocation | undefined {
  return world.locations.find((location) => location.code === code);
}

export function locationOf(world: SierraWorld, library: string, location: string): SierraLocation {
  return (
    world.locations.find((entry) => entry.library === library && entry.location === location) ?? {
      code: location.toLowerCase(),
      name: location,
      library,
      location,
    }
  );
}

export function pickupByCode(world: SierraWorld, code: string): SierraPickupLocation | undefined {
  return world.pickupLocations.find((pickup) => pickup.code === code);
}

export function pickupOfLibrary(world: SierraWorld, library: string): SierraPickupLocation {
  return world.pickupLocations.find((pickup) => pickup.library === library) ?? { code: library.toLowerCase(), name: library, library };
}

/** `statgroup` of a call (query or body); the key's default group when absent. */
export function statGroupOf(world: SierraWorld, value: unknown): SierraStatGroup {
  if (value === undefined || value === null || value === '') return world.defaultStatGroup;
  const number = Number(value);
  const group = world.statGroups.find((entry) => entry.number === number);
  if (!group) throw sierraErrors.invalidParameter(`statgroup ${String(value)}`);
  return group;
}

/** `https://host/iii/sierra-api/v6` as the client reached us. */
export function apiBase(c: Context): string {
  return `${new URL(c.req.url).origin}${sierraBasePath}`;
}

const linkPaths: Record<SierraRecordKind, string> = {
  bib: 'bibs',
  item: 'items',
  patron: 'patrons',
  hold: 'patrons/holds',
  checkout: 'patrons/checkouts',
  fine: 'patrons/fines',
};

export function link(base: string, kind: SierraRecordKind, engineId: number): string {
  return `${base}/${linkPaths[kind]}/${toSierraId(kind, engineId)}`;
}

/** ISO 8601 without milliseconds, as Sierra writes date-times. */
export const sierraDateTime = (instant: Date) => instant.toISOString().replace(/\.\d{3}Z$/u, 'Z');

/**
 * `fields=`: with it, only the named properties (plus those always returned); without it, the
 * object's default set. Unknown names are ignored.
 */
export function selectFields(
  c: Context,
  full: Record<string, unknown>,
  defaults: readonly string[],
  always: readonly string[] = ['id'],
): Record<string, unknown> {
  const requested = c.req.query('fields');
  const names = requested === undefined || requested.trim() === '' ? defaults : requested.split(',').map((name) => name.trim());
  const wanted = new Set([...always, ...names]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) {
    if (wanted.has(key) && value !== undefined) out[key] = value;
  }
  return out;
}

/** `limit` (1–2000, default 50) and `offset`, as Sierra validates them. */
export function paging(c: Context): { limit: number; offset: number } {
  const limitText = c.req.query('limit');
  const offsetText = c.req.query('offset');
  const limit = limitText === undefined ? 50 : Number(limitText);
  const offset = offsetText === undefined ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 2000) throw sierraErrors.invalidParameter('limit');
  if (!Number.isInteger(offset) || offset < 0) throw sierraErrors.invalidParameter('offset');
  return { limit, offset };
}

export function resultSet(c: Context, entries: unknown[]): { total: number; start: number; entries: unknown[] } {
  const { limit, offset } = paging(c);
  return { total: entries.length, start: offset, entries: entries.slice(offset, offset + limit) };
}

/** A JSON object body; anything else is 130 Bad JSON. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const raw = await c.req.text();
  if (raw.trim() === '') throw sierraErrors.badJson('A JSON request body is required');
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw sierraErrors.badJson();
}

/** Refuses properties the request object does not have (Sierra's JSON binding is strict). */
export function assertKnownProperties(body: Record<string, unknown>, known: readonly string[], objectName: string): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw sierraErrors.badJson(`Unrecognized field "${unknown[0]}" in ${objectName}`);
}
