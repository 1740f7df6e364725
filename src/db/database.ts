import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/**
 * The database as the app sees it: drizzle's asynchronous SQLite query builder over the schema, and
 * `batch()`. Both drivers the entries pick are exactly this, without a cast: drizzle-orm/libsql
 * (Node, Turso) and drizzle-orm/d1 (Workers). They differ only in what `run()` resolves to (a libSQL
 * ResultSet, a D1Result), which the app never reads: hence `unknown`.
 */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
};
