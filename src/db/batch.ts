import type { BatchItem } from 'drizzle-orm/batch';
import { fillPlaceholders, getTableColumns, sql, type Placeholder, type SQL, type Table } from 'drizzle-orm';
import type { PreparedQueryConfig, SQLitePreparedQuery } from 'drizzle-orm/sqlite-core';
import type { Db } from '../deps';
import { hasMessage } from './errors';
import { writeConflicts } from './schema';

type Prepared = SQLitePreparedQuery<PreparedQueryConfig>;

/** One statement of a `db.batch()`: a change and its audit entry are written together, or neither. */
export type Statement = BatchItem<'sqlite'>;

/**
 * A condition that a query function of db/ built, which a statement in the same batch is written
 * under (db/tokens.ts revokeToken hands the audit entry the condition of its revocation).
 */
export type Condition = SQL;

/**
 * A statement built once per database and filled per use: `build` writes it with
 * `sql.placeholder(name)` where the values go, and the function returned takes the values by name.
 * drizzle's query builder takes longer to build an insert of twenty-odd columns (60–85 µs for a
 * comment's) than SQLite takes to run it (about 55 µs); filling a built one costs about 5. The values are
 * encoded by their columns as the builder would (JSON, booleans). `build` must write the same SQL
 * whatever the values: what varies is a placeholder.
 */
export function stencil<Values extends Record<string, unknown>>(
  build: (db: Db) => { prepare(): Prepared },
): (db: Db, values: Values) => Statement {
  const preparedFor = oncePerDb((db) => build(db).prepare());
  return (db, values) => {
    const prepared = preparedFor(db);
    const { sql: text, params } = prepared.getQuery();
    const query = { sql: text, params: fillPlaceholders(params, values) };
    // What drizzle's batch asks of a statement: a prepared query (the built one, whose result it
    // maps and, on D1, whose statement it binds) that gives these values.
    const filled = Object.assign(Object.create(prepared) as Prepared, { getQuery: () => query });
    return { _prepare: () => filled } as unknown as Statement;
  };
}

/**
 * A read built once per database and run with values by name, as `stencil` builds a write:
 * `build` writes the query with `sql.placeholder(name)` where the values go. Resolves to its rows.
 */
export function preparedRead<Values extends Record<string, unknown>, Row>(
  build: (db: Db) => { prepare(): { all(values?: Record<string, unknown>): Promise<Row[]> } },
): (db: Db, values: Values) => Promise<Row[]> {
  const preparedFor = oncePerDb((db) => build(db).prepare());
  return (db, values) => preparedFor(db).all(values);
}

/** `make(db)`, computed at the first call for each database and kept as long as the database is. */
function oncePerDb<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = make(db);
      made.set(db, value);
    }
    return value;
  };
}

/** A placeholder for each of a table's columns, named as its field: what a stencil inserting whole rows gives `values()`. */
export function placeholders<T extends Table>(table: T): { [K in keyof T['$inferInsert']]-?: Placeholder<K & string> } {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((name) => [name, sql.placeholder(name)])) as never;
}

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
