import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../deps';

/** One statement of a `db.batch()`: a change and its audit entry are written together, or neither. */
export type Statement = BatchItem<'sqlite'>;

/**
 * Runs statements as one batch (all or nothing; D1 has no interactive transactions). Returns each
 * statement's result, in order (the rows of a RETURNING).
 */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  if (statements.length === 0) return [];
  return db.batch(statements as [Statement, ...Statement[]]);
}
