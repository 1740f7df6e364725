/** A `tamis` command that failed for a reason it can state: the CLI prints the message (no stack) and exits 1. */
export class CommandError extends Error {}
