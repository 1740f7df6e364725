import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../deps';

/** One statement of a `db.batch()`: a change and its audit entry are written together, or neither. */
export type Statement = BatchItem<'sqlite'>;

/** Runs statements as one batch (all or nothing; D1 has no interactive transactions). */
export async function runBatch(db: Db, statements: Statement[]) {
  if (statements.length === 0) return;
  await db.batch(statements as [Statement, ...Statement[]]);
}
