import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv, Deps } from '../../deps';
import type { Logger } from '../../logger';

/** The request id: the client's X-Request-Id when it is short and plain, else a new UUID. */
export function requestIdOf(sent: string | undefined): string {
  return sent && sent.length <= 64 && !/[^\w\-=]/.test(sent) ? sent : crypto.randomUUID();
}

/** Gives each request its id (requestIdOf), in the context and in the X-Request-Id of its answer. */
export const requestId: MiddlewareHandler<AppEnv> = (c, next) => {
  const id = requestIdOf(c.req.header('x-request-id'));
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  return next();
};

/**
 * The origin of a request's URL (`scheme://host[:port]`), read from the string the adapter built:
 * parsing it again with `new URL` cost a fifth of a cached thread read.
 */
function originOf(url: string): string {
  const end = url.indexOf('/', url.indexOf('://') + 3);
  return end < 0 ? url : url.slice(0, end);
}

/** Puts the dependencies in the context; `perRequest` overrides what belongs to one request (on Workers, `defer`). */
export function provideDeps(deps: Deps, perRequest?: (c: Context) => Partial<Deps>): MiddlewareHandler<AppEnv> {
  // The request's origin: links in the emails it causes, unless PUBLIC_URL says where readers reach Tamis.
  const withOrigin = !deps.config.PUBLIC_URL;
  return (c, next) => {
    c.set(
      'deps',
      withOrigin || perRequest
        ? { ...deps, ...(withOrigin ? { origin: originOf(c.req.url) } : {}), ...perRequest?.(c) }
        : deps,
    );
    return next();
  };
}

/** The declared route a request matched ('/api/v1/articles/:articleId/comments'), or null (404, a preflight). */
function routeOf(c: Context): string | null {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return null;
}

/**
 * The request log: one line per request at `info`, after the answer. The route's pattern, not the
 * path (an article id is the publisher's, a query may hold an address), and nothing of the client:
 * no IP, user agent, email or token.
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { clock, logger } = c.get('deps');
  if (!logger.enabled('info')) return next(); // gathering the line cost a few per cent of a cached read
  const started = clock.now();
  await next();
  logRequest(logger, {
    id: c.get('requestId'),
    method: c.req.method,
    route: routeOf(c),
    status: c.res.status,
    ms: clock.now() - started,
  });
};

/** The request log's line (requestLog, and the Node entry's thread reads). */
export function logRequest(
  logger: Logger,
  line: { id: string; method: string; route: string | null; status: number; ms: number },
) {
  logger.info('request', line);
}
