/**
 * The circulation rules every vendor shares: check-out (loan policy, expiry cap, closed days),
 * check-in (close the loan, route to a waiting hold: hold shelf + pickup notice at the pickup
 * library, in transit elsewhere), renewals, due-date changes and in-house use.
 */
import { and, asc, eq } from 'drizzle-orm';
import { addDaysToDay, endOfDay, loadCalendar, moveOffClosedDays, toDay } from './calendar.ts';
import type { Db } from './database.ts';
import type { Engine } from './engine.ts';
import { EngineError } from './errors.ts';
import {
  activeHoldsForItem,
  activeLoanForItem,
  assertPatronInGoodStanding,
  findItemPolicy,
  homeLibraryId,
  libraryById,
  patronStanding,
  requireDesk,
  requireItem,
  requireLibrary,
  requirePatronById,
} from './lookup.ts';
import {
  type Hold,
  holds,
  type InHouseUse,
  type Item,
  inHouseUses,
  items,
  type Library,
  type Loan,
  type LoanRule,
  type LoanStatus,
  loanRules,
  loans,
  type Patron,
  type PickupNotice,
  pickupNotices,
} from './schema.ts';

/** Used when no loan rule matches at all: a conservative four weeks, no renewals. */
export const fallbackLoanRule: Omit<LoanRule, 'id'> = {
  userGroup: null,
  itemPolicy: null,
  loanDays: 28,
  renewalDays: 28,
  maxRenewals: 0,
};

/** The most specific rule: group + policy, then policy only, then group only, then the default. */
export function loanRuleFor(db: Db, userGroup: string, itemPolicy: string): Omit<LoanRule, 'id'> {
  let best: LoanRule | undefined;
  let bestScore = -1;
  for (const rule of db.select().from(loanRules).orderBy(asc(loanRules.id)).all()) {
    if (rule.userGroup !== null && rule.userGroup !== userGroup) continue;
    if (rule.itemPolicy !== null && rule.itemPolicy !== itemPolicy) continue;
    const score = (rule.itemPolicy === null ? 0 : 2) + (rule.userGroup === null ? 0 : 1);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best ?? fallbackLoanRule;
}

export interface DueDateInput {
  patron: Patron;
  itemPolicy: string;
  /** The library lending the item: its calendar decides the closed days. */
  library: Library;
  now: Date;
  /** A due date the caller insists on (vendors that allow it); still capped and moved off closed days. */
  forced?: Date;
  /** Days from today when no date is forced; defaults to the loan rule's loan period. */
  periodDays?: number;
  /** The item's own latest return (a borrowed item's lender date): a cap like the patron's expiry. */
  dueBackAt?: Date | null;
}

/**
 * Policy date → capped at the patron's expiry (end of that day) and the item's due-back date →
 * moved to the previous open day of the lending library. A forced date (a client's desired due
 * date: a lending check-out to a borrowing library's account) is the caller's, "not by Circulation
 * policy configurations" (Tipasa's Alma integration notes, seed 000): capped the same way, never
 * moved by the calendar — as Alma's loan PUT and NCIP DesiredDateDue keep the date given.
 */
export function computeDueDate(db: Db, input: DueDateInput): Date {
  const today = toDay(input.now);
  let due: Date;
  if (input.forced) {
    if (input.forced.getTime() < input.now.getTime()) {
      throw new EngineError('DUE_DATE_IN_PAST', `Due date ${input.forced.toISOString()} is in the past.`, {
        dueDate: input.forced.toISOString(),
      });
    }
    due = input.forced;
  } else {
    const days = input.periodDays ?? loanRuleFor(db, input.patron.userGroup, input.itemPolicy).loanDays;
    due = endOfDay(addDaysToDay(today, days));
  }
  const expiry = endOfDay(input.patron.expiryDate);
  if (due.getTime() > expiry.getTime()) due = expiry;
  if (input.dueBackAt && due.getTime() > input.dueBackAt.getTime()) due = input.dueBackAt;
  if (input.forced) return due;
  return moveOffClosedDays(due, today, loadCalendar(db, input.library.id));
}

function setItemState(tx: Db, item: Item, state: Pick<Item, 'status' | 'processType' | 'transitLibraryId'>, now: Date): Item {
  return tx
    .update(items)
    .set({ ...state, updatedAt: now })
    .where(eq(items.id, item.id))
    .returning()
    .get();
}

export interface CheckOutInput {
  patronId: number;
  itemId: number;
  libraryCode: string;
  deskCode?: string;
  /** A forced due date, for vendors whose check-out accepts one. */
  dueDate?: Date;
  /** Staff overrides (SirsiDynix override prompts): lend despite patron blocks/expiry, or a non-circulating item. */
  overrides?: { patronStanding?: boolean; nonCirculating?: boolean };
}

export function checkOut(engine: Engine, input: CheckOutInput): Loan {
  return engine.db.transaction((tx) => {
    const now = engine.clock.now();
    const patron = requirePatronById(tx, input.patronId);
    if (!input.overrides?.patronStanding) assertPatronInGoodStanding(tx, patron, now);
    const item = requireItem(tx, input.itemId);
    const library = requireLibrary(tx, input.libraryCode);
    const desk = input.deskCode === undefined ? undefined : requireDesk(tx, library, input.deskCode);

    const openLoan = activeLoanForItem(tx, item.id);
    if (openLoan) {
      throw new EngineError('ITEM_ALREADY_ON_LOAN', `Item ${item.barcode} is already on loan.`, {
        barcode: item.barcode,
        loanId: openLoan.id,
      });
    }
    const queue = activeHoldsForItem(tx, item.id);
    const ownHold = queue.find((hold) => hold.patronId === patron.id);
    const routedToOther = queue.find((hold) => hold.patronId !== patron.id && (hold.status === 'on_hold_shelf' || hold.status === 'in_transit'));
    if (routedToOther) {
      throw new EngineError('ITEM_HELD_FOR_ANOTHER_PATRON', `Item ${item.barcode} is held for another patron.`, {
        barcode: item.barcode,
        holdId: routedToOther.id,
      });
    }
    const policy = findItemPolicy(tx, item.policy);
    if (ownHold?.inLibraryUseOnly || policy?.libraryUseOnly) {
      throw new EngineError('ITEM_LIBRARY_USE_ONLY', `Item ${item.barcode} is for use in the library only; record an in-house use instead.`, {
        barcode: item.barcode,
      });
    }
    if (policy && !policy.loanable && !input.overrides?.nonCirculating) {
      throw new EngineError('ITEM_NOT_LOANABLE', `Item ${item.barcode} (policy ${policy.code}) does not circulate.`, {
        barcode: item.barcode,
        policy: policy.code,
      });
    }
    const dueDate = computeDueDate(tx, { patron, itemPolicy: item.policy, library, now, forced: input.dueDate, dueBackAt: item.dueBackAt });
    const loan = tx
      .insert(loans)
      .values({
        itemId: item.id,
        patronId: patron.id,
        libraryId: library.id,
        circulationDeskId: desk?.id ?? null,
        holdId: ownHold?.id ?? null,
        status: 'active',
        loanDate: now,
        dueDate,
      })
      .returning()
      .get();
    setItemState(tx, item, { status: 'checked_out', processType: 'LOAN', transitLibraryId: null }, now);
    if (ownHold) {
      tx.update(holds).set({ status: 'fulfilled', updatedAt: now, closedAt: now }).where(eq(holds.id, ownHold.id)).run();
    }
    return loan;
  });
}

export type CheckInOutcome =
  /** Back in place at its home library. */
  | 'reshelved'
  /** Waiting on the hold shelf of the pickup library (pickup notice sent). */
  | 'hold_shelf'
  /** Travelling to the pickup library of the next hold. */
  | 'transit_to_pickup'
  /** Travelling back to its home library. */
  | 'transit_home';

export interface CheckInInput {
  itemId: number;
  /** Where the item is scanned. */
  libraryCode: string;
  deskCode?: string;
  /** Count the scan as an in-house use when nothing else happened (Alma's default is yes). */
  registerInHouseUse?: boolean;
}

export interface CheckInResult {
  item: Item;
  outcome: CheckInOutcome;
  /** The loan this check-in closed; absent when the item was not on loan (still a success). */
  returnedLoan?: Loan;
  /** The hold the item is now routed to. */
  hold?: Hold;
  destinationLibrary: Library;
  pickupNotice?: PickupNotice;
  inHouseUse?: InHouseUse;
}

export function checkIn(engine: Engine, input: CheckInInput): CheckInResult {
  return engine.db.transaction((tx) => {
    const now = engine.clock.now();
    const today = toDay(now);
    const original = requireItem(tx, input.itemId);
    const library = requireLibrary(tx, input.libraryCode);
    const desk = input.deskCode === undefined ? undefined : requireDesk(tx, library, input.deskCode);

    const openLoan = activeLoanForItem(tx, original.id);
    const returnedLoan = openLoan
      ? tx
          .update(loans)
          .set({ status: 'returned', returnedAt: now, returnLibraryId: library.id, returnDeskId: desk?.id ?? null })
          .where(eq(loans.id, openLoan.id))
          .returning()
          .get()
      : undefined;

    const [nextHold] = activeHoldsForItem(tx, original.id);
    let item: Item;
    let outcome: CheckInOutcome;
    let hold: Hold | undefined;
    let pickupNotice: PickupNotice | undefined;
    let destinationLibrary: Library;

    if (nextHold) {
      destinationLibrary = libraryById(tx, nextHold.pickupLibraryId);
      if (library.id === nextHold.pickupLibraryId) {
        outcome = 'hold_shelf';
        item = setItemState(tx, original, { status: 'on_hold_shelf', processType: 'HOLDSHELF', transitLibraryId: null }, now);
        if (nextHold.status === 'on_hold_shelf') {
          hold = nextHold;
        } else {
          hold = tx
            .update(holds)
            .set({
              status: 'on_hold_shelf',
              holdShelfExpiry: addDaysToDay(today, library.holdShelfDays),
              updatedAt: now,
            })
            .where(eq(holds.id, nextHold.id))
            .returning()
            .get();
          pickupNotice = tx
            .insert(pickupNotices)
            .values({ holdId: hold.id, patronId: hold.patronId, itemId: item.id, libraryId: library.id, sentAt: now })
            .returning()
            .get();
        }
      } else {
        outcome = 'transit_to_pickup';
        item = setItemState(tx, original, { status: 'in_transit', processType: 'TRANSIT', transitLibraryId: nextHold.pickupLibraryId }, now);
        hold = tx.update(holds).set({ status: 'in_transit', holdShelfExpiry: null, updatedAt: now }).where(eq(holds.id, nextHold.id)).returning().get();
      }
    } else {
      const home = homeLibraryId(original);
      destinationLibrary = libraryById(tx, home);
      if (library.id === home) {
        outcome = 'reshelved';
        item = setItemState(tx, original, { status: 'available', processType: null, transitLibraryId: null }, now);
      } else {
        outcome = 'transit_home';
        item = setItemState(tx, original, { status: 'in_transit', processType: 'TRANSIT', transitLibraryId: home }, now);
      }
    }

    // A scan that moved nothing is a use of the item inside the library.
    const stayedPut = (outcome === 'reshelved' && original.status === 'available') || (outcome === 'hold_shelf' && original.status === 'on_hold_shelf');
    const inHouseUse =
      input.registerInHouseUse && !returnedLoan && stayedPut
        ? tx
            .insert(inHouseUses)
            .values({
              itemId: item.id,
              holdId: hold?.id ?? null,
              patronId: hold?.patronId ?? null,
              libraryId: library.id,
              recordedAt: now,
            })
            .returning()
            .get()
        : undefined;

    return { item, outcome, returnedLoan, hold, destinationLibrary, pickupNotice, inHouseUse };
  });
}

export interface InHouseUseInput {
  itemId: number;
  libraryCode: string;
  patronId?: number;
}

/**
 * Records a use of the item inside the library. For an item waiting on the hold shelf under a
 * library-use-only hold this is what happens instead of a check-out; the hold stays open.
 */
export function recordInHouseUse(engine: Engine, input: InHouseUseInput): InHouseUse {
  return engine.db.transaction((tx) => {
    const item = requireItem(tx, input.itemId);
    const library = requireLibrary(tx, input.libraryCode);
    const shelfHold = activeHoldsForItem(tx, item.id).find((hold) => hold.status === 'on_hold_shelf');
    const patronId = input.patronId ?? shelfHold?.patronId ?? null;
    if (patronId !== null) requirePatronById(tx, patronId);
    return tx
      .insert(inHouseUses)
      .values({
        itemId: item.id,
        holdId: shelfHold && shelfHold.patronId === patronId ? shelfHold.id : null,
        patronId,
        libraryId: library.id,
        recordedAt: engine.clock.now(),
      })
      .returning()
      .get();
  });
}

export function requireActiveLoan(db: Db, loanId: number): Loan {
  const loan = db.select().from(loans).where(eq(loans.id, loanId)).get();
  if (loan?.status !== 'active') {
    throw new EngineError('LOAN_NOT_FOUND', `Loan #${loanId} does not exist or is closed.`, { loanId });
  }
  return loan;
}

export function findLoan(engine: Engine, loanId: number): Loan | undefined {
  return engine.db.select().from(loans).where(eq(loans.id, loanId)).get();
}

export function listLoans(engine: Engine, query: { patronId?: number; itemId?: number; status?: LoanStatus }): Loan[] {
  return engine.db
    .select()
    .from(loans)
    .where(
      and(
        query.patronId === undefined ? undefined : eq(loans.patronId, query.patronId),
        query.itemId === undefined ? undefined : eq(loans.itemId, query.itemId),
        query.status === undefined ? undefined : eq(loans.status, query.status),
      ),
    )
    .orderBy(asc(loans.id))
    .all();
}

/** Why a loan cannot be renewed now, or undefined when it can. */
export function renewalRefusal(db: Db, loan: Loan, now: Date): string | undefined {
  const patron = requirePatronById(db, loan.patronId);
  const standing = patronStanding(db, patron, now);
  if (standing.blocked) return 'patron is blocked';
  if (standing.expired) return 'patron account has expired';
  const item = requireItem(db, loan.itemId);
  const rule = loanRuleFor(db, patron.userGroup, item.policy);
  if (loan.renewals >= rule.maxRenewals) return `renewal limit reached (${rule.maxRenewals})`;
  if (activeHoldsForItem(db, item.id).some((hold) => hold.patronId !== patron.id)) {
    return 'item is requested by another patron';
  }
  return undefined;
}

export interface RenewOptions {
  /**
   * Whether the item's dueBackAt (the lender's date an ILL system gave it) caps the renewal. Alma
   * keeps it on the item (`due_back_date`) and every loan honours it; Sierra items have no such
   * field (the item object is id, bibIds, location, status, barcode, … — vendor-apis.md §Sierra),
   * so a renewal at a Sierra desk follows the loan rule alone.
   */
  capAtDueBack?: boolean;
}

export function renewLoan(engine: Engine, loanId: number, options: RenewOptions = {}): Loan {
  return engine.db.transaction((tx) => {
    const now = engine.clock.now();
    const loan = requireActiveLoan(tx, loanId);
    const refusal = renewalRefusal(tx, loan, now);
    if (refusal) throw new EngineError('NOT_RENEWABLE', `Loan #${loanId} cannot be renewed: ${refusal}.`, { loanId, reason: refusal });
    const patron = requirePatronById(tx, loan.patronId);
    const item = requireItem(tx, loan.itemId);
    const rule = loanRuleFor(tx, patron.userGroup, item.policy);
    const dueDate = computeDueDate(tx, {
      patron,
      itemPolicy: item.policy,
      library: libraryById(tx, loan.libraryId),
      now,
      periodDays: rule.renewalDays,
      dueBackAt: options.capAtDueBack === false ? null : item.dueBackAt,
    });
    if (dueDate.getTime() <= loan.dueDate.getTime()) {
      const reason = 'the new due date would not be later than the current one';
      throw new EngineError('NOT_RENEWABLE', `Loan #${loanId} cannot be renewed: ${reason}.`, { loanId, reason });
    }
    return tx
      .update(loans)
      .set({ dueDate, renewals: loan.renewals + 1, lastRenewDate: now })
      .where(eq(loans.id, loanId))
      .returning()
      .get();
  });
}

/**
 * Sets a loan's due date exactly as given (a staff override such as Alma's PUT loan): only a date
 * in the past is refused.
 */
export function changeDueDate(engine: Engine, loanId: number, dueDate: Date): Loan {
  return engine.db.transaction((tx) => {
    const loan = requireActiveLoan(tx, loanId);
    if (dueDate.getTime() < engine.clock.now().getTime()) {
      throw new EngineError('DUE_DATE_IN_PAST', `Due date ${dueDate.toISOString()} is in the past.`, {
        loanId,
        dueDate: dueDate.toISOString(),
      });
    }
    return tx.update(loans).set({ dueDate }).where(eq(loans.id, loan.id)).returning().get();
  });
}
