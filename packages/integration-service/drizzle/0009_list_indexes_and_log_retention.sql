CREATE INDEX `protocol_log_at` ON `protocol_log` (`at`);--> statement-breakpoint
CREATE INDEX `requests_library` ON `requests` (`library_id`);--> statement-breakpoint
CREATE INDEX `requests_library_role` ON `requests` (`library_id`,`role`);--> statement-breakpoint
CREATE INDEX `requests_library_patron` ON `requests` (`library_id`,`patron_id`);--> statement-breakpoint
CREATE INDEX `requests_library_needs_attention` ON `requests` (`library_id`,`needs_attention`);--> statement-breakpoint
CREATE INDEX `requests_status` ON `requests` (`status`);