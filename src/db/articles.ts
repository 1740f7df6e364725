import { eq, sql } from 'drizzle-orm';
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
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
 * Writes an article (inserting `values` when it has no row yet, else setting `set`) and bumps its
 * version (unless `set` says otherwise), so that the public thread's ETag changes, with `also` in the same batch. The row as
 * written goes to the read cache: the next submission or thread read there needs no query for it.
 */
export async function writeArticle(
  db: Db,
  id: string,
  now: number,
  { values, set }: { values: Partial<typeof articles.$inferInsert>; set: SQLiteUpdateSetSource<typeof articles> },
  also: Statement[],
) {
  const [[row]] = (await runBatch(db, [
    db
      .insert(articles)
      .values({ id, createdAt: now, ...values })
      .onConflictDoUpdate({ target: articles.id, set: { version: sql`${articles.version} + 1`, ...set } })
      .returning(),
    ...also,
  ])) as [ArticleRow[]];
  readCache(db).keepArticle(row!, now);
  return row!;
}

/**
 * Sets an article's own settings (creating the article when it has no comment yet) and bumps its
 * version; `also` is written in the same batch (the audit entry).
 */
export function updateArticleSettings(db: Db, id: string, patch: ArticleSettingsPatch, now: number, also: Statement[]) {
  return writeArticle(db, id, now, { values: patch, set: patch }, also);
}
