CREATE TABLE `ils_rate_budgets` (
	`budget_key` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`paused_until` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ils_rate_budgets_paused` ON `ils_rate_budgets` (`paused_until`);