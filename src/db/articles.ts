import { eq } from 'drizzle-orm';
import type { Db } from '../deps';
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
