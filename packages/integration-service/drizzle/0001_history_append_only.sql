-- The circulation history is a record staff and auditors rely on: entries are appended, never
-- rewritten or removed, whatever code path runs.
CREATE TRIGGER `circulation_history_no_update` BEFORE UPDATE ON `circulation_history`
BEGIN
  SELECT RAISE(ABORT, 'circulation history is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `circulation_history_no_delete` BEFORE DELETE ON `circulation_history`
BEGIN
  SELECT RAISE(ABORT, 'circulation history is append-only');
END;
