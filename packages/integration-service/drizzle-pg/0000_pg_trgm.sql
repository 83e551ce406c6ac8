-- The title search's trigram index (requests_title_trgm, next migration) needs pg_trgm. It is a
-- trusted extension (Postgres 13+): the database's owner may create it without being superuser.
-- Debian's postgresql-15 ships it; PGlite loads it from @electric-sql/pglite/contrib/pg_trgm.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
