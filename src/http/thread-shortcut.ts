import type { Deps } from '../deps';
import { cachedThread, openThread, type ThreadQuery as ThreadOptions } from '../services/threads';
import { logRequest, requestIdOf } from './middleware/context';
import { corsHeaders, SECURITY_HEADERS } from './middleware/headers';
import { etagNamed, threadCacheHeaders, ThreadQuery } from './routes/articles';
import { ArticleParam } from './schemas';

/** An answer written as is: its status, its headers as a flat list (name, value, name, value…), its body. */
export interface PlainAnswer {
  status: number;
  headers: string[];
  body: Uint8Array | null;
}

const THREAD = /^\/api\/v1\/articles\/([^/?]+)\/comments(?:\?([^#]*))?$/;
/** The route's pattern, as the request log names it. */
const ROUTE = '/api/v1/articles/:articleId/comments';

/**
 * The request readers send most, answered without the router: a thread read (GET
 * /api/v1/articles/{id}/comments), 200 or 304. It runs the route's own steps — the same schemas for the
 * path and the query, the same service (openThread, which answers from the read cache), the same
 * headers (security, CORS, request id, cache) — minus what a router, validators and the web Response
 * cost per request (about half of a 304's time: `npm run bench:profile -- thread304`). What the
 * schemas make of a URL is kept per URL, and a read the read cache can answer (its settings, its
 * article's row and, for a 200, its page) is answered in the same turn, without a promise: the
 * objects of a request then die young, which cut the server's CPU per cached read by about a quarter.
 * Anything it is not sure of (another method or path, a body, credentials, a query it would have to
 * decode, a value the schemas refuse, an error) is null: the app answers as always.
 * tests/node/thread-shortcut.test.ts holds both answers, on the wire, to be the same.
 */
export function threadShortcut(deps: Deps) {
  const corsOf = corsHeaders(deps.config);
  const security = SECURITY_HEADERS.flat();
  // What the schemas made of each URL: the same string always gives the same answer.
  const requests = new Map<string, ThreadRequest | null>();

  /** The answer's headers, in the app's order: cache, request id, security, CORS, content. */
  const answer = (
    thread: { etag: string; maxAge: number; staleWhileRevalidate: number },
    status: 200 | 304,
    body: Uint8Array | null,
    header: (name: string) => string | undefined,
    started: number,
  ): PlainAnswer => {
    const id = requestIdOf(header('x-request-id'));
    const headers = [...threadCacheHeaders(thread.etag, thread).flat(), 'X-Request-Id', id, ...security];
    for (const [name, value] of corsOf(header('origin'))) if (name !== 'Vary') headers.push(name, value);
    headers.push('Vary', 'Origin, Accept-Encoding');
    if (body) headers.push('Content-Type', 'application/json', 'Content-Length', String(body.byteLength));
    if (started >= 0)
      logRequest(deps.logger, { id, method: 'GET', route: ROUTE, status, ms: deps.clock.now() - started });
    return { status, headers, body };
  };

  return (
    method: string,
    url: string,
    header: (name: string) => string | undefined,
  ): PlainAnswer | null | Promise<PlainAnswer | null> => {
    if (method !== 'GET') return null;
    let request = requests.get(url);
    if (request === undefined) {
      request = threadRequest(url);
      // Kept for short URLs only: 1,000 long ones would hold megabytes.
      if (url.length <= 512) {
        if (requests.size >= 1000) requests.clear();
        requests.set(url, request);
      }
    }
    if (!request) return null;
    if (header('authorization') !== undefined || header('content-length') !== undefined) return null;
    if (header('transfer-encoding') !== undefined) return null;
    const started = deps.logger.enabled('info') ? deps.clock.now() : -1;
    const { articleId, query } = request;

    // A 304, or a page the read cache keeps, is answered at once; a page to build, after it.
    const respond = (thread: NonNullable<ReturnType<typeof cachedThread>>) => {
      if (etagNamed(header('if-none-match'), thread.etag)) return answer(thread, 304, null, header, started);
      const kept = thread.kept();
      if (kept) return answer(thread, 200, kept, header, started);
      return thread.page().then((page) => answer(thread, 200, page, header, started));
    };
    // From the read cache without waiting when it holds the settings and the article's row.
    const cached = cachedThread(deps, articleId, query);
    const answered = cached ? respond(cached) : openThread(deps, articleId, query).then(respond);
    return answered instanceof Promise ? answered.catch(() => null) : answered;
  };
}

interface ThreadRequest {
  articleId: string;
  query: ThreadOptions;
}

/** A thread read's article and query as the route's schemas read them; null for anything else. */
function threadRequest(url: string): ThreadRequest | null {
  const match = THREAD.exec(url);
  if (!match) return null;
  const query = plainQuery(match[2]);
  if (!query) return null;
  let articleId: string;
  try {
    articleId = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  const param = ArticleParam.safeParse({ articleId });
  const options = ThreadQuery.safeParse(query);
  return param.success && options.success ? { articleId, query: options.data } : null;
}

/**
 * A query string as hono's c.req.queries() reads it, for strings with nothing to decode (no %, no +);
 * null for the others, which the app reads. A name given twice keeps its values in order.
 */
function plainQuery(search: string | undefined): Record<string, string | string[]> | null {
  const query: Record<string, string | string[]> = {};
  if (!search) return query;
  if (search.includes('%') || search.includes('+')) return null;
  for (const pair of search.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!name || name === '__proto__') return null;
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    if (!Object.hasOwn(query, name)) query[name] = value;
    else {
      const kept = query[name]!;
      query[name] = Array.isArray(kept) ? [...kept, value] : [kept, value];
    }
  }
  return query;
}
