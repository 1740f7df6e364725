CREATE TABLE `used_form_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `used_form_tokens_expiry_idx` ON `used_form_tokens` (`expires_at`);