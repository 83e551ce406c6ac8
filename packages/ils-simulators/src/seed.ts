/**
 * The deterministic demo world every simulator starts from (and returns to on reset).
 *
 * `buildDemoDataset(profile)` is pure: the same profile always gives the same libraries, patrons,
 * titles, barcodes and engine ids, so `demo.<vendor>` can describe the seed without running it.
 * `seedEngine` writes it, placing dates relative to the engine clock: accounts that must be valid
 * expire three years after seeding, the expired one a month before — also on a real server that
 * runs on the system clock.
 */
import { base, en, Faker } from '@faker-js/faker';
import { eq } from 'drizzle-orm';
import { addDaysToDay, computeDueDate, toDay } from './engine/index.ts';
import type { Engine } from './engine/engine.ts';
import {
  bibs,
  circulationDesks,
  closedDates,
  closedWeekdays,
  holdings,
  itemPolicies,
  items,
  type LocationType,
  libraries,
  loanRules,
  loans,
  locations,
  patronBlocks,
  patrons,
} from './engine/schema.ts';
import { buildBibRecord, buildHoldingRecord } from './marc.ts';

/** What makes one vendor's demo world distinct from another's. */
export interface DemoProfile {
  /** Seeds faker: patron names and e-mail addresses. */
  fakerSeed: number;
  /** Leading digits of every item barcode. */
  itemBarcodePrefix: string;
  /** Leading digits of every patron barcode. */
  patronBarcodePrefix: string;
}

export interface DemoLibrary {
  code: string;
  name: string;
  holdShelfDays: number;
  /** 0 = Sunday … 6 = Saturday. */
  closedWeekdays: number[];
  /** `MM-DD`, closed every year (seeded for the year before to five years after seeding). */
  annualClosedDates: string[];
  locations: { code: string; name: string; type: LocationType }[];
  circulationDesks: { code: string; name: string }[];
}

export interface DemoPatron {
  /** Engine id (stable: patrons are seeded in a fixed order). */
  id: number;
  primaryId: string;
  barcode: string;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  userGroup: string;
  status: 'active' | 'blocked' | 'expired';
  /** Expiry relative to the seeding day: +1095 is three years ahead, -30 a month ago. */
  expiresInDays: number;
  block?: { type: string; description: string };
}

export interface DemoInstitutionalPatron extends DemoPatron {
  /** The borrowing library's OCLC symbol; `DEFAULT` for the fallback account. */
  symbol: string;
  libraryName: string;
}

export interface DemoItem {
  /** Engine ids (stable). */
  bibId: number;
  holdingId: number;
  itemId: number;
  barcode: string;
  title: string;
  author: string;
  isbn: string;
  publisher: string;
  publicationYear: string;
  library: string;
  location: string;
  callNumber: string;
  policy: string;
}

export interface DemoDataset {
  libraries: DemoLibrary[];
  itemPolicies: { code: string; name: string; loanable: boolean; libraryUseOnly: boolean }[];
  loanRules: { userGroup: string | null; itemPolicy: string | null; loanDays: number; renewalDays: number; maxRenewals: number }[];
  userGroups: { code: string; name: string }[];
  patrons: {
    /** Active, no blocks, valid for three years. */
    good: DemoPatron;
    /** Active account with a general block (owes money). */
    blocked: DemoPatron;
    /** Expired a month before seeding. */
    expired: DemoPatron;
    /** Valid for ten more days: loans get capped at the expiry date. */
    expiringSoon: DemoPatron;
    /** Faculty: longer loan period. */
    faculty: DemoPatron;
  };
  /** More ordinary patrons, so lists and searches are not trivially small. */
  otherPatrons: DemoPatron[];
  /** Accounts lent items are checked out to, one per borrowing library plus a default. */
  institutionalPatrons: Record<string, DemoInstitutionalPatron>;
  /** At least twenty loanable items in place on the shelves. */
  lendableItems: DemoItem[];
  /** Does not circulate (reference). */
  referenceItem: DemoItem;
  /** Library use only: holds are fulfilled by in-house use, never by a loan. */
  libraryUseOnlyItem: DemoItem;
  /** Already on loan to `otherPatrons[0]`. */
  checkedOutItem: DemoItem;
}

/** Hand-authored titles (public domain): diacritics, `&`, multi-volume sets, two libraries. */
const titles: { title: string; author: string; publisher: string; year: string; library: string }[] = [
  { title: 'Pride and prejudice', author: 'Austen, Jane', publisher: 'T. Egerton', year: '1813', library: 'MAIN' },
  { title: 'Moby-Dick; or, The whale', author: 'Melville, Herman', publisher: 'Harper & Brothers', year: '1851', library: 'MAIN' },
  { title: 'Faust : der Tragödie erster Theil', author: 'Goethe, Johann Wolfgang von', publisher: 'Cotta', year: '1808', library: 'MAIN' },
  { title: 'Les misérables. Tome 1, Fantine', author: 'Hugo, Victor', publisher: 'A. Lacroix, Verboeckhoven & Cie', year: '1862', library: 'MAIN' },
  { title: 'Les misérables. Tome 2, Cosette', author: 'Hugo, Victor', publisher: 'A. Lacroix, Verboeckhoven & Cie', year: '1862', library: 'MAIN' },
  { title: 'War and peace', author: 'Tolstoy, Leo', publisher: 'The Russian Messenger', year: '1869', library: 'MAIN' },
  { title: 'Crime and punishment', author: 'Dostoyevsky, Fyodor', publisher: 'The Russian Messenger', year: '1866', library: 'MAIN' },
  {
    title: 'El ingenioso hidalgo don Quijote de la Mancha',
    author: 'Cervantes Saavedra, Miguel de',
    publisher: 'Juan de la Cuesta',
    year: '1605',
    library: 'MAIN',
  },
  { title: 'The adventures of Sherlock Holmes', author: 'Doyle, Arthur Conan', publisher: 'George Newnes', year: '1892', library: 'MAIN' },
  {
    title: 'Frankenstein; or, The modern Prometheus',
    author: 'Shelley, Mary Wollstonecraft',
    publisher: 'Lackington, Hughes, Harding, Mavor & Jones',
    year: '1818',
    library: 'MAIN',
  },
  { title: 'Dracula', author: 'Stoker, Bram', publisher: 'Archibald Constable & Co.', year: '1897', library: 'MAIN' },
  { title: 'Great expectations', author: 'Dickens, Charles', publisher: 'Chapman & Hall', year: '1861', library: 'MAIN' },
  { title: 'Jane Eyre', author: 'Brontë, Charlotte', publisher: 'Smith, Elder & Co.', year: '1847', library: 'MAIN' },
  { title: 'Wuthering Heights', author: 'Brontë, Emily', publisher: 'Thomas Cautley Newby', year: '1847', library: 'MAIN' },
  { title: 'Der Proceß', author: 'Kafka, Franz', publisher: 'Die Schmiede', year: '1925', library: 'MAIN' },
  { title: 'Pelléas & Mélisande', author: 'Maeterlinck, Maurice', publisher: 'Paul Lacomblez', year: '1892', library: 'MAIN' },
  { title: 'The souls of Black folk', author: 'Du Bois, W. E. B.', publisher: 'A. C. McClurg & Co.', year: '1903', library: 'MAIN' },
  { title: 'On the origin of species', author: 'Darwin, Charles', publisher: 'John Murray', year: '1859', library: 'SCI' },
  { title: 'The voyage of the Beagle', author: 'Darwin, Charles', publisher: 'Henry Colburn', year: '1839', library: 'SCI' },
  { title: 'Opticks', author: 'Newton, Isaac', publisher: 'Sam. Smith & Benj. Walford', year: '1704', library: 'SCI' },
  { title: 'Relativity : the special and general theory', author: 'Einstein, Albert', publisher: 'Henry Holt & Co.', year: '1920', library: 'SCI' },
  { title: 'Versuche über Pflanzen-Hybriden', author: 'Mendel, Gregor', publisher: 'Naturforschender Verein in Brünn', year: '1866', library: 'SCI' },
  { title: 'Dialogo sopra i due massimi sistemi del mondo', author: 'Galilei, Galileo', publisher: 'Giovanni Battista Landini', year: '1632', library: 'SCI' },
  { title: 'Elements of chemistry', author: 'Lavoisier, Antoine', publisher: 'William Creech', year: '1790', library: 'SCI' },
  // Not lendable: reference, library use only, already on loan.
  { title: 'The Oxford English dictionary. Volume 1, A–B', author: 'Murray, James A. H.', publisher: 'Clarendon Press', year: '1888', library: 'MAIN' },
  { title: 'Principia mathematica. Volume 1', author: 'Whitehead, Alfred North', publisher: 'Cambridge University Press', year: '1910', library: 'MAIN' },
  { title: 'The time machine', author: 'Wells, H. G.', publisher: 'William Heinemann', year: '1895', library: 'MAIN' },
];

const lendableCount = 24;

/** A valid ISBN-13 in the 978-0-00 range, unique per index. */
function isbn13(index: number): string {
  const digits = `978000${String(100000 + index).slice(-6)}`;
  const sum = [...digits].reduce((total, digit, position) => total + Number(digit) * (position % 2 === 0 ? 1 : 3), 0);
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

/** A Library-of-Congress-looking call number derived from the author. */
function callNumberFor(author: string, year: string, index: number): string {
  const cutter =
    author
      .normalize('NFD')
      .replace(/[^A-Za-z]/gu, '')
      .slice(0, 1)
      .toUpperCase() || 'X';
  return `PN${3300 + index * 7} .${cutter}${10 + index} ${year}`;
}

const asciiSlug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[^A-Za-z]/gu, '')
    .toLowerCase();

export function buildDemoDataset(profile: DemoProfile): DemoDataset {
  const faker = new Faker({ locale: [en, base], seed: profile.fakerSeed });
  let patronId = 0;
  const patronBarcode = (n: number) => `${profile.patronBarcodePrefix}${String(n).padStart(12, '0')}`;

  const person = (userGroup: string, expiresInDays: number, status: DemoPatron['status'] = 'active', block?: DemoPatron['block']): DemoPatron => {
    patronId += 1;
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const primaryId = `${asciiSlug(firstName)}.${asciiSlug(lastName)}${patronId}`;
    return {
      id: patronId,
      primaryId,
      barcode: patronBarcode(1000 + patronId),
      firstName,
      lastName,
      name: `${firstName} ${lastName}`,
      email: `${primaryId}@example.edu`,
      userGroup,
      status,
      expiresInDays,
      ...(block ? { block } : {}),
    };
  };

  const patronsByRole = {
    good: person('UNDERGRAD', 1095),
    blocked: person('UNDERGRAD', 1095, 'blocked', { type: 'GENERAL', description: 'Owes the library money' }),
    expired: person('GRAD', -30, 'expired'),
    expiringSoon: person('GRAD', 10),
    faculty: person('FACULTY', 1095),
  };
  const otherPatrons = Array.from({ length: 6 }, (_, index) => person(index % 2 === 0 ? 'GRAD' : 'STAFF', 1095));

  const institution = (symbol: string, libraryName: string): DemoInstitutionalPatron => {
    patronId += 1;
    const primaryId = `ILL-${symbol}`;
    return {
      id: patronId,
      primaryId,
      barcode: patronBarcode(9000 + patronId),
      firstName: 'Interlibrary Loan',
      lastName: libraryName,
      name: `Interlibrary Loan ${libraryName}`,
      email: `ill-${symbol.toLowerCase()}@example.org`,
      userGroup: 'ILLPARTNER',
      status: 'active',
      expiresInDays: 1095,
      symbol,
      libraryName,
    };
  };
  const institutionalPatrons = {
    PARTNR: institution('PARTNR', 'Partner University Library'),
    TULSA: institution('TULSA', 'Tulsa City-County Library'),
    DEFAULT: institution('DEFAULT', 'Resource Sharing Borrower'),
  };

  const demoItems = titles.map((entry, index): DemoItem => {
    const n = index + 1;
    const policy = index < lendableCount ? 'BOOK' : index === lendableCount ? 'NONCIRC' : index === lendableCount + 1 ? 'LIBUSE' : 'BOOK';
    return {
      bibId: n,
      holdingId: n,
      itemId: n,
      barcode: `${profile.itemBarcodePrefix}${String(10000 + n).padStart(12, '0')}`,
      title: entry.title,
      author: entry.author,
      isbn: isbn13(n),
      publisher: entry.publisher,
      publicationYear: entry.year,
      library: entry.library,
      location: index === lendableCount ? 'REF' : 'STACKS',
      callNumber: callNumberFor(entry.author, entry.year, n),
      policy,
    };
  });
  const [referenceItem, libraryUseOnlyItem, checkedOutItem] = demoItems.slice(lendableCount);
  if (!referenceItem || !libraryUseOnlyItem || !checkedOutItem) throw new Error('demo titles list is too short');

  return {
    libraries: [
      {
        code: 'MAIN',
        name: 'Main Library',
        holdShelfDays: 7,
        closedWeekdays: [0],
        annualClosedDates: ['01-01', '07-04', '12-25'],
        locations: [
          { code: 'STACKS', name: 'Main Stacks', type: 'shelving' },
          { code: 'REF', name: 'Reference', type: 'shelving' },
          { code: 'ILL', name: 'Interlibrary Loan Office', type: 'ill' },
          // the resource-sharing hold shelf: where a library may shelve ILL temporary items
          // (Bookstrap's `borrowing.shelvingLocation`; WMS ILL Settings' "shelving location")
          { code: 'RSHOLD', name: 'Resource Sharing Hold Shelf', type: 'ill' },
        ],
        circulationDesks: [
          { code: 'DEFAULT_CIRC_DESK', name: 'Main Circulation Desk' },
          { code: 'RS_DESK', name: 'Resource Sharing Desk' },
        ],
      },
      {
        code: 'SCI',
        name: 'Science Library',
        holdShelfDays: 5,
        closedWeekdays: [0, 6],
        annualClosedDates: ['01-01', '07-04', '12-25'],
        locations: [
          { code: 'STACKS', name: 'Science Stacks', type: 'shelving' },
          { code: 'ILL', name: 'Science ILL Shelf', type: 'ill' },
        ],
        circulationDesks: [{ code: 'DEFAULT_CIRC_DESK', name: 'Science Circulation Desk' }],
      },
    ],
    itemPolicies: [
      { code: 'BOOK', name: 'Regular loan', loanable: true, libraryUseOnly: false },
      { code: 'SHORT', name: '7-day loan', loanable: true, libraryUseOnly: false },
      { code: 'ILL', name: 'Interlibrary loan', loanable: true, libraryUseOnly: false },
      { code: 'LIBUSE', name: 'Library use only', loanable: true, libraryUseOnly: true },
      { code: 'NONCIRC', name: 'Non-circulating', loanable: false, libraryUseOnly: false },
    ],
    loanRules: [
      { userGroup: null, itemPolicy: null, loanDays: 28, renewalDays: 28, maxRenewals: 2 },
      { userGroup: 'FACULTY', itemPolicy: null, loanDays: 90, renewalDays: 90, maxRenewals: 5 },
      { userGroup: 'ILLPARTNER', itemPolicy: null, loanDays: 42, renewalDays: 0, maxRenewals: 0 },
      { userGroup: null, itemPolicy: 'SHORT', loanDays: 7, renewalDays: 7, maxRenewals: 1 },
      // Borrowed ILL items renew only through the lender: the ILS itself refuses.
      { userGroup: null, itemPolicy: 'ILL', loanDays: 21, renewalDays: 0, maxRenewals: 0 },
    ],
    userGroups: [
      { code: 'UNDERGRAD', name: 'Undergraduate' },
      { code: 'GRAD', name: 'Graduate' },
      { code: 'FACULTY', name: 'Faculty' },
      { code: 'STAFF', name: 'Staff' },
      { code: 'ILLPARTNER', name: 'Resource sharing partner' },
    ],
    patrons: patronsByRole,
    otherPatrons,
    institutionalPatrons,
    lendableItems: demoItems.slice(0, lendableCount),
    referenceItem,
    libraryUseOnlyItem,
    checkedOutItem,
  };
}

/** The expiry day (`YYYY-MM-DD`) a demo patron gets when the engine is seeded at `seededAt`. */
export function demoExpiryDate(patron: Pick<DemoPatron, 'expiresInDays'>, seededAt: Date): string {
  return addDaysToDay(toDay(seededAt), patron.expiresInDays);
}

/** Writes the dataset into an empty engine (ids as in the dataset, dates relative to the clock). */
export function seedEngine(engine: Engine, dataset: DemoDataset): void {
  const now = engine.clock.now();
  const year = now.getUTCFullYear();
  engine.db.transaction((tx) => {
    const libraryIds = new Map<string, number>();
    const locationIds = new Map<string, number>();
    for (const library of dataset.libraries) {
      const row = tx.insert(libraries).values({ code: library.code, name: library.name, holdShelfDays: library.holdShelfDays }).returning().get();
      libraryIds.set(library.code, row.id);
      for (const location of library.locations) {
        const inserted = tx
          .insert(locations)
          .values({ libraryId: row.id, ...location })
          .returning()
          .get();
        locationIds.set(`${library.code}/${location.code}`, inserted.id);
      }
      for (const desk of library.circulationDesks)
        tx.insert(circulationDesks)
          .values({ libraryId: row.id, ...desk })
          .run();
      for (const weekday of library.closedWeekdays) tx.insert(closedWeekdays).values({ libraryId: row.id, weekday }).run();
      for (let y = year - 1; y <= year + 5; y += 1) {
        for (const monthDay of library.annualClosedDates) {
          tx.insert(closedDates)
            .values({ libraryId: row.id, date: `${y}-${monthDay}`, reason: 'Holiday' })
            .run();
        }
      }
    }
    for (const policy of dataset.itemPolicies) tx.insert(itemPolicies).values(policy).run();
    for (const rule of dataset.loanRules) tx.insert(loanRules).values(rule).run();

    const allPatrons: DemoPatron[] = [...Object.values(dataset.patrons), ...dataset.otherPatrons, ...Object.values(dataset.institutionalPatrons)].sort(
      (a, b) => a.id - b.id,
    );
    for (const patron of allPatrons) {
      tx.insert(patrons)
        .values({
          id: patron.id,
          primaryId: patron.primaryId,
          barcode: patron.barcode,
          firstName: patron.firstName,
          lastName: patron.lastName,
          email: patron.email,
          userGroup: patron.userGroup,
          status: patron.status,
          expiryDate: demoExpiryDate(patron, now),
          institutionalSymbol: 'symbol' in patron ? String(patron.symbol) : null,
          createdAt: now,
        })
        .run();
      if (patron.block) {
        tx.insert(patronBlocks).values({ patronId: patron.id, blockType: patron.block.type, description: patron.block.description, createdAt: now }).run();
      }
    }

    const allItems = [...dataset.lendableItems, dataset.referenceItem, dataset.libraryUseOnlyItem, dataset.checkedOutItem];
    for (const demoItem of allItems) {
      const libraryId = libraryIds.get(demoItem.library);
      const locationId = locationIds.get(`${demoItem.library}/${demoItem.location}`);
      if (libraryId === undefined || locationId === undefined) throw new Error(`demo item ${demoItem.barcode}: unknown location`);
      tx.insert(bibs)
        .values({
          id: demoItem.bibId,
          title: demoItem.title,
          author: demoItem.author,
          isbn: demoItem.isbn,
          publisher: demoItem.publisher,
          publicationYear: demoItem.publicationYear,
          marc: buildBibRecord(demoItem),
          otherSystemIds: [],
          createdAt: now,
          updatedAt: now,
        })
        .run();
      tx.insert(holdings)
        .values({
          id: demoItem.holdingId,
          bibId: demoItem.bibId,
          libraryId,
          locationId,
          callNumber: demoItem.callNumber,
          marc: buildHoldingRecord(demoItem.library, demoItem.location, demoItem.callNumber),
          createdAt: now,
          updatedAt: now,
        })
        .run();
      tx.insert(items)
        .values({
          id: demoItem.itemId,
          holdingId: demoItem.holdingId,
          bibId: demoItem.bibId,
          barcode: demoItem.barcode,
          libraryId,
          locationId,
          policy: demoItem.policy,
          replacementCostCents: 5000,
          createdAt: now,
          updatedAt: now,
        })
        .run();
    }

    // One loan already running, so loan lists and circulation states are not all empty.
    const borrower = dataset.otherPatrons[0];
    const loaned = dataset.checkedOutItem;
    const lendingLibraryId = libraryIds.get(loaned.library);
    if (borrower && lendingLibraryId !== undefined) {
      const patronRow = tx
        .select()
        .from(patrons)
        .all()
        .find((row) => row.id === borrower.id);
      const libraryRow = tx
        .select()
        .from(libraries)
        .all()
        .find((row) => row.id === lendingLibraryId);
      if (patronRow && libraryRow) {
        const loanDate = new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000);
        const dueDate = computeDueDate(tx, { patron: patronRow, itemPolicy: loaned.policy, library: libraryRow, now: loanDate });
        tx.insert(loans).values({ itemId: loaned.itemId, patronId: borrower.id, libraryId: lendingLibraryId, loanDate, dueDate }).run();
        tx.update(items).set({ status: 'checked_out', processType: 'LOAN' }).where(eq(items.id, loaned.itemId)).run();
      }
    }
  });
}

/**
 * The seed's cast in one vendor's terms: who the good, blocked and expired patrons are, the
 * institutional accounts and the items, each mapped by the vendor's own `patron` and `item`
 * (ids, barcodes, field names differ per vendor; the roles do not).
 */
export function demoRoster<P, I>(dataset: DemoDataset, patron: (source: DemoPatron) => P, item: (source: DemoItem) => I) {
  const account = (symbol: string) => {
    const source = dataset.institutionalPatrons[symbol];
    if (!source) throw new Error(`the demo seed has no institutional account for ${symbol}`);
    return { ...patron(source), symbol: source.symbol, libraryName: source.libraryName };
  };
  return {
    patrons: {
      good: patron(dataset.patrons.good),
      blocked: patron(dataset.patrons.blocked),
      expired: patron(dataset.patrons.expired),
      expiringSoon: patron(dataset.patrons.expiringSoon),
      faculty: patron(dataset.patrons.faculty),
    },
    otherPatrons: dataset.otherPatrons.map(patron),
    /** Accounts lent items are checked out to, keyed by the borrowing library's symbol. */
    institutionalPatrons: { PARTNR: account('PARTNR'), TULSA: account('TULSA'), default: account('DEFAULT') },
    lendableItems: dataset.lendableItems.map(item),
    referenceItem: item(dataset.referenceItem),
    libraryUseOnlyItem: item(dataset.libraryUseOnlyItem),
  };
}
