ALTER TABLE `patron_notices` ADD `subject` text;--> statement-breakpoint
ALTER TABLE `patron_notices` ADD `withdrawn_at` integer;--> statement-breakpoint
ALTER TABLE `patron_notices` ADD `delivery_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `patron_notices` ADD `last_delivery_error` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `patron_name` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `patron_email` text;