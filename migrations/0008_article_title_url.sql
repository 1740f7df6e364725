ALTER TABLE `articles` ADD `title` text;--> statement-breakpoint
ALTER TABLE `articles` ADD `url` text;--> statement-breakpoint
ALTER TABLE `comments` ADD `source` text;--> statement-breakpoint
ALTER TABLE `comments` ADD `source_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `comments_source_idx` ON `comments` (`source`,`source_id`) WHERE "comments"."source" IS NOT NULL;