import { eq, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { runBatch, type Statement } from './batch';
import { readCache } from './read-cache';
import { articles } from './schema';

export type ArticleRow = typeof articles.$inferSelect;

export function getArticle(db: Db, id: string) {
  return db.select().from(articles).where(eq(articles.id, id)).get();
}

/** The article, from the read cache when this process read or wrote it less than a second before `now`. */
export function cachedArticle(db: Db, id: string, now: number) {
  return readCache(db).article(id, now, () => getArticle(db, id));
}

type ArticleSettingsPatch = Partial<Pick<ArticleRow, 'closed' | 'language' | 'moderation' | 'title' | 'url'>>;

/**
 * Runs an article's upsert (which bumps its version, so that the public thread's ETag changes, and
 * returns the row) with `also` in the same batch. The row as written goes to the read cache: the
 * next submission or thread read there needs no query for it.
 */
export async function writeArticle(db: Db, now: number, upsert: Statement, also: Statement[]) {
  const [[row]] = (await runBatch(db, [upsert, ...also])) as [ArticleRow[]];
  readCache(db).keepArticle(row!, now);
  return row!;
}

/**
 * Sets an article's own settings (creating the article when it has no comment yet) and bumps its
 * version; `also` is written in the same batch (the audit entry).
 */
export function updateArticleSettings(db: Db, id: string, patch: ArticleSettingsPatch, now: number, also: Statement[]) {
  const upsert = db
    .insert(articles)
    .values({ id, createdAt: now, ...patch })
    .onConflictDoUpdate({ target: articles.id, set: { version: sql`${articles.version} + 1`, ...patch } })
    .returning();
  return writeArticle(db, now, upsert, also);
}
