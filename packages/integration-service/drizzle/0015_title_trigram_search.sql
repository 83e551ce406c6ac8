-- Title search (issue 14): a request's title is found by any part of it (3+ characters) through an
-- FTS5 trigram index instead of a LIKE scan of the library's requests. The index stores only the
-- trigrams (content lives in `requests`, rowid = seq); SQLite's trigram tokenizer answers
-- `title LIKE '%…%'` from it with the same case-insensitive substring semantics as LIKE.
-- Triggers keep it in the same transaction as every write of a request, so it is never behind.
CREATE VIRTUAL TABLE `requests_title_fts` USING fts5(title, content='requests', content_rowid='seq', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `requests_title_fts_insert` AFTER INSERT ON `requests`
BEGIN
  INSERT INTO `requests_title_fts` (rowid, title) VALUES (new.seq, new.title);
END;
--> statement-breakpoint
CREATE TRIGGER `requests_title_fts_delete` AFTER DELETE ON `requests`
BEGIN
  INSERT INTO `requests_title_fts` (`requests_title_fts`, rowid, title) VALUES ('delete', old.seq, old.title);
END;
--> statement-breakpoint
-- Every save of a request writes its title column (store/requests.ts saveRequest): only a title
-- that really changed is re-indexed, so step changes do not churn the index.
CREATE TRIGGER `requests_title_fts_update` AFTER UPDATE OF `title`, `seq` ON `requests`
WHEN old.title IS NOT new.title OR old.seq IS NOT new.seq
BEGIN
  INSERT INTO `requests_title_fts` (`requests_title_fts`, rowid, title) VALUES ('delete', old.seq, old.title);
  INSERT INTO `requests_title_fts` (rowid, title) VALUES (new.seq, new.title);
END;
--> statement-breakpoint
-- the requests already stored
INSERT INTO `requests_title_fts` (`requests_title_fts`) VALUES ('rebuild');
