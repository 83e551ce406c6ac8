/**
 * How WorldShare Circulation behaves around ILL, from OCLC's integration workflow and a WMS
 * library's staff manual (shared/seeds 001, 004), on top of the shared engine:
 *
 * - a temporary item's hold starts Pending and becomes Ready for use only when the item is checked
 *   in at the pickup branch (engine routing: elsewhere it goes in transit first);
 * - at check-out the due date "reverts to the stricter" of the lender's due date (kept on the
 *   temporary item) and WMS's loan policy — a lender date longer than policy is cut to policy,
 *   and the response says which one won so the difference is visible;
 * - after return the temporary item is not deleted: checked in at its home branch it becomes
 *   Unavailable and keeps showing the ILL request id;
 * - a lent item shows the request id and the borrowing institution until its first check-in.
 */
import { and, eq } from 'drizzle-orm';
import { endOfDay, toDay } from '../../engine/calendar.ts';
import { type CheckInResult, computeDueDate } from '../../engine/circulation.ts';
import type { Engine } from '../../engine/engine.ts';
import { requirePatronById } from '../../engine/lookup.ts';
import { type Hold, type Item, items, type Library, type Patron } from '../../engine/schema.ts';

export interface WmsIllSettings {
  temporaryItemHomeBranch: string;
  temporaryHoldingLocation: string;
  temporaryShelvingLocation: string;
  temporaryItemPolicy: string;
  libraryUseOnlyItemPolicy: string;
  borrowingInstitutionPatronBarcodes: Record<string, string>;
  illFeePolicy: { feeType: string; defaultAmount: number };
}

/** The work state WMS shows for a retained temporary item (item status "Unavailable"). */
export const UNAVAILABLE = 'UNAVAILABLE';

export type DueDateSource = 'LOAN_POLICY' | 'ILL_DUE_DATE';

export class WmsRules {
  private readonly libraryByBranch: Map<string, string>;

  constructor(
    private readonly engine: Engine,
    private readonly branchIds: Readonly<Record<string, string>>,
    private readonly settings: WmsIllSettings,
  ) {
    this.libraryByBranch = new Map(Object.entries(branchIds).map(([code, id]) => [id, code]));
    ensureIllDueDateTable(engine);
  }

  branchIdOf(libraryCode: string): string {
    return this.branchIds[libraryCode] ?? libraryCode;
  }

  /** Branch registry id → engine library code (an engine code is accepted too). */
  libraryCodeOf(branchId: string): string | undefined {
    return this.libraryByBranch.get(branchId) ?? (branchId in this.branchIds ? branchId : undefined);
  }

  illSettings(): WmsIllSettings {
    return structuredClone(this.settings);
  }

  patronBarcode(patronId: number): string {
    const patron = requirePatronById(this.engine.db, patronId);
    return patron.barcode ?? patron.primaryId;
  }

  requestIdOfHold(hold: Hold): string | null {
    const item = this.engine.db.select().from(items).where(eq(items.id, hold.itemId)).get();
    return item?.temporary ? item.illRequestId : null;
  }

  shelvingLocationOf(item: Item, holdingLocation: string): string {
    return item.temporary ? this.settings.temporaryShelvingLocation : holdingLocation;
  }

  itemStatus(item: Item): string {
    switch (item.status) {
      case 'available':
        return 'AVAILABLE';
      case 'checked_out':
        return 'ON_LOAN';
      case 'on_hold_shelf':
        return 'ON_HOLD';
      case 'in_transit':
        return 'IN_TRANSIT';
      case 'missing':
        return 'MISSING';
      case 'lost':
        return 'LOST';
      case 'in_process':
        return item.processType === UNAVAILABLE ? UNAVAILABLE : 'IN_PROCESS';
    }
  }

  /** The lender's due date recorded on a temporary item (`YYYY-MM-DD`), if any. */
  illDueDateOf(item: Item): string | undefined {
    const row = this.engine.sqlite.prepare('select ill_due_date as day from wms_ill_due_dates where item_id = ?').get(item.id) as { day: string } | undefined;
    return row?.day;
  }

  recordIllDueDate(item: Item, day: string | undefined): void {
    if (day === undefined) this.engine.sqlite.prepare('delete from wms_ill_due_dates where item_id = ?').run(item.id);
    else this.engine.sqlite.prepare('insert or replace into wms_ill_due_dates (item_id, ill_due_date) values (?, ?)').run(item.id, day);
  }

  /**
   * The stricter of the loan policy's date and the lender's date for a temporary item; other
   * items get the policy date (no forced date).
   */
  deskCheckOutDueDate(item: Item, patron: Patron, library: Library): { dueDate?: Date; source: DueDateSource } {
    const illDay = this.illDueDateOf(item);
    if (!item.temporary || illDay === undefined) return { source: 'LOAN_POLICY' };
    const now = this.engine.clock.now();
    const policy = computeDueDate(this.engine.db, { patron, itemPolicy: item.policy, library, now });
    const lender = endOfDay(illDay);
    if (lender.getTime() < now.getTime() || lender.getTime() >= policy.getTime()) return { source: 'LOAN_POLICY' };
    return { dueDate: lender, source: 'ILL_DUE_DATE' };
  }

  /** Runs a check-in and applies what WMS does after it. */
  checkIn(run: () => CheckInResult): CheckInResult {
    const result = run();
    this.afterCheckIn(result);
    return result;
  }

  afterCheckIn(result: CheckInResult): void {
    const { item } = result;
    const now = this.engine.clock.now();
    if (item.temporary && result.outcome === 'reshelved') {
      // Back at the temporary item home branch with nothing waiting: kept, but Unavailable.
      this.engine.db.update(items).set({ status: 'in_process', processType: UNAVAILABLE, updatedAt: now }).where(eq(items.id, item.id)).run();
      result.item = { ...item, status: 'in_process', processType: UNAVAILABLE };
    } else if (!item.temporary && item.illRequestId !== null && result.returnedLoan) {
      // A lent item stops showing the ILL request after its first check-in.
      this.engine.db
        .update(items)
        .set({ illRequestId: null, lendingLibrary: null, updatedAt: now })
        .where(and(eq(items.id, item.id), eq(items.temporary, false)))
        .run();
      result.item = { ...item, illRequestId: null, lendingLibrary: null };
    }
  }

  /** A lent item shows the ILL request and the borrowing institution while it is out. */
  markLent(itemId: number, requestId: string, borrowingInstitution: string | null): void {
    this.engine.db
      .update(items)
      .set({ illRequestId: requestId, lendingLibrary: borrowingInstitution, updatedAt: this.engine.clock.now() })
      .where(and(eq(items.id, itemId), eq(items.temporary, false)))
      .run();
  }

  routeReason(result: CheckInResult): string {
    switch (result.outcome) {
      case 'hold_shelf':
        return 'HOLD';
      case 'transit_to_pickup':
        return 'HOLD_TRANSIT';
      case 'transit_home':
        return 'TRANSIT';
      case 'reshelved':
        return result.item.processType === UNAVAILABLE ? UNAVAILABLE : 'RESHELVE';
    }
  }

  today(): string {
    return toDay(this.engine.clock.now());
  }
}

/** The lender's due date per temporary item: WMS's own data, kept beside the engine's tables. */
function ensureIllDueDateTable(engine: Engine): void {
  engine.sqlite.exec('create table if not exists wms_ill_due_dates (item_id integer primary key, ill_due_date text not null)');
}

/** Forgets the WMS-only data (on a simulator reset, with the engine's tables). */
export function clearWmsData(engine: Engine): void {
  ensureIllDueDateTable(engine);
  engine.sqlite.exec('delete from wms_ill_due_dates');
}
