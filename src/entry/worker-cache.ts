/**
 * Thread reads on Workers from the Cache API (`caches.default`, shared by the isolates of one
 * Cloudflare location), so that a hot article costs no D1 query per reader.
 *
 * Two kinds of entries, under an internal origin:
 * - the article's state: the part of the thread's ETag that says what the article and the settings
 *   are (`<version>-<settings>`), kept for the thread's max-age (10 s by default);
 * - pages, keyed by article, state, query and Origin (CORS answers vary with it): a page of a state
 *   never changes, so it is kept a day, and found only while its state entry names it.
 * A read with both entries is answered here: 200 with the page, or 304 when If-None-Match names its
 * ETag (the same rule as the app's). Otherwise the app answers (D1), and its 200 is stored.
 * A write made through this isolate deletes the state entries of the articles it changed before its
 * answer goes (the read cache's onWrite), so that readers of this location see it at once. The Cache
 * API is per location: other locations (and writes that reach D1 elsewhere) are seen when their
 * state entry expires, after at most the thread's max-age, which is what the thread's Cache-Control
 * already allows any shared cache. Hand-written: a few lines over the platform's Cache API.
 */

const ORIGIN = 'https://tamis-edge-cache.internal';
const THREAD = /^\/api\/v1\/articles\/([^/]+)\/comments$/;
const PAGE_TTL_S = 86_400;
/** The Cache-Control the app gave a page (what readers get), kept beside the stored page's own. */
const KEPT = 'X-Tamis-Cache-Control';

const stateKey = (articleId: string) => `${ORIGIN}/state/${encodeURIComponent(articleId)}`;

/** The article of a thread read (GET …/articles/{id}/comments), or null for any other request. */
export function threadArticle(request: Request): string | null {
  if (request.method !== 'GET' || request.headers.has('authorization')) return null;
  const match = THREAD.exec(new URL(request.url).pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

function pageKey(articleId: string, state: string, request: Request): string {
  const url = new URL(request.url);
  const params = new URLSearchParams(url.search);
  params.sort();
  params.set('~origin', request.headers.get('origin') ?? '');
  return `${ORIGIN}/page/${encodeURIComponent(articleId)}/${encodeURIComponent(state)}?${params}`;
}

/** `W/"12-5n-o50-"` → `12-5n` (the article's version and the settings it was written with). */
const stateOf = (etag: string) => /^W\/"(\d+-[^-]*)-/.exec(etag)?.[1] ?? null;

function fromCache(request: Request, kept: Response): Response {
  const headers = new Headers(kept.headers);
  headers.set('Cache-Control', headers.get(KEPT) ?? 'no-store');
  headers.delete(KEPT);
  headers.set('X-Request-Id', crypto.randomUUID());
  const etag = headers.get('etag');
  const named = request.headers
    .get('if-none-match')
    ?.split(/\s*,\s*/)
    .includes(etag ?? '');
  if (named) {
    headers.delete('content-type');
    return new Response(null, { status: 304, headers });
  }
  return new Response(kept.body, { status: 200, headers });
}

/**
 * Answers a thread read from the location's cache when it can, else through `answer` (the app),
 * storing its 200 (`defer`: the platform's waitUntil).
 */
export async function cachedThread(
  cache: Cache,
  request: Request,
  articleId: string,
  answer: () => Promise<Response>,
  defer: (work: Promise<unknown>) => void,
): Promise<Response> {
  const state = await cache.match(stateKey(articleId));
  if (state) {
    const hit = await cache.match(pageKey(articleId, await state.text(), request));
    if (hit) return fromCache(request, hit);
  }
  const res = await answer();
  const etag = res.headers.get('etag');
  const control = res.headers.get('cache-control') ?? '';
  const current = etag && stateOf(etag);
  const maxAge = Number(/(?:^|,)\s*max-age=(\d+)/.exec(control)?.[1] ?? 0);
  if (res.status !== 200 || !current || !control.startsWith('public') || maxAge === 0) return res;
  const stored = new Headers(res.headers);
  stored.set(KEPT, control);
  stored.set('Cache-Control', `public, max-age=${PAGE_TTL_S}`);
  const [mine, theirs] = res.body ? res.body.tee() : [null, null];
  defer(
    Promise.all([
      cache.put(pageKey(articleId, current, request), new Response(theirs, { status: 200, headers: stored })),
      cache.put(
        stateKey(articleId),
        new Response(current, { headers: { 'Cache-Control': `public, max-age=${maxAge}` } }),
      ),
    ]).catch(() => undefined),
  );
  return new Response(mine, res);
}

/** Deletes the state entries of articles just written to (their pages are then found no more). */
export async function forgetThreads(cache: Cache, articleIds: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(articleIds)].map((id) => cache.delete(stateKey(id)).catch(() => false)));
}
