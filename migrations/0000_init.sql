CREATE TABLE `admin_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_tokens_hash_idx` ON `admin_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `articles` (
	`id` text PRIMARY KEY NOT NULL,
	`closed` integer DEFAULT false NOT NULL,
	`language` text,
	`moderation` text,
	`version` integer DEFAULT 0 NOT NULL,
	`first_comment_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `comments` (
	`id` text PRIMARY KEY NOT NULL,
	`article_id` text NOT NULL,
	`parent_id` text,
	`root_id` text NOT NULL,
	`depth` integer NOT NULL,
	`status` text NOT NULL,
	`author` text NOT NULL,
	`email_enc` text NOT NULL,
	`email_hash` text NOT NULL,
	`website` text,
	`ip_enc` text,
	`ip_hash` text,
	`user_agent` text,
	`content` text NOT NULL,
	`content_hash` text NOT NULL,
	`html` text NOT NULL,
	`verdict` text NOT NULL,
	`score` real DEFAULT 0 NOT NULL,
	`reasons` text DEFAULT '[]' NOT NULL,
	`staff` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`edited_at` integer
);
--> statement-breakpoint
CREATE INDEX `comments_thread_idx` ON `comments` (`article_id`,`status`,`depth`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `comments_root_idx` ON `comments` (`root_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_parent_idx` ON `comments` (`parent_id`);--> statement-breakpoint
CREATE INDEX `comments_status_idx` ON `comments` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_email_idx` ON `comments` (`email_hash`,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_ip_idx` ON `comments` (`ip_hash`,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_content_idx` ON `comments` (`content_hash`,`created_at`);--> statement-breakpoint
CREATE TABLE `learner_tokens` (
	`token` text PRIMARY KEY NOT NULL,
	`spam` integer DEFAULT 0 NOT NULL,
	`ham` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `learner_tokens_prune_idx` ON `learner_tokens` (`updated_at`);--> statement-breakpoint
CREATE TABLE `list_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`list` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `list_entries_unique_idx` ON `list_entries` (`list`,`kind`,`value`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `spam_memory` (
	`kind` text NOT NULL,
	`hash` text NOT NULL,
	`spam` integer DEFAULT 0 NOT NULL,
	`ham` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `hash`)
);
