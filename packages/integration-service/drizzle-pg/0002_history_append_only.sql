-- The circulation history is a record staff and auditors rely on: entries are appended, never
-- rewritten or removed, whatever code path runs (SQLite: drizzle/0001_history_append_only.sql,
-- with the same message). A row-level BEFORE trigger that raises aborts the statement and its
-- transaction (https://www.postgresql.org/docs/15/plpgsql-trigger.html). TRUNCATE fires no row
-- trigger, so it is refused by a statement-level one.
CREATE FUNCTION circulation_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'circulation history is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER circulation_history_no_update_or_delete BEFORE UPDATE OR DELETE ON circulation_history
FOR EACH ROW EXECUTE FUNCTION circulation_history_append_only();
--> statement-breakpoint
CREATE TRIGGER circulation_history_no_truncate BEFORE TRUNCATE ON circulation_history
FOR EACH STATEMENT EXECUTE FUNCTION circulation_history_append_only();
