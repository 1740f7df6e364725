import { eq } from 'drizzle-orm';
import type { Db } from '../deps';
import { articles } from './schema';

export type ArticleRow = typeof articles.$inferSelect;

export function getArticle(db: Db, id: string) {
  return db.select().from(articles).where(eq(articles.id, id)).get();
}
