CREATE TABLE `ils_observations` (
	`request_id` text PRIMARY KEY NOT NULL,
	`library_id` integer NOT NULL,
	`item_barcode` text NOT NULL,
	`state` text NOT NULL,
	`loan_due_date` text,
	`last_finding` text,
	`last_finding_kind` text,
	`next_action` text,
	`needs_ill_staff` integer DEFAULT false NOT NULL,
	`unseen` text,
	`lending_due_date_cap` text,
	`read_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ils_sync_runs` (
	`library_id` integer PRIMARY KEY NOT NULL,
	`next_run_at` integer NOT NULL,
	`last_run_at` integer,
	`last_read` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
