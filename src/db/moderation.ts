import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../deps';
import { runBatch, type Statement } from './batch';
import { readCache } from './read-cache';
import { chunk, inJsonList, MAX_PARAMS, type CommentRow, type Cursor } from './comments';
import { articles, comments, type CommentStatus } from './schema';

/** Queries of the moderators' queue: every status, every column. */

export interface QueueFilter {
  status?: CommentStatus | undefined;
  articleId?: string | undefined;
  /** Matched against the author and the content (substring, case-insensitive for ASCII). */
  text?: string | undefined;
  /** Exact matches: the keyed hash of a searched email or IP (both are stored encrypted). */
  emailHash?: string | undefined;
  ipHash?: string | undefined;
  limit: number;
  after: Cursor | null;
}

/** `%text%` for LIKE, with LIKE's own wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The column holds `text` anywhere (case-insensitive for ASCII, as LIKE is). */
export const contains = (column: AnySQLiteColumn, text: string) =>
  sql`${column} LIKE ${containsPattern(text)} ESCAPE '\\'`;

/** Newest first, keyset-paginated on (createdAt, id). */
export function listQueue(db: Db, f: QueueFilter): Promise<CommentRow[]> {
  // A row-value comparison, as in listTopLevel: SQLite serves it as a range of the index.
  const keyset = f.after
    ? sql`(${comments.createdAt}, ${comments.id}) < (${f.after.createdAt}, ${f.after.id})`
    : undefined;
  const search = f.text
    ? or(
        contains(comments.author, f.text),
        contains(comments.content, f.text),
        f.emailHash ? eq(comments.emailHash, f.emailHash) : undefined,
        f.ipHash ? eq(comments.ipHash, f.ipHash) : undefined,
      )
    : undefined;
  return db
    .select()
    .from(comments)
    .where(
      and(
        f.status ? eq(comments.status, f.status) : undefined,
        f.articleId ? eq(comments.articleId, f.articleId) : undefined,
        search,
        keyset,
      ),
    )
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(f.limit)
    .all();
}

/** Full rows for a list of ids (read in slices for D1), in no particular order. */
export async function getCommentsByIds(db: Db, ids: string[]): Promise<CommentRow[]> {
  const parts = await Promise.all(
    chunk([...new Set(ids)], MAX_PARAMS).map((slice) =>
      db.select().from(comments).where(inArray(comments.id, slice)).all(),
    ),
  );
  return parts.flat();
}

/** What the queue shows of the comments being answered: id, author, status and the start of the text (one statement). */
export async function parentExcerpts(db: Db, ids: string[], length: number) {
  if (ids.length === 0)
    return new Map<string, { id: string; author: string; status: CommentStatus; content: string }>();
  const rows = await db
    .select({
      id: comments.id,
      author: comments.author,
      status: comments.status,
      content: sql<string>`substr(${comments.content}, 1, ${length + 1})`,
    })
    .from(comments)
    .where(inJsonList(comments.id, [...new Set(ids)]))
    .all();
  return new Map(rows.map((p) => [p.id, p]));
}

/** The title and address of each of these articles that has a row (one statement). */
export async function articleLabels(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, { id: string; title: string | null; url: string | null }>();
  const rows = await db
    .select({ id: articles.id, title: articles.title, url: articles.url })
    .from(articles)
    .where(inJsonList(articles.id, [...new Set(ids)]))
    .all();
  return new Map(rows.map((a) => [a.id, a]));
}

/** Comments by others (not written with `emailHash`) whose text or reasons hold `text` (an address). */
export function commentsMentioning(db: Db, text: string, emailHash: string) {
  return db
    .select()
    .from(comments)
    .where(
      and(ne(comments.emailHash, emailHash), or(contains(comments.content, text), contains(comments.reasons, text))),
    )
    .all();
}

/** Every comment written with this email (its keyed hash), oldest first. */
export function commentsByEmailHash(db: Db, emailHash: string) {
  return db
    .select()
    .from(comments)
    .where(eq(comments.emailHash, emailHash))
    .orderBy(comments.createdAt, comments.id)
    .all();
}

/**
 * Writes a change to the threads of several articles in one batch with the bump of their versions
 * (the public thread ETags), then forgets them in the read cache: what `writeToThread` does for a
 * change to one thread.
 */
export async function writeToThreads(db: Db, articleIds: string[], change: Statement[]) {
  const bumps = chunk([...new Set(articleIds)], MAX_PARAMS).map((slice) =>
    db
      .update(articles)
      .set({ version: sql`${articles.version} + 1` })
      .where(inArray(articles.id, slice)),
  );
  await runBatch(db, [...change, ...bumps]);
  readCache(db).forget(articleIds);
}

/** One statement setting the same columns on many comments (in slices for D1). */
export function updateComments(db: Db, ids: string[], patch: Partial<CommentRow>): Statement[] {
  return chunk(ids, MAX_PARAMS - 10).map((slice) => db.update(comments).set(patch).where(inArray(comments.id, slice)));
}
