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
import { toDay } from '../../engine/calendar.ts';
import { type CheckInResult, computeDueDate } from '../../engine/circulation.ts';
import type { Engine } from '../../engine/engine.ts';
import { activeHoldsForItem, activeLoanForItem, requirePatronById } from '../../engine/lookup.ts';
import { dueDateCapOf } from '../../ncip/index.ts';
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

  /** The lender's due date kept on a temporary item at AcceptItem (DateForReturn, the item's dueBackAt), as `YYYY-MM-DD`. */
  illDueDateOf(item: Item): string | undefined {
    const cap = dueDateCapOf(item);
    return cap ? toDay(cap) : undefined;
  }

  /**
   * Moves a temporary item's lender date later (a renewal the lender granted); an earlier date is
   * left alone.
   */
  extendLenderDate(itemId: number, lenderDate: Date): void {
    const item = this.engine.db.select().from(items).where(eq(items.id, itemId)).get();
    if (!item || Number.isNaN(lenderDate.getTime())) return;
    const current = dueDateCapOf(item);
    if (current && current.getTime() >= lenderDate.getTime()) return;
    this.engine.db.update(items).set({ dueBackAt: lenderDate, updatedAt: this.engine.clock.now() }).where(eq(items.id, item.id)).run();
  }

  /**
   * Which date a desk check-out got: the engine caps the loan policy's date at the item's lender
   * date, so the loan is due on the stricter of the two; this says which one it was.
   */
  dueDateSource(item: Item, patron: Patron, library: Library, loanDueDate: Date, loanDate: Date): DueDateSource {
    if (!item.temporary || !dueDateCapOf(item)) return 'LOAN_POLICY';
    const policy = computeDueDate(this.engine.db, { patron, itemPolicy: item.policy, library, now: loanDate });
    return loanDueDate.getTime() < policy.getTime() ? 'ILL_DUE_DATE' : 'LOAN_POLICY';
  }

  /** Runs a check-in and applies what WMS does after it. */
  checkIn(run: () => CheckInResult): CheckInResult {
    const result = run();
    if (this.settleAfterCheckIn(result.item.id).retained) result.item = { ...result.item, status: 'in_process', processType: UNAVAILABLE };
    return result;
  }

  /**
   * After any check-in (desk or NCIP): a temporary item with nothing waiting and back in place
   * stays in WMS as Unavailable; a lent item no longer on loan stops showing its ILL request.
   */
  settleAfterCheckIn(itemId: number): { retained: boolean } {
    const { db } = this.engine;
    const item = db.select().from(items).where(eq(items.id, itemId)).get();
    if (!item) return { retained: false };
    const now = this.engine.clock.now();
    if (item.temporary && item.status === 'available' && activeHoldsForItem(db, item.id).length === 0) {
      db.update(items).set({ status: 'in_process', processType: UNAVAILABLE, updatedAt: now }).where(eq(items.id, item.id)).run();
      return { retained: true };
    }
    if (!item.temporary && item.illRequestId !== null && !activeLoanForItem(db, item.id)) {
      db.update(items).set({ illRequestId: null, lendingLibrary: null, updatedAt: now }).where(eq(items.id, item.id)).run();
    }
    return { retained: false };
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
