import Database from 'better-sqlite3';

/**
 * Makes a database connection fail as a full (or broken) disk would: every statement prepared
 * while active throws a real SqliteError with `code`, optionally only SQL matching `only`.
 * Returns the undo. Statements prepared before (better-sqlite3's own BEGIN/COMMIT) still work.
 */
export function failStorage(sqlite: Database.Database, code = 'SQLITE_FULL', only?: RegExp): () => void {
  const prepare = sqlite.prepare;
  const exec = sqlite.exec;
  const fail = (source: string) => {
    if (!only || only.test(source)) throw new Database.SqliteError(code === 'SQLITE_FULL' ? 'database or disk is full' : code, code);
  };
  sqlite.prepare = ((source: string) => {
    fail(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  sqlite.exec = ((source: string) => {
    fail(source);
    return exec.call(sqlite, source);
  }) as typeof sqlite.exec;
  return () => {
    sqlite.prepare = prepare;
    sqlite.exec = exec;
  };
}
