import type { Deps } from '../deps';
import { openThread } from '../services/threads';
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
 * cost per request (about half of a 304's time: `npm run bench:profile -- thread304`).
 * Anything it is not sure of (another method or path, a body, credentials, a query it would have to
 * decode, a value the schemas refuse, an error) is null: the app answers as always.
 * tests/node/thread-shortcut.test.ts holds both answers, on the wire, to be the same.
 */
export function threadShortcut(deps: Deps) {
  const corsOf = corsHeaders(deps.config);
  const security = SECURITY_HEADERS.flat();

  return async (
    method: string,
    url: string,
    header: (name: string) => string | undefined,
  ): Promise<PlainAnswer | null> => {
    if (method !== 'GET') return null;
    const match = THREAD.exec(url);
    if (!match) return null;
    if (header('authorization') !== undefined || header('content-length') !== undefined) return null;
    if (header('transfer-encoding') !== undefined) return null;
    const { logger, clock } = deps;
    const logged = logger.enabled('info');
    const started = logged ? clock.now() : 0;

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
    if (!param.success || !options.success) return null;

    let status: 200 | 304;
    let body: Uint8Array | null = null;
    const headers: string[] = [];
    try {
      const thread = await openThread(deps, articleId, options.data);
      for (const [name, value] of threadCacheHeaders(thread.etag, thread)) headers.push(name, value);
      status = etagNamed(header('if-none-match'), thread.etag) ? 304 : 200;
      if (status === 200) body = await thread.page();
    } catch {
      return null;
    }

    const id = requestIdOf(header('x-request-id'));
    headers.push('X-Request-Id', id, ...security);
    for (const [name, value] of corsOf(header('origin'))) if (name !== 'Vary') headers.push(name, value);
    headers.push('Vary', 'Origin, Accept-Encoding');
    if (body) headers.push('Content-Type', 'application/json', 'Content-Length', String(body.byteLength));
    if (logged) logRequest(logger, { id, method, route: ROUTE, status, ms: clock.now() - started });
    return { status, headers, body };
  };
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
