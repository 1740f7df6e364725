import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../deps';
import { expectChanges, failUnless, placeholders, runBatch, stencil, type Statement } from './batch';
import { writeArticle } from './articles';
import { readCache } from './read-cache';
import { articles, comments } from './schema';

export type CommentRow = typeof comments.$inferSelect;
export type NewComment = typeof comments.$inferInsert;

export type Sort = 'oldest' | 'newest';
export interface Cursor {
  createdAt: number;
  id: string;
}

/** D1 binds at most 100 parameters per statement: longer id lists are read in slices. */
export const MAX_PARAMS = 95;
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
/**
 * `column IN (values)` with the list bound as one JSON parameter: one statement for any number of
 * values (D1 binds at most 100 parameters), each looked up by the column's index.
 */
export const inJsonList = (column: AnySQLiteColumn, values: readonly unknown[]) =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** Written as a literal, so that a list of 100 ids still fits in D1's 100 parameters. */
const APPROVED = sql`${comments.status} = 'approved'`;

/** Columns a public thread needs: no IP or user agent is read, and the email only sealed (for opt-in Gravatar). */
const publicColumns = {
  id: comments.id,
  parentId: comments.parentId,
  rootId: comments.rootId,
  depth: comments.depth,
  author: comments.author,
  website: comments.website,
  emailEnc: comments.emailEnc,
  content: comments.content,
  html: comments.html,
  staff: comments.staff,
  createdAt: comments.createdAt,
  editedAt: comments.editedAt,
};
export type ThreadRow = { [K in keyof typeof publicColumns]: (typeof comments.$inferSelect)[K] };

export function getComment(db: Db, id: string) {
  return db.select().from(comments).where(eq(comments.id, id)).get();
}

/** One page of approved top-level comments, keyset-paginated on (createdAt, id). */
export function listTopLevel(db: Db, articleId: string, sort: Sort, limit: number, after: Cursor | null) {
  const newest = sort === 'newest';
  // A row-value comparison, which SQLite serves as a range of the thread index.
  const keyset = after
    ? newest
      ? sql`(${comments.createdAt}, ${comments.id}) < (${after.createdAt}, ${after.id})`
      : sql`(${comments.createdAt}, ${comments.id}) > (${after.createdAt}, ${after.id})`
    : undefined;
  return db
    .select(publicColumns)
    .from(comments)
    .where(and(eq(comments.articleId, articleId), eq(comments.status, 'approved'), eq(comments.depth, 1), keyset))
    .orderBy(...(newest ? [desc(comments.createdAt), desc(comments.id)] : [asc(comments.createdAt), asc(comments.id)]))
    .limit(limit)
    .all();
}

/** Every approved reply under the given top-level comments, oldest first. */
export async function listReplies(db: Db, rootIds: string[]): Promise<ThreadRow[]> {
  const parts = await Promise.all(
    chunk(rootIds, MAX_PARAMS).map((ids) =>
      db
        .select(publicColumns)
        .from(comments)
        .where(and(inArray(comments.rootId, ids), APPROVED, gt(comments.depth, 1)))
        .all(),
    ),
  );
  return parts.flat().sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/**
 * The approved comments the public thread shows, per article: those whose top-level comment is
 * approved too (a moderator who hides a top-level comment hides its sub-thread with it).
 */
export async function countApproved(db: Db, articleIds: string[]): Promise<Map<string, number>> {
  // Each approved top-level comment with the approved comments of its sub-thread (itself included,
  // its root being itself): two index ranges, no row read. Written as SQL rather than with the query
  // builder, which took longer to build this join than SQLite took to run it (npm run bench, counts);
  // the ids go as one JSON parameter, so that 100 of them fit in D1's 100 bound parameters.
  const rows = await db.all<{ articleId: string; n: number }>(sql`
    SELECT comments.article_id AS articleId, count(*) AS n FROM comments
    JOIN comments AS sub ON sub.root_id = comments.id AND sub.status = 'approved'
    WHERE comments.article_id IN (SELECT value FROM json_each(${JSON.stringify(articleIds)}))
      AND comments.status = 'approved' AND comments.depth = 1
    GROUP BY comments.article_id`);
  return new Map(rows.map((r) => [r.articleId, Number(r.n)]));
}

/** An article's upsert for a change to its thread: created at its first comment, its version moved by `bump`. */
const threadUpsert = stencil<{ id: string; now: number; bump: number }>((db) =>
  db
    .insert(articles)
    .values({
      id: sql.placeholder('id'),
      createdAt: sql.placeholder('now'),
      version: sql.placeholder('bump'),
      firstCommentAt: sql.placeholder('now'),
    })
    .onConflictDoUpdate({
      target: articles.id,
      set: {
        firstCommentAt: sql`coalesce(${articles.firstCommentAt}, excluded.first_comment_at)`,
        version: sql`${articles.version} + ${sql.placeholder('bump')}`,
      },
    })
    .returning(),
);

/**
 * Writes a change to an article's thread in one batch with the article's upsert, creating the
 * article at its first comment (writeArticle keeps it in the read cache). Its version (the thread
 * ETag) moves only when the change shows in the public thread (`visible`): a held or spam comment
 * leaves the page and its cache as they were. `change`: the change's statements (and its audit entry).
 */
async function writeToThread(db: Db, id: string, now: number, visible: boolean, change: Statement[]) {
  await writeArticle(db, now, threadUpsert(db, { id, now, bump: visible ? 1 : 0 }), change);
}

/** A comment's insert, every column given. A reply takes its root and depth from its parent's row as it is when the batch runs. */
const insertTopLevel = stencil<CommentRow>((db) => db.insert(comments).values(placeholders(comments)));
const insertReply = stencil<CommentRow>((db) =>
  db.insert(comments).values({
    ...placeholders(comments),
    rootId: sql`(SELECT root_id FROM comments WHERE id = ${sql.placeholder('parentId')})`,
    depth: sql`(SELECT depth + 1 FROM comments WHERE id = ${sql.placeholder('parentId')})`,
  }),
);

/**
 * Stores a new comment. A reply is stored only if its parent is still approved when the batch
 * runs, and takes its root and depth from the parent's row as it is then (a concurrent deletion may
 * have moved it): otherwise nothing is written and WriteConflict is thrown.
 */
export async function insertComment(db: Db, row: CommentRow, also: Statement[] = []) {
  const parent = row.parentId;
  await writeToThread(db, row.articleId, row.createdAt, row.status === 'approved', [
    ...(parent
      ? [
          failUnless(
            db,
            sql`EXISTS (SELECT 1 FROM comments WHERE id = ${parent} AND article_id = ${row.articleId} AND status = 'approved')`,
          ),
          insertReply(db, row),
        ]
      : [insertTopLevel(db, row)]),
    ...also,
  ]);
}

/** What a write read of a comment and depends on: it is written only if these still hold. */
export type Seen = Pick<CommentRow, 'id' | 'status' | 'updatedAt' | 'contentHash'>;

/** The comment is still as it was read (status, text and last change). */
const unchanged = (seen: Seen) =>
  and(
    eq(comments.id, seen.id),
    eq(comments.status, seen.status),
    eq(comments.updatedAt, seen.updatedAt),
    eq(comments.contentHash, seen.contentHash),
  );

/**
 * Updates a comment as read in `seen`: if it changed meanwhile (another edit, a moderator's
 * decision), nothing is written and WriteConflict is thrown. `visible`: the change shows in the
 * public thread (the comment is or becomes approved).
 */
export async function updateComment(
  db: Db,
  seen: Seen & Pick<CommentRow, 'articleId'>,
  patch: Partial<NewComment>,
  now: number,
  visible: boolean,
  also: Statement[] = [],
) {
  await writeToThread(db, seen.articleId, now, visible, [
    db
      .update(comments)
      .set({ ...patch, updatedAt: now })
      .where(unchanged(seen)),
    expectChanges(db, 1),
    ...also,
  ]);
}

/**
 * Statements that set the same columns on several comments, each only if it is still as read
 * (`seen`), with a guard that fails the batch otherwise: so the same decision sent twice at once
 * is written (and learnt, and audited) once.
 */
export function updateSeen(db: Db, seen: Seen[], patch: Partial<CommentRow>): Statement[] {
  // One JSON parameter per slice, whatever its size (D1 binds at most 100).
  return chunk(seen, 500).flatMap((slice) => [
    db
      .update(comments)
      .set(patch)
      .where(
        sql`(${comments.id}, ${comments.status}, ${comments.updatedAt}, ${comments.contentHash}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(${JSON.stringify(slice.map((s) => [s.id, s.status, s.updatedAt, s.contentHash]))}))`,
      ),
    expectChanges(db, slice.length),
  ]);
}

/**
 * Deletes a comment for good without breaking its thread: its replies move up to its parent (or
 * become top-level comments), and every moved sub-thread gets its new root and depth. One batch,
 * computed from the tree as it is when the batch runs (not as it was read): so concurrent
 * deletions, replies and decisions keep the thread whole. Written only if the comment still
 * exists (and, with `seen`, is still as read): otherwise nothing is, and WriteConflict is thrown.
 * The thread's version moves when the comment was approved or had replies.
 */
export async function removeComment(
  db: Db,
  target: Pick<CommentRow, 'id' | 'articleId'>,
  now: number,
  also: Statement[] = [],
  seen?: Seen,
) {
  const id = target.id;
  const rootOf = sql`(SELECT root_id FROM comments WHERE id = ${id})`;
  // The ancestors of the row being updated, walked up by primary key (parent_id has no index).
  const ancestors = sql`WITH RECURSIVE up(id, parent) AS (
      SELECT a.id, a.parent_id FROM comments a WHERE a.id = comments.id
      UNION ALL SELECT b.id, b.parent_id FROM comments b JOIN up ON b.id = up.parent)`;
  await runBatch(db, [
    db
      .update(articles)
      .set({ version: sql`${articles.version} + 1` })
      .where(
        and(
          eq(articles.id, target.articleId),
          sql`EXISTS (SELECT 1 FROM comments WHERE id = ${id} AND (status = 'approved' OR EXISTS (SELECT 1 FROM comments r WHERE r.root_id = comments.root_id AND r.parent_id = ${id})))`,
        ),
      ),
    // Every comment below it moves up one level...
    db
      .update(comments)
      .set({ depth: sql`${comments.depth} - 1` })
      .where(
        and(sql`${comments.rootId} = ${rootOf}`, sql`EXISTS (${ancestors} SELECT 1 FROM up WHERE parent = ${id})`),
      ),
    // ...its direct replies answer its parent (or become top-level comments)...
    db
      .update(comments)
      .set({ parentId: sql`(SELECT parent_id FROM comments WHERE id = ${id})`, updatedAt: now })
      .where(and(sql`${comments.rootId} = ${rootOf}`, eq(comments.parentId, id))),
    // ...and, below a top-level comment, each of them roots its own sub-thread.
    db
      .update(comments)
      .set({ rootId: sql`(${ancestors} SELECT id FROM up WHERE parent IS NULL)` })
      .where(and(eq(comments.rootId, id), sql`${comments.id} <> ${id}`)),
    db.delete(comments).where(seen ? unchanged(seen) : eq(comments.id, id)),
    expectChanges(db, 1),
    ...also,
  ]);
  readCache(db).forget([target.articleId]);
}
