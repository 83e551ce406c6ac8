/**
 * Fines and fees with their transactions. Amounts are integer cents.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import type { Engine } from './engine.ts';
import { EngineError } from './errors.ts';
import { requireBib, requireItem, requireLibrary, requirePatronById } from './lookup.ts';
import { type Fee, type FeeStatus, type FeeTransaction, feeTransactions, fees } from './schema.ts';

export interface CreateFeeInput {
  patronId: number;
  type: string;
  amountCents: number;
  ownerLibraryCode: string;
  comment?: string | null;
  itemId?: number;
}

export function createFee(engine: Engine, input: CreateFeeInput): Fee {
  return engine.db.transaction((tx) => {
    requirePatronById(tx, input.patronId);
    if (!Number.isInteger(input.amountCents) || input.amountCents <= 0) {
      throw new EngineError('INVALID_AMOUNT', 'A fee amount must be positive.', { amountCents: input.amountCents });
    }
    const owner = requireLibrary(tx, input.ownerLibraryCode);
    const item = input.itemId === undefined ? undefined : requireItem(tx, input.itemId);
    const now = engine.clock.now();
    return tx
      .insert(fees)
      .values({
        patronId: input.patronId,
        itemId: item?.id ?? null,
        itemBarcode: item?.barcode ?? null,
        itemTitle: item ? requireBib(tx, item.bibId).title : null,
        type: input.type,
        originalAmountCents: input.amountCents,
        balanceCents: input.amountCents,
        status: 'active',
        ownerLibraryId: owner.id,
        comment: input.comment ?? null,
        createdAt: now,
        statusTime: now,
      })
      .returning()
      .get();
  });
}

export function requireFee(db: Db, feeId: number, patronId?: number): Fee {
  const fee = db.select().from(fees).where(eq(fees.id, feeId)).get();
  if (!fee || (patronId !== undefined && fee.patronId !== patronId)) {
    throw new EngineError('FEE_NOT_FOUND', `Fee #${feeId} does not exist.`, { feeId });
  }
  return fee;
}

export function listFees(engine: Engine, query: { patronId: number; status?: FeeStatus }): Fee[] {
  return engine.db
    .select()
    .from(fees)
    .where(and(eq(fees.patronId, query.patronId), query.status ? eq(fees.status, query.status) : undefined))
    .orderBy(asc(fees.id))
    .all();
}

export function feeTransactionsOf(engine: Engine, feeId: number): FeeTransaction[] {
  return engine.db.select().from(feeTransactions).where(eq(feeTransactions.feeId, feeId)).orderBy(asc(feeTransactions.id)).all();
}

export interface SettleFeeInput {
  /** Defaults to the whole balance. */
  amountCents?: number;
  method?: string;
  reason?: string;
  comment?: string;
}

function settle(engine: Engine, feeId: number, type: 'payment' | 'waive', input: SettleFeeInput): Fee {
  return engine.db.transaction((tx) => {
    const fee = requireFee(tx, feeId);
    if (fee.status !== 'active') {
      throw new EngineError('FEE_NOT_ACTIVE', `Fee #${feeId} is ${fee.status}.`, { feeId });
    }
    const amount = input.amountCents ?? fee.balanceCents;
    if (!Number.isInteger(amount) || amount <= 0 || amount > fee.balanceCents) {
      throw new EngineError('INVALID_AMOUNT', `Amount must be between 0.01 and the balance.`, {
        feeId,
        amountCents: amount,
        balanceCents: fee.balanceCents,
      });
    }
    const now = engine.clock.now();
    tx.insert(feeTransactions)
      .values({
        feeId,
        type,
        amountCents: amount,
        method: input.method ?? null,
        reason: input.reason ?? null,
        comment: input.comment ?? null,
        createdAt: now,
      })
      .run();
    const balance = fee.balanceCents - amount;
    return tx
      .update(fees)
      .set({ balanceCents: balance, status: balance === 0 ? 'closed' : 'active', statusTime: now })
      .where(eq(fees.id, feeId))
      .returning()
      .get();
  });
}

export function payFee(engine: Engine, feeId: number, input: SettleFeeInput = {}): Fee {
  return settle(engine, feeId, 'payment', input);
}

export function waiveFee(engine: Engine, feeId: number, input: SettleFeeInput = {}): Fee {
  return settle(engine, feeId, 'waive', input);
}

function changeStatus(engine: Engine, feeId: number, from: FeeStatus, to: FeeStatus, type: 'dispute' | 'restore', comment?: string): Fee {
  return engine.db.transaction((tx) => {
    const fee = requireFee(tx, feeId);
    if (fee.status !== from) throw new EngineError('FEE_NOT_ACTIVE', `Fee #${feeId} is ${fee.status}, not ${from}.`, { feeId });
    const now = engine.clock.now();
    tx.insert(feeTransactions)
      .values({ feeId, type, amountCents: 0, comment: comment ?? null, createdAt: now })
      .run();
    return tx.update(fees).set({ status: to, statusTime: now }).where(eq(fees.id, feeId)).returning().get();
  });
}

export function disputeFee(engine: Engine, feeId: number, comment?: string): Fee {
  return changeStatus(engine, feeId, 'active', 'in_dispute', 'dispute', comment);
}

export function restoreFee(engine: Engine, feeId: number, comment?: string): Fee {
  return changeStatus(engine, feeId, 'in_dispute', 'active', 'restore', comment);
}
