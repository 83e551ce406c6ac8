CREATE TABLE `request_idempotency_keys` (
	`library_id` integer NOT NULL,
	`key` text NOT NULL,
	`body_hash` text NOT NULL,
	`request_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`library_id`, `key`),
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_idempotency_keys_created` ON `request_idempotency_keys` (`created_at`);