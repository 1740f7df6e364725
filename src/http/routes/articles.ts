import { Hono, type Context } from 'hono';
import { iso, type AppEnv, type Deps } from '../../deps';
import { cachedArticle, type ArticleRow } from '../../db/articles';
import { countApproved, listReplies, listTopLevel, type Cursor, type Sort } from '../../db/comments';
import { createComment } from '../../services/comments';
import { nest, toOwnComment, toPublic, visibleStatus } from '../../services/public';
import { issueFormToken } from '../../services/spam';
import { loadSettings, type SiteSettings } from '../../settings';
import { readCache } from '../../db/read-cache';
import { readBody, prefersHtml } from '../body';
import { requestMeta, originAllowed } from '../client';
import { parseOrThrow } from '../errors';
import { articleIdParam, decodeCursor, encodeCursor } from '../params';
import { ThreadQuery } from '../schemas';

export const articles = new Hono<AppEnv>();

const enc = new TextEncoder();

articles.post('/:articleId/comments', async (c) => {
  const articleId = articleIdParam(c);
  const raw = await readBody(c);
  const { deps } = c.var;
  const { row, settings, editToken, editableUntil } = await createComment(deps, articleId, raw, requestMeta(c));
  if (prefersHtml(c)) {
    const back = redirectTarget(c, visibleStatus(row) === 'approved' ? `comment-${row.id}` : 'comment-pending');
    if (back) return c.redirect(back, 303);
  }
  const comment = await toOwnComment(row, { avatars: settings.avatars, keys: deps.keys });
  return c.json(
    { comment, editToken, editableUntil: iso(editableUntil) },
    201,
    { 'Cache-Control': 'no-store' },
  );
});

/** Back to the page the form was on, when its origin is one of ours. */
function redirectTarget(c: Context<AppEnv>, fragment: string): string | null {
  const referer = c.req.header('referer');
  if (!referer) return null;
  try {
    const url = new URL(referer);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !originAllowed(c.var.deps.config.ALLOWED_ORIGINS, url.origin)) {
      return null;
    }
    url.hash = fragment;
    return url.href;
  } catch {
    return null;
  }
}

articles.get('/:articleId/comments', async (c) => {
  const articleId = articleIdParam(c);
  const query = parseOrThrow(ThreadQuery, c.req.query());
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { db, config } = c.var.deps;
  const cache = readCache(db);
  const [settings, article] = await Promise.all([loadSettings(db, config), cachedArticle(db, articleId)]);

  // The article's version changes with every change to its public thread: a cheap, exact ETag.
  const etag = `W/"${article?.version ?? 0}-${settings.maxDepth}${settings.avatars[0]}-${query.sort[0]}${query.limit}-${query.cursor ?? ''}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', `public, max-age=${settings.cacheMaxAge}, stale-while-revalidate=${settings.cacheStaleWhileRevalidate}`);
  c.header('Vary', 'Accept-Encoding', { append: true });
  if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(etag)) return c.body(null, 304);

  const key = `${articleId}\n${etag}`;
  const page =
    cache.page(key) ??
    cache.keepPage(key, enc.encode(JSON.stringify(await threadPage(c.var.deps, settings, articleId, article, query.sort, query.limit, after))));
  return c.body(page as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
});

/** One page of the public thread: top-level comments with their replies nested. */
async function threadPage(
  deps: Deps,
  settings: SiteSettings,
  articleId: string,
  article: ArticleRow | undefined,
  sort: Sort,
  limit: number,
  after: Cursor | null,
) {
  const { db, keys } = deps;
  const empty = !article || article.version === 0;
  const [rows, counts] = empty
    ? [[], new Map<string, number>()]
    : await Promise.all([listTopLevel(db, articleId, sort, limit + 1, after), countApproved(db, [articleId])]);
  const tops = rows.slice(0, limit);
  const replies = await listReplies(db, tops.map((t) => t.id));
  const opts = { avatars: settings.avatars, keys };
  const [topNodes, replyNodes] = await Promise.all([
    Promise.all(tops.map((t) => toPublic(t, opts))),
    Promise.all(replies.map(async (r) => ({ node: await toPublic(r, opts), rootId: r.rootId }))),
  ]);
  const last = tops.at(-1);
  return {
    articleId,
    total: counts.get(articleId) ?? 0,
    comments: nest(topNodes, replyNodes, settings.maxDepth),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

articles.get('/:articleId/form', async (c) => {
  const articleId = articleIdParam(c);
  const { deps } = c.var;
  const settings = await loadSettings(deps.db, deps.config);
  c.header('Cache-Control', 'no-store');
  return c.json({
    token: await issueFormToken(deps, articleId),
    honeypot: settings.spam.honeypotField,
    minSeconds: settings.spam.minSeconds,
  });
});
