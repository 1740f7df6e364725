import { eq, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { runBatch, type Statement } from './batch';
import { readCache } from './read-cache';
import { articles } from './schema';

export type ArticleRow = typeof articles.$inferSelect;

export function getArticle(db: Db, id: string) {
  return db.select().from(articles).where(eq(articles.id, id)).get();
}

/** The article, from the read cache when this process read or wrote it less than a second ago. */
export function cachedArticle(db: Db, id: string) {
  return readCache(db).article(id, () => getArticle(db, id));
}

export type ArticleSettingsPatch = Partial<Pick<ArticleRow, 'closed' | 'language' | 'moderation'>>;

/**
 * Sets an article's own settings (creating the article when it has no comment yet) and bumps its
 * version, so that the public thread's ETag changes; `also` is written in the same batch (the
 * audit entry). The written row goes to the read cache, as a comment's write does.
 */
export async function updateArticleSettings(db: Db, id: string, patch: ArticleSettingsPatch, now: number, also: Statement[] = []) {
  const [rows] = (await runBatch(db, [
    db
      .insert(articles)
      .values({ id, createdAt: now, ...patch })
      .onConflictDoUpdate({ target: articles.id, set: { ...patch, version: sql`${articles.version} + 1` } })
      .returning(),
    ...also,
  ])) as [ArticleRow[]];
  const row = rows[0]!;
  readCache(db).keepArticle(row);
  return row;
}
