import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv, Deps } from '../../deps';

/** Puts the dependencies in the context; `perRequest` overrides what belongs to one request (on Workers, `defer`). */
export function provideDeps(deps: Deps, perRequest?: (c: Context) => Partial<Deps>): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    // The request's origin: links in the emails it causes, when PUBLIC_URL is not set.
    c.set('deps', { ...deps, origin: new URL(c.req.url).origin, ...perRequest?.(c) });
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
  const started = clock.now();
  await next();
  logger.info('request', {
    id: c.get('requestId'),
    method: c.req.method,
    route: routeOf(c),
    status: c.res.status,
    ms: clock.now() - started,
  });
};
