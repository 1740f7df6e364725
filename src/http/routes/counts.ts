import { Hono } from 'hono';
import type { AppEnv } from '../../deps';
import { countApproved } from '../../db/comments';
import { parseOrThrow } from '../errors';
import { CountsQuery } from '../schemas';

/** Approved comments per article, in one query, for article listing pages. */
export const counts = new Hono<AppEnv>();

counts.get('/', async (c) => {
  const { article } = parseOrThrow(CountsQuery, { article: c.req.queries('article') ?? [] });
  const ids = [...new Set(article)];
  const found = await countApproved(c.var.deps.db, ids);
  c.header('Cache-Control', 'public, max-age=10, stale-while-revalidate=60');
  return c.json({ counts: Object.fromEntries(ids.map((id) => [id, found.get(id) ?? 0])) });
});
