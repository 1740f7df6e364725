import { and, asc, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import type { CommentRow } from './comments';
import { articles, comments, listEntries } from './schema';

/**
 * The pages an export reads (services/export.ts), each by keyset from where the previous one
 * ended: so a page costs one indexed range whatever the size of the site, and rows written,
 * moved or deleted meanwhile never make one repeat or skip another.
 */

export function articlesAfter(db: Db, after: string | null, limit: number) {
  return db
    .select()
    .from(articles)
    .where(after === null ? undefined : gt(articles.id, after))
    .orderBy(asc(articles.id))
    .limit(limit)
    .all();
}

/** Comments written up to `until`, oldest first (the index on created_at, id). */
export function commentsAfter(
  db: Db,
  after: { createdAt: number; id: string } | null,
  until: number,
  limit: number,
): Promise<CommentRow[]> {
  return db
    .select()
    .from(comments)
    .where(
      and(
        lte(comments.createdAt, until),
        after ? sql`(${comments.createdAt}, ${comments.id}) > (${after.createdAt}, ${after.id})` : undefined,
      ),
    )
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(limit)
    .all();
}

export function allListEntries(db: Db) {
  return db.select().from(listEntries).orderBy(asc(listEntries.createdAt), asc(listEntries.id)).all();
}
