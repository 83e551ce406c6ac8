/**
 * Innovative's Patron API (Millennium; Sierra kept it): read-only, plain HTTP GET, answering an
 * HTML page of `FIELD NAME[pNN]=value<BR>` lines — the patron record's fixed fields (`p43` EXP
 * DATE, `p47` P TYPE, `p56` MBLOCK, …), variable fields (`pn` name, `pb` barcode, `pz` e-mail)
 * and one `HOLD[p8]` line per hold. Dates are `MM-DD-YY`, money `$1.35`. Errors are lines too:
 * `ERRNUM=1` / `ERRMSG=Requested record not found`; `pintest` answers `RETCOD=0` or
 * `RETCOD=1`, `ERRNUM=4`, `ERRMSG=Invalid patron PIN`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Hono } from 'hono';
import type { Engine } from '../../engine/engine.ts';
import { libraryById } from '../../engine/lookup.ts';
import { activeHoldStatuses, fees, holds, loans, type Patron, patrons } from '../../engine/schema.ts';
import { demoPin, patronTypeOf, type SierraPickupLocation, toSierraId } from '../sierra/ids.ts';

/** `2028-03-11` → `03-11-28`, the Patron API's date form; blank dates are `  -  -  `. */
export function patronApiDate(day: string | undefined): string {
  const match = day === undefined ? null : /^\d{2}(\d{2})-(\d{2})-(\d{2})$/u.exec(day);
  return match ? `${match[2]}-${match[3]}-${match[1]}` : '  -  -  ';
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

export function page(lines: string[]): string {
  return `<HTML>\n<BODY>\n${lines.map((line) => `${line}<BR>\n`).join('')}</BODY>\n</HTML>\n`;
}

/** A manual block shows in MBLOCK; `-` means none. */
function manualBlock(engine: Engine, patron: Patron): string {
  if (patron.status === 'blocked') return 'b';
  const blocked = engine.sqlite.prepare('select 1 from patron_blocks where patron_id = ? and active = 1').get(patron.id);
  return blocked ? 'b' : '-';
}

/** Hold status in a HOLD line: 0 waiting, i on the hold shelf, t in transit (Sierra's codes). */
const holdStatusCode = (status: string) => (status === 'on_hold_shelf' ? 'i' : status === 'in_transit' ? 't' : '0');

export function dumpLines(engine: Engine, patron: Patron, pickupLocations: SierraPickupLocation[]): string[] {
  const db = engine.db;
  const allLoans = db.select().from(loans).where(eq(loans.patronId, patron.id)).all();
  const active = allLoans.filter((loan) => loan.status === 'active');
  const owed = db
    .select()
    .from(fees)
    .where(and(eq(fees.patronId, patron.id), eq(fees.status, 'active')))
    .all()
    .reduce((sum, fee) => sum + fee.balanceCents, 0);
  const waiting = db
    .select()
    .from(holds)
    .where(and(eq(holds.patronId, patron.id), inArray(holds.status, [...activeHoldStatuses])))
    .orderBy(asc(holds.createdAt), asc(holds.id))
    .all();
  const recordNumber = toSierraId('patron', patron.id);
  const home = pickupLocations[0]?.code ?? '';
  const day = (instant: Date) => patronApiDate(instant.toISOString().slice(0, 10));
  return [
    'REC INFO[p!]=p',
    `EXP DATE[p43]=${patronApiDate(patron.expiryDate)}`,
    'PCODE1[p44]=-',
    'PCODE2[p45]=-',
    'PCODE3[p46]=0',
    `P TYPE[p47]=${patronTypeOf(patron.userGroup)}`,
    `TOT CHKOUT[p48]=${allLoans.length}`,
    `TOT RENWAL[p49]=${allLoans.reduce((sum, loan) => sum + loan.renewals, 0)}`,
    `CUR CHKOUT[p50]=${active.length}`,
    // Home library codes are padded to five characters in Innovative's fixed fields.
    `HOME LIBR[p53]=${home.padEnd(5, ' ')}`,
    'PMESSAGE[p54]= ',
    `MBLOCK[p56]=${manualBlock(engine, patron)}`,
    'REC TYPE[p80]=p',
    `RECORD #[p81]=${recordNumber}`,
    `CREATED[p83]=${day(patron.createdAt)}`,
    `UPDATED[p84]=${day(patron.createdAt)}`,
    'AGENCY[p86]=1',
    `MONEY OWED[p96]=${money(owed)}`,
    `CUR ITEMA[p102]=${active.length}`,
    ...waiting.map((hold) => {
      const pickup = pickupLocations.find((entry) => entry.library === libraryById(db, hold.pickupLibraryId).code)?.code ?? '';
      const placed = day(hold.createdAt);
      return `HOLD[p8]=P#=${recordNumber}, I#=${toSierraId('item', hold.itemId)}, P=${placed}, NNB=${placed} (0 days), RLA=0, NNA=  -  -  , ST=${holdStatusCode(hold.status)}, TP=i, PU=${pickup.padEnd(5, ' ')}`;
    }),
    `PATRN NAME[pn]=${patron.lastName}, ${patron.firstName}`,
    `UNIQUE ID[pu]=${patron.primaryId}`,
    ...(patron.barcode ? [`P BARCODE[pb]=${patron.barcode}`] : []),
    ...(patron.email ? [`EMAIL ADDR[pz]=${patron.email}`] : []),
  ];
}

export const patronApiErrors = {
  notFound: () => ['ERRNUM=1', 'ERRMSG=Requested record not found'],
  notUnique: () => ['ERRNUM=2', 'ERRMSG=Record ID not unique'],
  invalidPin: () => ['RETCOD=1', 'ERRNUM=4', 'ERRMSG=Invalid patron PIN'],
};

export interface PatronApiOptions {
  engine: Engine;
  pickupLocations: SierraPickupLocation[];
  /** default: the last four digits of the barcode (the demo convention) */
  checkPin?: (patron: Patron, pin: string) => boolean;
}

/** Patrons named in the path: by barcode, the form every Patron API client uses. */
function patronsWithBarcode(engine: Engine, barcode: string): Patron[] {
  return engine.db.select().from(patrons).where(eq(patrons.barcode, barcode)).all();
}

export function registerPatronApi(app: Hono, base: string, options: PatronApiOptions): void {
  const html = (lines: string[]) => new Response(page(lines), { status: 200, headers: { 'Content-Type': 'text/html' } });
  const checkPin = options.checkPin ?? ((patron: Patron, pin: string) => patron.barcode !== null && demoPin(patron.barcode) === pin);

  const dump = (barcode: string) => {
    const found = patronsWithBarcode(options.engine, barcode);
    if (found.length === 0) return html(patronApiErrors.notFound());
    if (found.length > 1) return html(patronApiErrors.notUnique());
    return html(dumpLines(options.engine, found[0] as Patron, options.pickupLocations));
  };

  app.get(`${base}/:barcode/dump`, (c) => dump(decodeURIComponent(c.req.param('barcode'))));
  app.get(`${base}/:barcode/:pin/pintest`, (c) => {
    const found = patronsWithBarcode(options.engine, decodeURIComponent(c.req.param('barcode')));
    if (found.length === 0) return html(patronApiErrors.notFound());
    if (found.length > 1) return html(patronApiErrors.notUnique());
    return html(checkPin(found[0] as Patron, decodeURIComponent(c.req.param('pin'))) ? ['RETCOD=0'] : patronApiErrors.invalidPin());
  });
  // Older installations answer the bare record path with the same dump.
  app.get(`${base}/:barcode`, (c) => dump(decodeURIComponent(c.req.param('barcode'))));
}

/** Parses a Patron API page into field → values (HOLD and NOTE repeat). */
export function parsePatronApi(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const raw of text.replace(/<[^>]+>/gu, '\n').split('\n')) {
    const line = raw.trim();
    const separator = line.indexOf('=');
    if (separator <= 0) continue;
    const name = line.slice(0, separator).trim();
    fields.set(name, [...(fields.get(name) ?? []), line.slice(separator + 1)]);
  }
  return fields;
}
