import { Hono } from 'hono';
import { z } from 'zod';
import { iso, type AppEnv, type Deps } from '../../../deps';
import { getArticle, updateArticleSettings, type ArticleRow } from '../../../db/articles';
import { countByStatus } from '../../../db/stats';
import { audit } from '../../../services/audit';
import { acceptsComments, closesAt } from '../../../services/comments';
import { adminViews, findArticle, staffReply } from '../../../services/moderation';
import { loadSettings, type SiteSettings } from '../../../settings';
import { normalizeLine } from '../../../text';
import { readBody } from '../../body';
import { parseOrThrow } from '../../errors';
import { bodyOf, json, problems, registerAdminPath } from '../../openapi';
import { ArticleParam, asText, blankToUndefined, CommentId, contentField } from '../../schemas';
import { articleIdParam } from '../../params';
import { actorOf } from './common';
import { AdminComment, ArticleInfo } from './schemas';

/** Articles as moderators see them: closing, language, moderation mode; and staff replies. */
export const adminArticles = new Hono<AppEnv>();

const ArticleSettings = z
  .object({
    closed: z.boolean().optional(),
    language: z.string().regex(/^[a-z]{2,3}$/, { error: 'invalid_value' }).nullable().optional().describe('ISO 639-1; null: the site language.'),
    moderation: z.enum(['auto', 'all', 'none']).nullable().optional().describe('null: the site setting.'),
  })
  .strict();

async function articleInfo(deps: Deps, row: ArticleRow, settings: SiteSettings) {
  return {
    id: row.id,
    closed: row.closed,
    open: acceptsComments(row, settings, deps.clock.now()),
    closesAt: iso(closesAt(row, settings)),
    language: row.language,
    moderation: row.moderation,
    firstCommentAt: iso(row.firstCommentAt),
    comments: await countByStatus(deps.db, row.id),
  };
}

const settingsOf = (row: ArticleRow | undefined) => (row ? { closed: row.closed, language: row.language, moderation: row.moderation } : null);

adminArticles.get('/:articleId', async (c) => {
  const { deps } = c.var;
  const article = await findArticle(deps, articleIdParam(c));
  return c.json({ article: await articleInfo(deps, article, await loadSettings(deps.db, deps.config)) });
});

/** Creates the article when it is new (to close or configure it before its first comment). */
adminArticles.put('/:articleId', async (c) => {
  const articleId = articleIdParam(c);
  const patch = parseOrThrow(ArticleSettings, await readBody(c));
  const { deps } = c.var;
  const { db, clock } = deps;
  const now = clock.now();
  const before = await getArticle(db, articleId);
  const row = await updateArticleSettings(
    db,
    articleId,
    patch,
    now,
    audit(deps, actorOf(c), [{ action: 'article.update', target: 'article', targetId: articleId, before: settingsOf(before), after: { ...settingsOf(before), ...patch } }], now),
  );
  return c.json({ article: await articleInfo(deps, row, await loadSettings(db, deps.config)) });
});

const staffReplySchema = (settings: SiteSettings) =>
  z
    .object({
      content: contentField(settings.maxContentLength),
      author: z
        .preprocess((v) => blankToUndefined(asText(normalizeLine)(v)), z.string().min(1).max(settings.maxAuthorLength).optional())
        .describe("Shown as the author; the token's name when absent."),
      parentId: z.preprocess(blankToUndefined, CommentId.optional()).describe('The approved comment answered.'),
    })
    .strict();

adminArticles.post('/:articleId/comments', async (c) => {
  const articleId = articleIdParam(c);
  const { deps } = c.var;
  const [raw, settings] = await Promise.all([readBody(c), loadSettings(deps.db, deps.config)]);
  const input = parseOrThrow(staffReplySchema(settings), raw);
  const { row } = await staffReply(deps, actorOf(c), articleId, input);
  return c.json({ comment: (await adminViews(deps, [row]))[0]! }, 201);
});

const tags = ['Articles'];
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/articles/{articleId}',
  tags,
  summary: "An article's settings, state and comment counts",
  request: { params: ArticleParam },
  responses: { 200: json(z.object({ article: ArticleInfo })), 404: problems[404], 422: problems[422] },
});
registerAdminPath({
  method: 'put',
  path: '/api/v1/admin/articles/{articleId}',
  tags,
  summary: "Set an article's closing, language or moderation mode",
  description: 'Only the fields given change; the article is created when it has no comment yet. The public thread ETag changes.',
  request: { params: ArticleParam, body: bodyOf(ArticleSettings) },
  responses: { 200: json(z.object({ article: ArticleInfo })), 422: problems[422] },
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/articles/{articleId}/comments',
  tags,
  summary: "A moderator's comment or reply",
  description: 'Approved at once and shown with `author.staff: true`; allowed on a closed article. 404 `parent_not_found`; 409 `parent_not_approved`.',
  request: { params: ArticleParam, body: bodyOf(z.object({ content: z.string(), author: z.string().optional(), parentId: z.string().optional() })) },
  responses: { 201: json(z.object({ comment: AdminComment }), 'Created'), 404: problems[404], 409: problems[409], 422: problems[422] },
});
