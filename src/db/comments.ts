import { and, asc, count, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Statement } from './batch';
import { writeArticle } from './articles';
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

export async function countApproved(db: Db, articleIds: string[]): Promise<Map<string, number>> {
  const rows = await db
    .select({ articleId: comments.articleId, n: count() })
    .from(comments)
    .where(and(inArray(comments.articleId, articleIds), APPROVED))
    .groupBy(comments.articleId)
    .all();
  return new Map(rows.map((r) => [r.articleId, r.n]));
}

/**
 * Writes a change to an article's thread in one batch with the bump of the article's version (the
 * thread ETag), creating the article at its first comment (writeArticle keeps it in the read
 * cache). `change`: the change's statements (and its audit entry).
 */
async function writeToThread(db: Db, articleId: string, now: number, change: Statement[]) {
  await writeArticle(
    db,
    articleId,
    now,
    { values: { version: 1, firstCommentAt: now }, set: { firstCommentAt: sql`coalesce(${articles.firstCommentAt}, excluded.first_comment_at)` } },
    change,
  );
}

export async function insertComment(db: Db, row: NewComment, also: Statement[] = []) {
  await writeToThread(db, row.articleId, row.createdAt, [db.insert(comments).values(row), ...also]);
}

export async function updateComment(db: Db, id: string, articleId: string, patch: Partial<NewComment>, now: number, also: Statement[] = []) {
  await writeToThread(db, articleId, now, [db.update(comments).set({ ...patch, updatedAt: now }).where(eq(comments.id, id)), ...also]);
}

/**
 * Deletes a comment for good without breaking its thread: its replies move up to its parent
 * (or become top-level comments), and every moved sub-thread gets its new root and depth.
 */
export async function removeComment(
  db: Db,
  target: Pick<CommentRow, 'id' | 'articleId' | 'rootId' | 'parentId' | 'depth'>,
  now: number,
  also: Statement[] = [],
) {
  const family = await db
    .select({ id: comments.id, parentId: comments.parentId })
    .from(comments)
    .where(and(eq(comments.rootId, target.rootId), gt(comments.depth, target.depth)))
    .all();
  const children = new Map<string, string[]>();
  for (const c of family) {
    const siblings = children.get(c.parentId ?? '');
    if (siblings) siblings.push(c.id);
    else children.set(c.parentId ?? '', [c.id]);
  }

  const updates: Statement[] = [];
  for (const childId of children.get(target.id) ?? []) {
    // Each direct reply takes the deleted comment's place; its own replies follow it.
    const newRoot = target.parentId ? target.rootId : childId;
    const stack: string[] = [childId];
    const moved: string[] = [];
    while (stack.length) {
      const id = stack.pop()!;
      moved.push(id);
      stack.push(...(children.get(id) ?? []));
    }
    updates.push(db.update(comments).set({ parentId: target.parentId, updatedAt: now }).where(eq(comments.id, childId)));
    for (const ids of chunk(moved, MAX_PARAMS)) {
      updates.push(db.update(comments).set({ rootId: newRoot, depth: sql`${comments.depth} - 1` }).where(inArray(comments.id, ids)));
    }
  }
  await writeToThread(db, target.articleId, now, [...updates, db.delete(comments).where(eq(comments.id, target.id)), ...also]);
}
