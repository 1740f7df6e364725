import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { iso, type AppEnv } from '../../deps';
import { createComment } from '../../services/comments';
import { toOwnComment, visibleStatus } from '../../services/public';
import { PAGE_TOKEN_BUCKET_MS, issuePageToken } from '../../services/form-tokens';
import { commentForm, openThread } from '../../services/threads';
import { loadSettings } from '../../settings';
import { httpOrigin, originAllowed, requestMeta } from '../client';
import { pickLanguage, type Lang } from '../i18n';
import { bodyType, jsonOrFormBody, sentBody } from '../middleware/body';
import { body, bodyProblems, json, problems, router, limitedTexts } from '../openapi';
import { cursorQuery, enumQuery, limitQuery, optionalQuery } from '../params';
import { threadFragment } from '../thread-html';
import { ArticleParam, OwnComment, SubmissionSchema, Thread } from '../schemas';

/** An article's public side: the comment form's token, posting, and the approved thread. */
export const articles = router();

const originRefused = problem403(
  '`comments_closed`; `origin_not_allowed` for a post from a page whose origin ALLOWED_ORIGINS does not list',
);

function problem403(description: string) {
  return { ...problems[403], description };
}

const postComment = createRoute({
  method: 'post',
  path: '/{articleId}/comments',
  summary: 'Post a comment',
  description:
    "JSON or a plain HTML form. When the client accepts text/html (a form without JavaScript), the answer is 303 back to the page with #comment-<id> or #comment-pending: to the form's hidden field `return`, else to the Referer, if it is an absolute http(s) URL whose origin is in ALLOWED_ORIGINS (with `*`: the request's own Origin); otherwise a short HTML page. A comment judged spam is answered exactly like a pending one. With ALLOWED_ORIGINS a list, a post whose Origin (or Referer) is another site's is refused: 403 `origin_not_allowed`. A form token serves one comment: sent again, it counts against the comment in the spam checks; two posts sent at once with one token, the second is answered 409 `form_token_used`. Refusals come in this order: 422, 404 `parent_not_found` / 403 `comments_closed`, 429 (flood control by IP, with Retry-After), 409 `duplicate_comment`.",
  middleware: [jsonOrFormBody] as const,
  request: { params: ArticleParam, body: body(SubmissionSchema, true) },
  responses: {
    201: {
      description: 'Created (approved or pending); for a form post with no page to go back to, a short HTML page',
      content: { 'application/json': { schema: OwnComment }, 'text/html': { schema: z.string() } },
    },
    303: { description: 'Back to the article page (form posts)' },
    ...bodyProblems,
    403: originRefused,
    404: problems[404],
    409: problems[409],
    429: problems[429],
  },
});

articles.openapi(
  postComment,
  async (c) => {
    const { articleId } = c.req.valid('param');
    const input = bodyType(c) === 'form' ? c.req.valid('form') : c.req.valid('json');
    const { deps } = c.var;
    const { row, settings, editToken, editableUntil } = await createComment(
      deps,
      articleId,
      input,
      sentBody(c),
      requestMeta(c),
    );
    if (prefersHtml(c)) {
      const published = visibleStatus(row) === 'approved';
      const back = redirectTarget(c, published ? `comment-${row.id}` : 'comment-pending');
      if (back) return c.redirect(back, 303);
      return c.html(postedPage(pickLanguage(c.req.header('accept-language')), published), 201, {
        'Cache-Control': 'no-store',
      });
    }
    const comment = await toOwnComment(row, { avatars: settings.avatars, keys: deps.keys });
    return c.json({ comment, editToken, editableUntil: iso(editableUntil)! }, 201, { 'Cache-Control': 'no-store' });
  },
  limitedTexts([
    { path: ['author'], limit: 'maxAuthorLength' },
    { path: ['content'], limit: 'maxContentLength' },
  ]),
);

/** True when the client would rather have a page than JSON: a plain HTML form post. */
function prefersHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /\btext\/html\b/i.test(accept) && !/\bapplication\/(problem\+)?json\b/i.test(accept.split(',')[0] ?? '');
}

/**
 * Back to the page the form was on: the form's hidden field `return` (browsers send only the origin
 * as Referer across origins), else the Referer; either only when it is an absolute http(s) URL whose
 * origin is in ALLOWED_ORIGINS. With `*`, its origin must also be the request's Origin, which the
 * browser sets and a page cannot: Tamis then only ever sends a browser back to the site that posted.
 */
function redirectTarget(c: Context<AppEnv>, fragment: string): string | null {
  const sent = sentBody(c).return;
  for (const candidate of [typeof sent === 'string' ? sent : undefined, c.req.header('referer')]) {
    const origin = candidate === undefined ? null : httpOrigin(candidate);
    if (origin === null || !originAllowed(c.var.deps.config.ALLOWED_ORIGINS, origin)) continue;
    if (c.var.deps.config.ALLOWED_ORIGINS.includes('*') && c.req.header('origin') !== origin) continue;
    const url = new URL(candidate!);
    url.hash = fragment;
    return url.href;
  }
  return null;
}

/** What a form post without a page to go back to gets: a few words, nothing of what was sent. */
function postedPage(lang: Lang, published: boolean): string {
  const [title, status, back] =
    lang === 'fr'
      ? [
          'Commentaire reçu',
          published ? 'Votre commentaire est publié.' : 'Votre commentaire sera publié après relecture.',
          'Revenez à l’article avec le bouton Précédent de votre navigateur.',
        ]
      : [
          'Comment received',
          published ? 'Your comment is published.' : 'Your comment will appear once a moderator has read it.',
          'Go back to the article with your browser’s Back button.',
        ];
  return `<!doctype html><html lang="${lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><h1>${title}</h1><p>${status}</p><p>${back}</p></html>`;
}

export const ThreadQuery = z.object({
  sort: enumQuery(['oldest', 'newest'], 'oldest'),
  limit: limitQuery(50, 100).describe('Top-level comments per page.'),
  cursor: cursorQuery,
});

const readThread = createRoute({
  method: 'get',
  path: '/{articleId}/comments',
  summary: 'Read the approved thread',
  description:
    'Top-level comments paginated by an opaque cursor, each with its approved replies nested. ETag / If-None-Match → 304; Cache-Control from the settings (public, max-age=10, stale-while-revalidate=60 by default).',
  request: { params: ArticleParam, query: ThreadQuery },
  responses: { 200: json(Thread), 304: { description: 'Not modified' }, 422: problems[422] },
});

/** The cache headers of a public thread (JSON or HTML): its ETag and shared caching. */
export function threadCacheHeaders(
  etag: string,
  cache: { maxAge: number; staleWhileRevalidate: number },
): [[string, string], [string, string]] {
  return [
    ['ETag', etag],
    ['Cache-Control', `public, max-age=${cache.maxAge}, stale-while-revalidate=${cache.staleWhileRevalidate}`],
  ];
}

/** Whether an If-None-Match header names this ETag (then the answer is a 304). */
export const etagNamed = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch?.split(/\s*,\s*/).includes(etag) ?? false;

/** Sets a thread's cache headers; true when the client's If-None-Match already names its ETag. */
function notModified(
  c: Context<AppEnv>,
  etag: string,
  cache: { maxAge: number; staleWhileRevalidate: number },
): boolean {
  for (const [name, value] of threadCacheHeaders(etag, cache)) c.header(name, value);
  c.header('Vary', 'Accept-Encoding', { append: true });
  return etagNamed(c.req.header('if-none-match'), etag);
}

articles.openapi(readThread, async (c) => {
  const { articleId } = c.req.valid('param');
  const query = c.req.valid('query');
  const thread = await openThread(c.var.deps, articleId, query);
  if (notModified(c, thread.etag, thread)) return c.body(null, 304);
  // The page as serialized once, kept under its ETag (services/threads.ts).
  return c.body((await thread.page()) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
});

const ThreadHtmlQuery = ThreadQuery.extend({
  lang: enumQuery(['fr', 'en'], 'en').describe('The language of the fragment.'),
  return: optionalQuery(z.string().max(2000)).describe(
    'The page’s address, for the form’s hidden field `return`: an absolute http(s) URL on an allowed origin (anything else is ignored).',
  ),
});

const readThreadHtml = createRoute({
  method: 'get',
  path: '/{articleId}/thread.html',
  summary: 'The thread and the form as an HTML fragment',
  description:
    'For pages without JavaScript and for sites that include the thread server-side: the approved thread (as GET …/comments, with a link to the next page) and the comment form as a plain HTML form (posted form-encoded, 303 back to `return`), no <html> wrapper. The same ETag / 304 and Cache-Control as the JSON thread. Being cached and shared, the form carries no single-use token: it carries the article’s shared token, renewed every 10 minutes (the ETag changes with it), which the spam checks weigh a little (weightFormTokenShared) beside the honeypot and minSeconds.',
  request: { params: ArticleParam, query: ThreadHtmlQuery },
  responses: {
    200: { description: 'The fragment', content: { 'text/html': { schema: z.string() } } },
    304: { description: 'Not modified' },
    422: problems[422],
  },
});

articles.openapi(readThreadHtml, async (c) => {
  const { articleId } = c.req.valid('param');
  const { lang, return: back, ...query } = c.req.valid('query');
  const { deps } = c.var;
  const thread = await openThread(deps, articleId, query);
  const bucket = Math.floor(deps.clock.now() / PAGE_TOKEN_BUCKET_MS);
  const etag = thread.etag.replace(/"$/, `-h${lang}${bucket}"`);
  if (notModified(c, etag, thread)) return c.body(null, 304);
  const [bytes, settings, token] = await Promise.all([
    thread.page(),
    loadSettings(deps),
    issuePageToken(deps, articleId, bucket * PAGE_TOKEN_BUCKET_MS),
  ]);
  const page = JSON.parse(new TextDecoder().decode(bytes)) as Parameters<typeof threadFragment>[0]['page'];
  const self = new URL(c.req.url);
  const origin = back === undefined ? null : httpOrigin(back);
  let nextHref: string | null = null;
  if (page.nextCursor) {
    const next = new URL(self);
    next.searchParams.set('cursor', page.nextCursor);
    nextHref = next.href;
  }
  const html = threadFragment({
    articleId,
    lang,
    page,
    action: `${self.origin}/api/v1/articles/${encodeURIComponent(articleId)}/comments`,
    token,
    honeypot: settings.spam.honeypotField,
    notify: !!deps.config.SMTP_URL,
    returnTo: origin !== null && originAllowed(deps.config.ALLOWED_ORIGINS, origin) ? back! : null,
    nextHref,
  });
  return c.html(html, 200);
});

const getForm = createRoute({
  method: 'get',
  path: '/{articleId}/form',
  summary: 'Get a form token and the honeypot field name',
  description:
    'Send `token` back with the submission and leave the honeypot field empty. A token serves one comment: fetch one each time the form is shown (not cacheable).',
  request: { params: ArticleParam },
  responses: {
    200: json(
      z.object({
        token: z.string(),
        honeypot: z.string().describe('The name of the field to send empty.'),
        minSeconds: z.number().int().describe('A form sent sooner after this answer is a bot’s.'),
        notify: z
          .boolean()
          .describe('The site sends email: the form may offer the `notify` box ("Notify me of replies by email").'),
      }),
    ),
    422: problems[422],
  },
});

articles.openapi(getForm, async (c) => {
  const form = await commentForm(c.var.deps, c.req.valid('param').articleId);
  return c.json(form, 200, { 'Cache-Control': 'no-store' });
});
