import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { AppEnv, Deps } from './deps';
import { describeError } from './logger';
import { requireAdmin } from './http/admin-auth';
import { MAX_BODY_BYTES } from './http/body';
import { originAllowed, writeOriginAllowed } from './http/client';
import { ApiError, isDatabaseBusy, notFound, toProblem } from './http/errors';
import { pickLanguage } from './http/i18n';
import { admin } from './http/routes/admin';
import { articles } from './http/routes/articles';
import { comments } from './http/routes/comments';
import { counts } from './http/routes/counts';
import { system } from './http/routes/system';

/** What hono's secureHeaders sends by default, with a CSP for an API and cross-origin resources (the widget). */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/**
 * The whole service, built from its dependencies: Node, Workers and tests all call this.
 * `perRequest` overrides what belongs to one request (on Workers, `defer` goes to its waitUntil).
 */
export function createApp(deps: Deps, perRequest?: (c: Context) => Partial<Deps>) {
  const app = new Hono<AppEnv>();

  app.use(requestId({ headerName: 'X-Request-Id', limitLength: 64 }));
  app.use(async (c, next) => {
    c.set('deps', perRequest ? { ...deps, ...perRequest(c) } : deps);
    const started = Date.now();
    await next();
    deps.logger.debug('request', { id: c.var.requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started });
  });
  // Set before the route answers, so that they go out with its response as written (hono's
  // secureHeaders sets them afterwards, which makes the Node adapter rebuild every response).
  // A route that sets one itself keeps its own (/docs loads the reference page's scripts).
  app.use((c, next) => {
    for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
    return next();
  });
  // Browsers may call the public routes from the allowed origins; the admin routes answer no origin.
  // Before the URL and size checks, so that a browser can read those refusals too.
  const anyOrigin = deps.config.ALLOWED_ORIGINS.includes('*');
  const allowedOrigin = (origin: string) => (anyOrigin ? '*' : originAllowed(deps.config.ALLOWED_ORIGINS, origin) ? origin : null);
  const exposeHeaders = ['ETag', 'Retry-After', 'X-Request-Id'];
  const exposed = exposeHeaders.join(',');
  const preflight = cors({
    origin: allowedOrigin,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'If-None-Match', 'Accept-Language'],
    exposeHeaders,
    maxAge: 600,
  });
  // Other requests get their CORS headers before the route answers, as the security headers do:
  // hono's cors sets them on the response afterwards, which made the Node adapter rebuild every
  // answer to a page on another origin (a third fewer thread reads a second). Every answer varies
  // with Origin, for caches, whether or not this request had one. The headers go out with responses
  // built by the context (c.json, c.body, the error handler's): a public route must not return a
  // Response of its own making.
  const corsWhenAsked: MiddlewareHandler = (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin');
    const allowed = origin === undefined ? null : allowedOrigin(origin);
    if (allowed) {
      c.header('Access-Control-Allow-Origin', allowed);
      c.header('Access-Control-Expose-Headers', exposed);
    }
    c.header('Vary', 'Origin');
    return next();
  };
  // A page on another site may not write through its visitors' browsers (and their IPs): with a
  // list of origins, a write must come from one of them, or from no browser at all (writeOriginAllowed).
  const refuseForeignWrites: MiddlewareHandler = (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS' && !writeOriginAllowed(c, deps.config.ALLOWED_ORIGINS)) {
      throw new ApiError(403, 'origin_not_allowed', { detail: 'Writes are accepted only from the origins in ALLOWED_ORIGINS.' });
    }
    return next();
  };
  for (const path of ['/api/v1/articles/*', '/api/v1/comments/*', '/api/v1/counts']) app.use(path, corsWhenAsked, refuseForeignWrites);

  // A path whose percent-encoding does not decode (%ZZ, a lone surrogate as %ED%A0%80) is refused,
  // not passed on half-decoded: an article id in a path means one thing or nothing. (A query value
  // that does not decode is taken as written, then validated like any other.)
  app.use(async (c, next) => {
    if (!pathDecodes(c.req.url)) throw new ApiError(400, 'malformed_url', { detail: 'The path is not valid percent-encoding.' });
    await next();
  });
  const tooLarge = () => new ApiError(413, 'payload_too_large', { detail: `The limit is ${MAX_BODY_BYTES} bytes.` });
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
  // GET and HEAD bodies are never read. A declared length is checked without touching the body
  // (on Node, looking at it would build a whole web Request and stream; the route then reads it
  // straight from the socket). Only a body without a length goes through the streaming limit.
  app.use((c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined || !/^\d+$/.test(length)) return limitBody(c, next);
    if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
    return next();
  });

  app.use('/api/v1/admin/*', requireAdmin);

  app.route('/api/v1/articles', articles);
  app.route('/api/v1/comments', comments);
  app.route('/api/v1/counts', counts);
  app.route('/api/v1/admin', admin);
  app.route('/', system);

  app.notFound(() => {
    throw notFound();
  });
  app.onError((err, c) => {
    const error =
      err instanceof ApiError
        ? err
        : isDatabaseBusy(err)
          ? new ApiError(503, 'unavailable', { detail: 'The database is busy. Try again in a moment.', headers: { 'Retry-After': '1' } })
          : new ApiError(500, 'internal_error');
    if (!(err instanceof ApiError)) {
      // Never the raw error: a query error's message holds the statement's parameters.
      deps.logger.error('request.failed', { id: c.var.requestId, path: c.req.path, error: describeError(err) });
    }
    const lang = pickLanguage(c.req.header('accept-language'));
    const problem = toProblem(error, lang, c.req.path);
    return c.newResponse(JSON.stringify(problem), error.status as 400, {
      ...error.options.headers,
      'Content-Type': 'application/problem+json',
      'Content-Language': lang,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

/** Whether the path's percent-encoding decodes; paths without any are not parsed at all (most requests). */
function pathDecodes(url: string): boolean {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const query = url.indexOf('?', start);
  const path = query === -1 ? url.slice(start) : url.slice(start, query);
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
