import { Hono } from 'hono';
import { desc, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../../deps';
import { getArticle } from '../../db/articles';
import { adminTokens, articles } from '../../db/schema';
import { readBody } from '../body';
import { parseOrThrow } from '../errors';
import { articleIdParam } from './articles';

/** Moderators' routes, all behind `requireAdmin`. */
export const admin = new Hono<AppEnv>();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

admin.get('/tokens', async (c) => {
  const rows = await c.var.deps.db
    .select({ id: adminTokens.id, name: adminTokens.name, createdAt: adminTokens.createdAt, lastUsedAt: adminTokens.lastUsedAt, revokedAt: adminTokens.revokedAt })
    .from(adminTokens)
    .orderBy(desc(adminTokens.createdAt))
    .all();
  return c.json({
    tokens: rows.map((r) => ({ ...r, createdAt: iso(r.createdAt), lastUsedAt: iso(r.lastUsedAt), revokedAt: iso(r.revokedAt) })),
  });
});

const ArticleSettings = z
  .object({
    closed: z.boolean().optional(),
    language: z.string().regex(/^[a-z]{2,3}$/, { error: 'invalid_value' }).nullable().optional(),
    moderation: z.enum(['auto', 'all', 'none']).nullable().optional(),
  })
  .strict();

admin.put('/articles/:articleId', async (c) => {
  const articleId = articleIdParam(c);
  const patch = parseOrThrow(ArticleSettings, await readBody(c));
  const { db, clock } = c.var.deps;
  const now = clock.now();
  await db
    .insert(articles)
    .values({ id: articleId, createdAt: now, ...patch })
    .onConflictDoUpdate({ target: articles.id, set: { ...patch, version: sql`${articles.version} + 1` } });
  const row = (await getArticle(db, articleId))!;
  return c.json({
    article: { id: row.id, closed: row.closed, language: row.language, moderation: row.moderation, firstCommentAt: row.firstCommentAt ? new Date(row.firstCommentAt).toISOString() : null },
  });
});
