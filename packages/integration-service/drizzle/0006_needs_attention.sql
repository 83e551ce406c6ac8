ALTER TABLE `requests` ADD `needs_attention` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `requests` ADD `attention_reason` text;--> statement-breakpoint
ALTER TABLE `requests` ADD `attention_step_key` text;--> statement-breakpoint
CREATE INDEX `requests_library_attention` ON `requests` (`library_id`,`needs_attention`,`attention_reason`);--> statement-breakpoint
-- Requests already waiting for staff join the queue; the exact reason is recomputed (core
-- attentionOf) at the next change to any of their steps.
UPDATE `requests` SET `needs_attention` = 1,
  `attention_reason` = (SELECT CASE WHEN j.`state` = 'configuration-error' THEN 'configuration' ELSE 'ils-refused' END
                        FROM `outbox_jobs` j WHERE j.`request_id` = `requests`.`id` AND j.`state` IN ('needs-staff', 'configuration-error') ORDER BY j.`plan_id`, j.`position` LIMIT 1),
  `attention_step_key` = (SELECT j.`idempotency_key` FROM `outbox_jobs` j
                        WHERE j.`request_id` = `requests`.`id` AND j.`state` IN ('needs-staff', 'configuration-error') ORDER BY j.`plan_id`, j.`position` LIMIT 1)
WHERE EXISTS (SELECT 1 FROM `outbox_jobs` j WHERE j.`request_id` = `requests`.`id` AND j.`state` IN ('needs-staff', 'configuration-error'));
