import { Hono, type Context } from 'hono';
import { iso, type AppEnv, type Deps } from '../../deps';
import { cachedArticle, type ArticleRow } from '../../db/articles';
import { isFormTokenReuse } from '../../db/form-tokens';
import { countApproved, listReplies, listTopLevel, type Cursor, type Sort } from '../../db/comments';
import { createComment } from '../../services/comments';
import { nest, toOwnComment, toPublic, visibleStatus } from '../../services/public';
import { issueFormToken } from '../../services/spam';
import { loadSettings, type SiteSettings } from '../../settings';
import { readCache } from '../../db/read-cache';
import { readBody, prefersHtml } from '../body';
import { httpOrigin, originAllowed, requestMeta } from '../client';
import { ApiError, parseOrThrow } from '../errors';
import { pickLanguage, type Lang } from '../i18n';
import { articleIdParam, decodeCursor, encodeCursor } from '../params';
import { ThreadQuery } from '../schemas';

export const articles = new Hono<AppEnv>();

const enc = new TextEncoder();

articles.post('/:articleId/comments', async (c) => {
  const articleId = articleIdParam(c);
  const raw = await readBody(c);
  const { deps } = c.var;
  const { row, settings, editToken, editableUntil } = await createComment(deps, articleId, raw, requestMeta(c)).catch((error: unknown) => {
    // Sent twice at once with one form token: the other copy was stored.
    throw isFormTokenReuse(error) ? new ApiError(409, 'form_token_used') : error;
  });
  if (prefersHtml(c)) {
    const published = visibleStatus(row) === 'approved';
    const back = redirectTarget(c, published ? `comment-${row.id}` : 'comment-pending');
    if (back) return c.redirect(back, 303);
    return c.html(postedPage(pickLanguage(c.req.header('accept-language')), published), 201, { 'Cache-Control': 'no-store' });
  }
  const comment = await toOwnComment(row, { avatars: settings.avatars, keys: deps.keys });
  return c.json(
    { comment, editToken, editableUntil: iso(editableUntil) },
    201,
    { 'Cache-Control': 'no-store' },
  );
});

/**
 * Back to the page the form was on: the Referer, when it is an http(s) URL whose origin is in
 * ALLOWED_ORIGINS. With `*`, its origin must also be the request's Origin, which the browser sets
 * and a page cannot: Tamis then only ever sends a browser back to the site that posted.
 */
function redirectTarget(c: Context<AppEnv>, fragment: string): string | null {
  const referer = c.req.header('referer');
  const origin = referer === undefined ? null : httpOrigin(referer);
  if (origin === null || !originAllowed(c.var.deps.config.ALLOWED_ORIGINS, origin)) return null;
  if (c.var.deps.config.ALLOWED_ORIGINS.includes('*') && c.req.header('origin') !== origin) return null;
  const url = new URL(referer!);
  url.hash = fragment;
  return url.href;
}

/** What a form post without a page to go back to gets: a few words, nothing of what was sent. */
function postedPage(lang: Lang, published: boolean): string {
  const [title, status, back] =
    lang === 'fr'
      ? ['Commentaire reçu', published ? 'Votre commentaire est publié.' : 'Votre commentaire sera publié après relecture.', 'Revenez à l’article avec le bouton Précédent de votre navigateur.']
      : ['Comment received', published ? 'Your comment is published.' : 'Your comment will appear once a moderator has read it.', 'Go back to the article with your browser’s Back button.'];
  return `<!doctype html><html lang="${lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><h1>${title}</h1><p>${status}</p><p>${back}</p></html>`;
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
