CREATE TABLE `patron_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`library_id` integer NOT NULL,
	`kind` text NOT NULL,
	`patron_id` text NOT NULL,
	`text` text NOT NULL,
	`due_at` integer NOT NULL,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patron_notices_due` ON `patron_notices` (`library_id`,`sent_at`,`due_at`);