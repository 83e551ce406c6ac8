/**
 * Item-level holds: pending → (in transit →) on hold shelf → fulfilled, or cancelled.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from './database.ts';
import type { Engine } from './engine.ts';
import { EngineError } from './errors.ts';
import {
  activeHoldsForItem,
  assertPatronInGoodStanding,
  findItemPolicy,
  homeLibraryId,
  requireBib,
  requireItem,
  requireLibrary,
  requirePatronById,
} from './lookup.ts';
import { activeHoldStatuses, type Hold, type HoldStatus, holds, type Item, items } from './schema.ts';

export interface PlaceHoldInput {
  patronId: number;
  itemId: number;
  pickupLibraryCode: string;
  comment?: string | null;
  /** Defaults to the item policy's library-use-only flag. */
  inLibraryUseOnly?: boolean;
  /** A staff override of the patron's blocks or expiry (SirsiDynix override prompts). */
  overridePatronStanding?: boolean;
}

export function placeHold(engine: Engine, input: PlaceHoldInput): Hold {
  return engine.db.transaction((tx) => placeHoldIn(tx, engine.clock.now(), input));
}

function placeHoldIn(tx: Db, now: Date, input: PlaceHoldInput): Hold {
  const patron = requirePatronById(tx, input.patronId);
  if (!input.overridePatronStanding) assertPatronInGoodStanding(tx, patron, now);
  const item = requireItem(tx, input.itemId);
  const pickupLibrary = requireLibrary(tx, input.pickupLibraryCode);
  if (item.status === 'lost' || item.status === 'missing') {
    throw new EngineError('NO_ITEM_AVAILABLE', `Item ${item.barcode} is ${item.status} and cannot fill a hold.`, {
      barcode: item.barcode,
    });
  }
  const duplicate = activeHoldsForItem(tx, item.id).find((hold) => hold.patronId === patron.id);
  if (duplicate) {
    throw new EngineError('HOLD_EXISTS', `Patron ${patron.primaryId} already has an active hold on ${item.barcode}.`, {
      holdId: duplicate.id,
      barcode: item.barcode,
    });
  }
  const policy = findItemPolicy(tx, item.policy);
  return tx
    .insert(holds)
    .values({
      patronId: patron.id,
      itemId: item.id,
      pickupLibraryId: pickupLibrary.id,
      status: 'pending',
      inLibraryUseOnly: input.inLibraryUseOnly ?? policy?.libraryUseOnly ?? false,
      comment: input.comment ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export interface PlaceTitleHoldInput extends Omit<PlaceHoldInput, 'itemId'> {
  bibId: number;
}

/** A title-level request: the engine picks an item of the title, preferring ones on the shelf. */
export function placeTitleHold(engine: Engine, input: PlaceTitleHoldInput): Hold {
  return engine.db.transaction((tx) => {
    const bib = requireBib(tx, input.bibId);
    const candidates = tx
      .select()
      .from(items)
      .where(and(eq(items.bibId, bib.id), ne(items.status, 'lost'), ne(items.status, 'missing')))
      .orderBy(asc(items.id))
      .all();
    const free = candidates.filter((item) => activeHoldsForItem(tx, item.id).length === 0);
    const chosen = free.find((item) => item.status === 'available') ?? free[0];
    if (!chosen) {
      throw new EngineError('NO_ITEM_AVAILABLE', `No item of "${bib.title}" can fill the request.`, { bibId: bib.id });
    }
    return placeHoldIn(tx, engine.clock.now(), { ...input, itemId: chosen.id });
  });
}

export function findHold(engine: Engine, holdId: number): Hold | undefined {
  return engine.db.select().from(holds).where(eq(holds.id, holdId)).get();
}

export function requireHold(db: Db, holdId: number): Hold {
  const hold = db.select().from(holds).where(eq(holds.id, holdId)).get();
  if (!hold) throw new EngineError('HOLD_NOT_FOUND', `Hold #${holdId} does not exist.`, { holdId });
  return hold;
}

export interface HoldQuery {
  patronId?: number;
  itemId?: number;
  /** `active` (pending, in transit, on shelf) or `history` (fulfilled, cancelled, expired). */
  state?: 'active' | 'history' | 'all';
}

export function listHolds(engine: Engine, query: HoldQuery): Hold[] {
  const historyStatuses: HoldStatus[] = ['fulfilled', 'cancelled', 'expired'];
  const conditions = [
    query.patronId === undefined ? undefined : eq(holds.patronId, query.patronId),
    query.itemId === undefined ? undefined : eq(holds.itemId, query.itemId),
    query.state === 'all' ? undefined : inArray(holds.status, query.state === 'history' ? historyStatuses : [...activeHoldStatuses]),
  ];
  return engine.db
    .select()
    .from(holds)
    .where(and(...conditions))
    .orderBy(asc(holds.createdAt), asc(holds.id))
    .all();
}

/** Position in the item's queue, 1-based; undefined once the hold is closed. */
export function placeInQueue(engine: Engine, hold: Hold): number | undefined {
  const queue = activeHoldsForItem(engine.db, hold.itemId);
  const index = queue.findIndex((queued) => queued.id === hold.id);
  return index === -1 ? undefined : index + 1;
}

export function cancelHold(engine: Engine, holdId: number, reason = 'CancelledAtPatronRequest'): Hold {
  return engine.db.transaction((tx) => {
    const hold = requireHold(tx, holdId);
    if (!activeHoldStatuses.includes(hold.status)) {
      throw new EngineError('HOLD_NOT_FOUND', `Hold #${holdId} is not active (${hold.status}).`, { holdId });
    }
    const now = engine.clock.now();
    const cancelled = tx
      .update(holds)
      .set({ status: 'cancelled', cancelReason: reason, updatedAt: now, closedAt: now })
      .where(eq(holds.id, holdId))
      .returning()
      .get();
    const item = requireItem(tx, hold.itemId);
    if (hold.status === 'on_hold_shelf' || hold.status === 'in_transit') sendHome(tx, item, hold, now);
    return cancelled;
  });
}

/**
 * An item freed from a cancelled hold goes back home: in place if it already sits there,
 * otherwise in transit. The next check-in routes it to any hold still waiting.
 */
function sendHome(tx: Db, item: Item, hold: Hold, now: Date): void {
  const home = homeLibraryId(item);
  const here = item.status === 'on_hold_shelf' ? hold.pickupLibraryId : undefined;
  const atHome = here === home;
  tx.update(items)
    .set({
      status: atHome ? 'available' : 'in_transit',
      processType: atHome ? null : 'TRANSIT',
      transitLibraryId: atHome ? null : home,
      updatedAt: now,
    })
    .where(eq(items.id, item.id))
    .run();
}

/**
 * The overnight job: holds whose hold-shelf period has passed expire, and their items go back
 * (the next hold in the queue gets them at the next check-in). Returns the expired holds.
 */
export function expireHoldShelf(engine: Engine): Hold[] {
  return engine.db.transaction((tx) => {
    const now = engine.clock.now();
    const today = now.toISOString().slice(0, 10);
    const expired: Hold[] = [];
    const waiting = tx.select().from(holds).where(eq(holds.status, 'on_hold_shelf')).all();
    for (const hold of waiting) {
      if (hold.holdShelfExpiry === null || hold.holdShelfExpiry >= today) continue;
      const closed = tx.update(holds).set({ status: 'expired', updatedAt: now, closedAt: now }).where(eq(holds.id, hold.id)).returning().get();
      expired.push(closed);
      sendHome(tx, requireItem(tx, hold.itemId), hold, now);
    }
    return expired;
  });
}
