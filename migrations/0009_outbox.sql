CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`destination` text NOT NULL,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`lease_until` integer,
	`lease_id` text,
	`last_error` text,
	`subscription_id` text,
	`subject_hash` text,
	`topic` text,
	`ref` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_at`);--> statement-breakpoint
CREATE INDEX `outbox_subject_idx` ON `outbox` (`subject_hash`,`type`,`created_at`) WHERE "outbox"."subject_hash" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_sent_idx` ON `outbox` (`sent_at`) WHERE "outbox"."state" = 'sent';--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`comment_id` text NOT NULL,
	`article_id` text NOT NULL,
	`email_enc` text NOT NULL,
	`email_hash` text NOT NULL,
	`language` text NOT NULL,
	`confirmed_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `subscriptions_comment_idx` ON `subscriptions` (`comment_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_email_idx` ON `subscriptions` (`email_hash`);