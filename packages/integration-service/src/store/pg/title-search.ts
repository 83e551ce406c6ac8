import { type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * The title search on Postgres (SQLite: FTS5 trigram phrase match, ../requests.ts): "the title
 * contains the text", case-insensitive, answered by the `requests_title_trgm` GIN index (pg_trgm
 * serves `ILIKE '%…%'` for 3+ characters: https://www.postgresql.org/docs/15/pgtrgm.html#PGTRGM-INDEX).
 *
 * The text is a literal, never a pattern: FTS5's phrase treats `%` and `_` as characters, so they
 * (and the escape character itself) are escaped here with LIKE's default escape, the backslash.
 */
export const titlePattern = (text: string) => `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * `title ILIKE pattern`: pass the value of `titlePattern(text)` (or a placeholder bound to it, so
 * one prepared statement serves every search).
 */
export const titleContains = (title: AnyPgColumn, pattern: string | Placeholder): SQL => sql`${title} ilike ${pattern}`;
