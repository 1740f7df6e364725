import type { BatchItem } from 'drizzle-orm/batch';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../deps';
import { hasMessage } from './errors';
import { writeConflicts } from './schema';

/** One statement of a `db.batch()`: a change and its audit entry are written together, or neither. */
export type Statement = BatchItem<'sqlite'>;

/**
 * A condition that a query function of db/ built, which a statement in the same batch is written
 * under (db/tokens.ts revokeToken hands the audit entry the condition of its revocation).
 */
export type Condition = SQL;

/** A batch was rolled back because what it was written from had changed meanwhile (a lost race). */
export class WriteConflict extends Error {
  constructor(cause?: unknown) {
    super('write_conflict', { cause });
    this.name = 'WriteConflict';
  }
}

/** True for the error of a guard (`failUnless`), whichever driver or wrapper reports it. */
const isGuardFailure = (error: unknown) => hasMessage(error, /CHECK constraint failed: write_conflict/);

/**
 * Runs statements as one batch (all or nothing; D1 has no interactive transactions). Returns each
 * statement's result, in order (the rows of a RETURNING). A failed guard throws WriteConflict.
 */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  if (statements.length === 0) return [];
  try {
    return await db.batch(statements as [Statement, ...Statement[]]);
  } catch (error) {
    throw isGuardFailure(error) ? new WriteConflict(error) : error;
  }
}

/**
 * A guard: fails its batch (so that nothing of it is written) unless `condition` holds when it runs.
 * It inserts into `write_conflicts`, whose CHECK refuses every row, only when the condition fails.
 */
export function failUnless(db: Db, condition: SQL): Statement {
  // A query builder's statement, not db.run(): drizzle's D1 batch binds parameters of built statements only.
  return db.insert(writeConflicts).select(sql`SELECT 'guard' WHERE NOT (${condition})`);
}

/** A guard: the statement just before it changed exactly `count` rows (`changes()`). */
export const expectChanges = (db: Db, count: number) => failUnless(db, sql`changes() = ${count}`);
