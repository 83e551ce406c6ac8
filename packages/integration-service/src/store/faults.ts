/**
 * Storage faults: SQLite errors that mean the database itself is unusable right now (disk full,
 * I/O error, locked, read-only, missing, corrupt), as opposed to a bug or a constraint. drizzle
 * wraps driver errors (DrizzleQueryError), so the cause chain is searched.
 */
export interface StorageFault {
  code: string;
  /** names the cause, for people: "the database disk is full" */
  message: string;
}

const causes: [RegExp, string][] = [
  [/^SQLITE_FULL$/, 'the database disk is full'],
  [/^SQLITE_IOERR/, 'the database could not be read or written (I/O error)'],
  [/^SQLITE_READONLY/, 'the database is read-only'],
  [/^SQLITE_(BUSY|LOCKED)/, 'the database is locked by another process'],
  [/^SQLITE_CANTOPEN/, 'the database file cannot be opened'],
  [/^SQLITE_(CORRUPT|NOTADB)/, 'the database file is corrupt'],
];

export function storageFault(error: unknown): StorageFault | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    const match = causes.find(([pattern]) => pattern.test(code));
    if (match) return { code, message: match[1] };
  }
  return undefined;
}
