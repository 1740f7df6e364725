import type { Deps } from '../deps';
import { cachedArticle, type ArticleRow } from '../db/articles';
import { countApproved, listReplies, listTopLevel, type Cursor, type Sort } from '../db/comments';
import { readCache } from '../db/read-cache';
import { loadSettings, type SiteSettings } from '../settings';
import { encodeCursor } from './cursor';
import { nest, toPublic } from './public';
import { issueFormToken } from './form-tokens';

/** What readers get: approved threads, comment counts, and the form's token. */

export interface ThreadQuery {
  sort: Sort;
  limit: number;
  /** The keyset cursor of the page, and its text as the client sent it (part of the ETag). */
  cursor?: (Cursor & { text: string }) | undefined;
}

const enc = new TextEncoder();

/**
 * A page of an article's approved thread. `etag` costs one indexed read (the article's version
 * changes with every change to its public thread); `page()` serializes the page, or serves it from
 * the read cache, where it is kept under that ETag.
 */
export async function openThread(deps: Deps, articleId: string, query: ThreadQuery) {
  const [settings, article] = await Promise.all([
    loadSettings(deps),
    cachedArticle(deps.db, articleId, deps.clock.now()),
  ]);
  return threadOf(deps, settings, articleId, article, query);
}

/**
 * openThread's answer when the read cache holds the settings and the article's row, without waiting
 * (the Node entry's thread reads: src/http/thread-shortcut.ts); undefined when something must be
 * read first.
 */
export function cachedThread(deps: Deps, articleId: string, query: ThreadQuery) {
  const cache = readCache(deps.db);
  const now = deps.clock.now();
  const settings = cache.peekSettings(deps.config, now);
  const article = settings && cache.peekArticle(articleId, now);
  return settings && article ? threadOf(deps, settings.value, articleId, article.row, query) : undefined;
}

/** A thread's ETag and cache lifetimes; `kept()` is its page when the read cache holds it, `page()` the page. */
function threadOf(
  deps: Deps,
  settings: SiteSettings,
  articleId: string,
  article: ArticleRow | undefined,
  query: ThreadQuery,
) {
  const etag = `W/"${article?.version ?? 0}-${settings.maxDepth}${settings.avatars[0]}-${query.sort[0]}${query.limit}-${query.cursor?.text ?? ''}"`;
  const key = `${articleId}\n${etag}`;
  const kept = () => readCache(deps.db).page(key);
  const page = () =>
    Promise.resolve(
      kept() ??
        threadPage(deps, settings, articleId, article, query).then((value) =>
          readCache(deps.db).keepPage(key, enc.encode(JSON.stringify(value))),
        ),
    );
  return { etag, maxAge: settings.cacheMaxAge, staleWhileRevalidate: settings.cacheStaleWhileRevalidate, kept, page };
}

/** One page of the public thread: top-level comments with their replies nested. */
async function threadPage(
  deps: Deps,
  settings: SiteSettings,
  articleId: string,
  article: ArticleRow | undefined,
  { sort, limit, cursor }: ThreadQuery,
) {
  const { db, keys } = deps;
  const empty = !article || article.version === 0;
  const [rows, counts] = empty
    ? [[], new Map<string, number>()]
    : await Promise.all([listTopLevel(db, articleId, sort, limit + 1, cursor ?? null), countApproved(db, [articleId])]);
  const tops = rows.slice(0, limit);
  const replies = await listReplies(
    db,
    tops.map((t) => t.id),
  );
  const opts = { avatars: settings.avatars, keys };
  const [topNodes, replyNodes] = await Promise.all([
    Promise.all(tops.map((t) => toPublic(t, opts))),
    Promise.all(replies.map(async (r) => ({ node: await toPublic(r, opts), rootId: r.rootId }))),
  ]);
  const last = tops.at(-1);
  return {
    articleId,
    title: article?.title ?? null,
    url: article?.url ?? null,
    total: counts.get(articleId) ?? 0,
    comments: nest(topNodes, replyNodes, settings.maxDepth),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** Approved comments of each article (replies included), in one query; 0 for an unknown article. */
export async function approvedCounts(deps: Deps, articleIds: string[]): Promise<Record<string, number>> {
  const ids = [...new Set(articleIds)];
  const found = await countApproved(deps.db, ids);
  return Object.fromEntries(ids.map((id) => [id, found.get(id) ?? 0]));
}

/** What a page needs to show the comment form: a fresh token, the honeypot field's name, the minimum time to fill it in. */
export async function commentForm(deps: Deps, articleId: string) {
  const settings = await loadSettings(deps);
  return {
    token: await issueFormToken(deps, articleId),
    honeypot: settings.spam.honeypotField,
    minSeconds: settings.spam.minSeconds,
    // The form offers "Notify me of replies by email" only when the site sends email (SMTP_URL).
    notify: !!deps.config.SMTP_URL,
  };
}
