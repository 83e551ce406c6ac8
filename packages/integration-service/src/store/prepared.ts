import { sql } from 'drizzle-orm';

// Prepared queries built once per connection (SQLite: shared with the simulators, @bookstrap/sqlite;
// Postgres: named statements), and finds by key: store/dialect.ts.
export { findBy, jsonValues } from './dialect.ts';

export const ph = (name: string) => sql.placeholder(name);
