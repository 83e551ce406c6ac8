import { and, asc, count, eq, like, or, type SQL } from 'drizzle-orm';
import type { Engine } from './engine.ts';
import { EngineError } from './errors.ts';
import { findPatron } from './lookup.ts';
import { type Patron, type PatronBlock, type PatronStatus, patronBlocks, patrons } from './schema.ts';

export interface PatronInput {
  primaryId: string;
  barcode?: string;
  firstName: string;
  lastName: string;
  email?: string;
  userGroup: string;
  status?: PatronStatus;
  /** `YYYY-MM-DD`, last valid day. */
  expiryDate: string;
  institutionalSymbol?: string;
}

export function createPatron(engine: Engine, input: PatronInput): Patron {
  const db = engine.db;
  if (findPatron(db, input.primaryId) || (input.barcode !== undefined && findPatron(db, input.barcode))) {
    throw new EngineError('INVALID_INPUT', `A patron with identifier ${input.primaryId} already exists.`);
  }
  return db
    .insert(patrons)
    .values({
      primaryId: input.primaryId,
      barcode: input.barcode ?? null,
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email ?? null,
      userGroup: input.userGroup,
      status: input.status ?? 'active',
      expiryDate: input.expiryDate,
      institutionalSymbol: input.institutionalSymbol ?? null,
      createdAt: engine.clock.now(),
    })
    .returning()
    .get();
}

export interface BlockInput {
  blockType: string;
  description: string;
  note?: string;
}

export function addPatronBlock(engine: Engine, patronId: number, input: BlockInput): PatronBlock {
  return engine.db
    .insert(patronBlocks)
    .values({
      patronId,
      blockType: input.blockType,
      description: input.description,
      note: input.note ?? null,
      active: true,
      createdAt: engine.clock.now(),
    })
    .returning()
    .get();
}

/** The fields a patron search can name; `any` searches every one of them. */
export type PatronSearchField =
  | 'primaryId'
  | 'barcode'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'userGroup'
  /** Any identifier: primary id or barcode. */
  | 'identifiers'
  | 'any';

export interface PatronSearchTerm {
  field: PatronSearchField;
  value: string;
  /** `contains` is a case-insensitive substring match (SQLite LIKE). */
  match: 'contains' | 'equals';
}

export interface Page {
  limit: number;
  offset: number;
}

function termCondition(term: PatronSearchTerm): SQL | undefined {
  const columns = {
    primaryId: patrons.primaryId,
    barcode: patrons.barcode,
    firstName: patrons.firstName,
    lastName: patrons.lastName,
    email: patrons.email,
    userGroup: patrons.userGroup,
  };
  const test = (column: (typeof columns)[keyof typeof columns]) =>
    term.match === 'equals' ? eq(column, term.value) : like(column, `%${term.value.replace(/[%_]/g, '')}%`);
  if (term.field === 'any') return or(...Object.values(columns).map(test));
  if (term.field === 'identifiers') return or(test(columns.primaryId), test(columns.barcode));
  return test(columns[term.field]);
}

/** All terms must match (AND), as in the vendors' brief searches. */
export function searchPatrons(engine: Engine, terms: PatronSearchTerm[], page: Page): { total: number; patrons: Patron[] } {
  const where = and(...terms.map(termCondition));
  const total = engine.db.select({ n: count() }).from(patrons).where(where).get()?.n ?? 0;
  const rows = engine.db.select().from(patrons).where(where).orderBy(asc(patrons.id)).limit(page.limit).offset(page.offset).all();
  return { total, patrons: rows };
}
