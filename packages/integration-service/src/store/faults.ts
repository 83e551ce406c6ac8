/**
 * Storage faults: SQLite or Postgres errors that mean the database itself is unusable right now
 * (disk full, I/O error, locked, read-only, missing, corrupt, the server unreachable), as opposed
 * to a bug or a constraint. drizzle
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
  // Postgres (SQLSTATE, https://www.postgresql.org/docs/15/errcodes-appendix.html) and the socket
  // errors node-postgres passes on when the server cannot be reached
  [/^53100$/, 'the database disk is full'],
  [/^53/, 'the database server is out of resources (memory or connections)'],
  [/^08/, 'the database server cannot be reached (connection failed)'],
  [/^57P0[1-3]$/, 'the database server is shutting down or restarting'],
  [/^25006$/, 'the database is read-only'],
  [/^55P03$/, 'the database is locked by another process'],
  [/^58/, 'the database server could not read or write its files (I/O error)'],
  [/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/, 'the database server cannot be reached (connection failed)'],
];

export function storageFault(error: unknown): StorageFault | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    // node-postgres: a connection the server dropped (it stopped, it was killed) carries no code
    if (typeof code !== 'string' && /^Connection terminated/.test((e as { message?: unknown }).message as string)) {
      return { code: 'CONNECTION_TERMINATED', message: 'the database server cannot be reached (connection failed)' };
    }
    if (typeof code !== 'string') continue;
    const match = causes.find(([pattern]) => pattern.test(code));
    if (match) return { code, message: match[1] };
  }
  return undefined;
}
