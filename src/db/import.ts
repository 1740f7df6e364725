import { getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../deps';
import { LABELS, type Label } from '../spam/types';
import { runBatch, expectChanges, type Statement } from './batch';
import { chunk, inJsonList, type NewComment } from './comments';
import type { CountDeltas } from './learner';
import type { ListEntryRow } from './lists';
import { readCache } from './read-cache';
import { articles, comments, learnerCounts, listEntries, spamMemory } from './schema';

/**
 * The importer's writes (services/import.ts): many rows per statement, each statement binding one
 * JSON parameter (`INSERT … SELECT … FROM json_each(?)`), so that D1's 100 bound parameters are
 * never the limit and an import of thousands of comments takes few statements. A batch of comments
 * is written whole or not at all, with its articles, lessons and local memory.
 */

/**
 * Comments per INSERT … SELECT (learner tokens and memory keys, small rows, go by size alone), and
 * the JSON text one statement binds at most.
 */
const ROWS_PER_INSERT = 250;
const BYTES_PER_INSERT = 900_000;

/**
 * An INSERT of many rows bound as one JSON array of objects keyed by column name: every column of
 * the table, in its order (drizzle's INSERT … SELECT lists them all). Values are mapped as drizzle
 * maps them (booleans, JSON columns).
 */
function insertJsonRows<T extends SQLiteTable>(db: Db, table: T, rows: Record<string, unknown>[]) {
  const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
  const json = JSON.stringify(
    rows.map((row) =>
      Object.fromEntries(
        columns.map(([key, column]) => {
          const value = row[key];
          return [column.name, value === undefined || value === null ? null : column.mapToDriverValue(value)];
        }),
      ),
    ),
  );
  const select = sql.join(
    columns.map(([, column]) => sql`json_extract(value, ${`$.${column.name}`})`),
    sql`, `,
  );
  // WHERE true: SQLite's parser needs it before an ON CONFLICT clause of an INSERT … SELECT.
  return db.insert(table).select(sql`SELECT ${select} FROM json_each(${json}) WHERE true`);
}

/** Slices of rows whose JSON stays under BYTES_PER_INSERT (and `most` rows). */
function slices<T>(rows: T[], size: (row: T) => number, most = Number.POSITIVE_INFINITY): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const n = size(row);
    if (current.length > 0 && (current.length >= most || bytes + n > BYTES_PER_INSERT)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** What the importer needs of a comment already stored: to skip it, and to place replies under it. */
export interface Placed {
  id: string;
  articleId: string;
  rootId: string;
  depth: number;
  /** The key it was looked up by: its source id (or its id, for Tamis's own export). */
  key: string;
}

/**
 * The comments already stored under these keys: by import source and source id, or, with
 * `byId`, by comment id (Tamis's own export keeps them). One statement, one JSON parameter.
 */
export async function findImported(db: Db, source: string, keys: string[], byId: boolean): Promise<Placed[]> {
  if (keys.length === 0) return [];
  const list = [...new Set(keys)];
  const rows = await db
    .select({
      id: comments.id,
      articleId: comments.articleId,
      rootId: comments.rootId,
      depth: comments.depth,
      sourceId: comments.sourceId,
    })
    .from(comments)
    .where(
      byId
        ? inJsonList(comments.id, list)
        : sql`${comments.source} = ${source} AND ${inJsonList(comments.sourceId, list)}`,
    )
    .all();
  return rows.map(({ sourceId, ...r }) => ({ ...r, key: byId ? r.id : sourceId! }));
}

export interface ImportedArticle {
  id: string;
  title: string | null;
  url: string | null;
  /** The earliest new comment of the batch, or null (an article of a Tamis export without one). */
  firstCommentAt: number | null;
  /** Whether the batch changes its public thread (an approved comment): its version (the ETag) moves. */
  visible: boolean;
  createdAt: number;
  closed?: boolean;
  language?: string | null;
  moderation?: 'auto' | 'all' | 'none' | null;
}

export interface ImportBatch {
  articles: ImportedArticle[];
  comments: NewComment[];
  /** What the batch's lessons add to the learner's counts, per label (db/learner.ts). */
  learner: Record<Label, CountDeltas>;
  memory: Map<string, { kind: 'email' | 'ip' | 'host'; hash: string; spam: number; ham: number }>;
  now: number;
}

/** The statements of one batch; how many they are is what an import request costs on D1. */
export function importStatements(db: Db, batch: ImportBatch): Statement[] {
  const { now } = batch;
  const statements: Statement[] = [];
  for (const slice of chunk(batch.articles, ROWS_PER_INSERT)) {
    statements.push(
      insertJsonRows(
        db,
        articles,
        slice.map((a) => ({ ...a, closed: a.closed ?? false, version: a.visible ? 1 : 0 })),
      ).onConflictDoUpdate({
        target: articles.id,
        set: {
          // Filled in, never overwritten: a title or URL set by a moderator stays.
          title: sql`coalesce(${articles.title}, excluded.title)`,
          url: sql`coalesce(${articles.url}, excluded.url)`,
          version: sql`${articles.version} + excluded.version`,
          firstCommentAt: sql`min(coalesce(${articles.firstCommentAt}, excluded.first_comment_at), coalesce(excluded.first_comment_at, ${articles.firstCommentAt}))`,
        },
      }),
    );
  }
  // Each slice must insert all its rows: a comment stored meanwhile by another import (the same
  // file sent twice at once) fails the batch, which the importer then reads again and retries.
  for (const slice of slices(batch.comments, (c) => c.content.length * 2 + 600, ROWS_PER_INSERT)) {
    statements.push(insertJsonRows(db, comments, slice), expectChanges(db, slice.length));
  }
  const sums = new Map<string, { spam: number; ham: number }>();
  for (const label of LABELS) {
    for (const [token, n] of batch.learner[label].tokens) {
      const counts = sums.get(token) ?? { spam: 0, ham: 0 };
      counts[label] += n;
      sums.set(token, counts);
    }
  }
  const learner = [...sums].map(([token, n]) => ({ token, ...n, updatedAt: now }));
  for (const slice of slices(learner, (t) => t.token.length + 40)) {
    statements.push(
      insertJsonRows(db, learnerCounts, slice).onConflictDoUpdate({
        target: learnerCounts.token,
        set: {
          spam: sql`${learnerCounts.spam} + excluded.spam`,
          ham: sql`${learnerCounts.ham} + excluded.ham`,
          updatedAt: now,
        },
      }),
    );
  }
  const memory = [...batch.memory.values()].map((m) => ({ ...m, updatedAt: now }));
  for (const slice of slices(memory, () => 120)) {
    statements.push(
      insertJsonRows(db, spamMemory, slice).onConflictDoUpdate({
        target: [spamMemory.kind, spamMemory.hash],
        set: {
          spam: sql`${spamMemory.spam} + excluded.spam`,
          ham: sql`${spamMemory.ham} + excluded.ham`,
          updatedAt: now,
        },
      }),
    );
  }
  return statements;
}

/** Writes a batch (all or nothing) and forgets its articles in the read cache; returns how many statements it took. */
export async function writeImportBatch(db: Db, batch: ImportBatch, also: Statement[] = []): Promise<number> {
  const statements = [...importStatements(db, batch), ...also];
  await runBatch(db, statements);
  readCache(db).forget(batch.articles.map((a) => a.id));
  return statements.length;
}

/** The statements adding list entries (Tamis's own export); an entry the list has already is left as it is. */
export function importListEntries(db: Db, rows: ListEntryRow[]): Statement[] {
  return rows.map((row) => db.insert(listEntries).values(row).onConflictDoNothing());
}
