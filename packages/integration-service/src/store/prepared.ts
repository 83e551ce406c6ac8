import { type SQL, sql } from 'drizzle-orm';

// Prepared queries built once per connection: shared with the simulators (@bookstrap/sqlite).
export { cached, findBy } from '@bookstrap/sqlite';

export const ph = (name: string) => sql.placeholder(name);

/**
 * A list of values as one parameter (JSON, read by `json_each`): `inArray(column, jsonValues('ids'))`
 * lets one prepared statement take a list of any length; bind `JSON.stringify(list)`.
 */
export const jsonValues = (name: string): SQL => sql`(select value from json_each(${ph(name)}))`;
