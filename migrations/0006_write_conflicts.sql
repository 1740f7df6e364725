CREATE TABLE `write_conflicts` (
	`what` text NOT NULL,
	CONSTRAINT "write_conflict" CHECK(0)
);
