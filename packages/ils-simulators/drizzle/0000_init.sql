CREATE TABLE `bibs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`author` text,
	`isbn` text,
	`publisher` text,
	`publication_year` text,
	`marc` text,
	`other_system_ids` text NOT NULL,
	`suppressed` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `circulation_desks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `desks_library_code` ON `circulation_desks` (`library_id`,`code`);--> statement-breakpoint
CREATE TABLE `closed_dates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`date` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `closed_dates_library_date` ON `closed_dates` (`library_id`,`date`);--> statement-breakpoint
CREATE TABLE `closed_weekdays` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`weekday` integer NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `closed_weekdays_library_day` ON `closed_weekdays` (`library_id`,`weekday`);--> statement-breakpoint
CREATE TABLE `fee_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`fee_id` integer NOT NULL,
	`type` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`method` text,
	`reason` text,
	`comment` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`fee_id`) REFERENCES `fees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `fees` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patron_id` integer NOT NULL,
	`item_id` integer,
	`item_barcode` text,
	`item_title` text,
	`type` text NOT NULL,
	`original_amount_cents` integer NOT NULL,
	`balance_cents` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`owner_library_id` integer NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL,
	`status_time` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `fees_patron` ON `fees` (`patron_id`);--> statement-breakpoint
CREATE TABLE `holdings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bib_id` integer NOT NULL,
	`library_id` integer NOT NULL,
	`location_id` integer NOT NULL,
	`call_number` text DEFAULT '' NOT NULL,
	`marc` text,
	`suppressed` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`bib_id`) REFERENCES `bibs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `holds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patron_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`pickup_library_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`in_library_use_only` integer DEFAULT false NOT NULL,
	`comment` text,
	`hold_shelf_expiry` text,
	`cancel_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `holds_item` ON `holds` (`item_id`);--> statement-breakpoint
CREATE INDEX `holds_patron` ON `holds` (`patron_id`);--> statement-breakpoint
CREATE TABLE `in_house_uses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`hold_id` integer,
	`patron_id` integer,
	`library_id` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `item_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`loanable` integer DEFAULT true NOT NULL,
	`library_use_only` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_policies_code_unique` ON `item_policies` (`code`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`holding_id` integer NOT NULL,
	`bib_id` integer NOT NULL,
	`barcode` text NOT NULL,
	`status` text DEFAULT 'available' NOT NULL,
	`process_type` text,
	`transit_library_id` integer,
	`library_id` integer NOT NULL,
	`location_id` integer NOT NULL,
	`in_temp_location` integer DEFAULT false NOT NULL,
	`temp_library_id` integer,
	`temp_location_id` integer,
	`policy` text NOT NULL,
	`material_type` text DEFAULT 'BOOK' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`public_note` text DEFAULT '' NOT NULL,
	`fulfillment_note` text DEFAULT '' NOT NULL,
	`internal_note_1` text DEFAULT '' NOT NULL,
	`internal_note_2` text DEFAULT '' NOT NULL,
	`internal_note_3` text DEFAULT '' NOT NULL,
	`statistics_note_1` text DEFAULT '' NOT NULL,
	`statistics_note_2` text DEFAULT '' NOT NULL,
	`statistics_note_3` text DEFAULT '' NOT NULL,
	`replacement_cost_cents` integer,
	`temporary` integer DEFAULT false NOT NULL,
	`ill_request_id` text,
	`lending_library` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`holding_id`) REFERENCES `holdings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`bib_id`) REFERENCES `bibs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transit_library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`temp_library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`temp_location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_barcode_unique` ON `items` (`barcode`);--> statement-breakpoint
CREATE INDEX `items_holding` ON `items` (`holding_id`);--> statement-breakpoint
CREATE INDEX `items_bib` ON `items` (`bib_id`);--> statement-breakpoint
CREATE TABLE `libraries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`hold_shelf_days` integer DEFAULT 7 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `libraries_code_unique` ON `libraries` (`code`);--> statement-breakpoint
CREATE TABLE `loan_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_group` text,
	`item_policy` text,
	`loan_days` integer NOT NULL,
	`renewal_days` integer NOT NULL,
	`max_renewals` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `loans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`patron_id` integer NOT NULL,
	`library_id` integer NOT NULL,
	`circulation_desk_id` integer,
	`hold_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`loan_date` integer NOT NULL,
	`due_date` integer NOT NULL,
	`renewals` integer DEFAULT 0 NOT NULL,
	`last_renew_date` integer,
	`returned_at` integer,
	`return_library_id` integer,
	`return_desk_id` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`circulation_desk_id`) REFERENCES `circulation_desks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`return_library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`return_desk_id`) REFERENCES `circulation_desks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `loans_item` ON `loans` (`item_id`);--> statement-breakpoint
CREATE INDEX `loans_patron` ON `loans` (`patron_id`);--> statement-breakpoint
CREATE TABLE `locations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`library_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`type` text DEFAULT 'shelving' NOT NULL,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_library_code` ON `locations` (`library_id`,`code`);--> statement-breakpoint
CREATE TABLE `patron_blocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patron_id` integer NOT NULL,
	`block_type` text NOT NULL,
	`description` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `patrons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`primary_id` text NOT NULL,
	`barcode` text,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`email` text,
	`user_group` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`expiry_date` text NOT NULL,
	`institutional_symbol` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patrons_primary_id_unique` ON `patrons` (`primary_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `patrons_barcode_unique` ON `patrons` (`barcode`);--> statement-breakpoint
CREATE TABLE `pickup_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hold_id` integer NOT NULL,
	`patron_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`library_id` integer NOT NULL,
	`channel` text DEFAULT 'email' NOT NULL,
	`sent_at` integer NOT NULL,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patron_id`) REFERENCES `patrons`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`library_id`) REFERENCES `libraries`(`id`) ON UPDATE no action ON DELETE no action
);
