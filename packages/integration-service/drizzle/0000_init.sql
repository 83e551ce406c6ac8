CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_library` ON `api_keys` (`library_id`);--> statement-breakpoint
CREATE TABLE `circulation_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`action` text,
	`step_key` text,
	`outcome` text,
	`text` text NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `history_request` ON `circulation_history` (`request_id`,`id`);--> statement-breakpoint
CREATE TABLE `libraries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`symbol` text NOT NULL,
	`name` text NOT NULL,
	`connection` text NOT NULL,
	`settings` text NOT NULL,
	`pickup_locations` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `libraries_symbol_unique` ON `libraries` (`symbol`);--> statement-breakpoint
CREATE TABLE `outbox_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idempotency_key` text NOT NULL,
	`request_id` text NOT NULL,
	`library_id` integer NOT NULL,
	`plan_id` integer NOT NULL,
	`position` integer NOT NULL,
	`step_name` text NOT NULL,
	`step` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`last_outcome` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_jobs_idempotency_key` ON `outbox_jobs` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_jobs_due` ON `outbox_jobs` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_jobs_request` ON `outbox_jobs` (`request_id`,`plan_id`,`position`);--> statement-breakpoint
CREATE TABLE `protocol_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text,
	`step_key` text,
	`library_id` integer,
	`at` integer NOT NULL,
	`method` text NOT NULL,
	`url` text NOT NULL,
	`request_headers` text,
	`request_body` text,
	`status` integer,
	`response_body` text,
	`duration_ms` integer,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `protocol_log_request` ON `protocol_log` (`request_id`,`id`);--> statement-breakpoint
CREATE TABLE `requests` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`library_id` integer NOT NULL,
	`role` text NOT NULL,
	`service_type` text NOT NULL,
	`status` text NOT NULL,
	`title` text NOT NULL,
	`author` text,
	`isbn` text,
	`patron_id` text,
	`patron_expiry` text,
	`pickup_location` text,
	`in_library_use_only` integer DEFAULT false NOT NULL,
	`lenders` text NOT NULL,
	`lender_index` integer DEFAULT 0 NOT NULL,
	`borrowing_library` text,
	`supplier_item_barcode` text,
	`lender_due_date` text,
	`temporary_barcode` text,
	`patron_due_date` text,
	`item_barcode` text,
	`due_date` text,
	`missing_since` text,
	`renewals` integer DEFAULT 0 NOT NULL,
	`partner_request_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `requests_id_unique` ON `requests` (`id`);--> statement-breakpoint
CREATE INDEX `requests_library_status` ON `requests` (`library_id`,`status`);--> statement-breakpoint
CREATE INDEX `requests_library_title` ON `requests` (`library_id`,`title`);