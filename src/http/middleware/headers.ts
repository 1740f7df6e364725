import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Config } from '../../config';
import type { AppEnv } from '../../deps';
import { originAllowed, writeOriginAllowed } from '../client';
import { ApiError } from '../errors';

/** What hono's secureHeaders sends by default, with a CSP for an API and cross-origin resources (the widget). */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
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
 * Set before the route answers, so that they go out with its response as written (hono's
 * secureHeaders sets them afterwards, which makes the Node adapter rebuild every response).
 * A route that sets one itself keeps its own (/docs allows its style sheet).
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = (c, next) => {
  for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
  return next();
};

/**
 * CORS for the public routes: browsers may call them from the allowed origins (the admin routes
 * answer no origin). Mounted before the URL and size checks, so that a browser can read those
 * refusals too. Preflights are hono's cors. Other requests get their headers before the route
 * answers, as the security headers do: hono's cors sets them on the response afterwards, which
 * made the Node adapter rebuild every answer to a page on another origin (a third fewer thread
 * reads a second). Every answer varies with Origin, for caches, whether or not this request had
 * one. The headers go out with responses built by the context (c.json, c.body, the error
 * handler's): a public route must not return a Response of its own making.
 */
export function publicCors(config: Pick<Config, 'ALLOWED_ORIGINS'>): MiddlewareHandler<AppEnv> {
  const corsOf = corsHeaders(config);
  const preflight = cors({
    origin: corsOf.allowedOrigin,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'If-None-Match', 'Accept-Language'],
    exposeHeaders: EXPOSED,
    maxAge: 600,
  });
  return (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    for (const [name, value] of corsOf(c.req.header('origin'))) c.header(name, value);
    return next();
  };
}

const EXPOSED = ['ETag', 'Retry-After', 'X-Request-Id'];

/**
 * The CORS headers of a public answer (not a preflight) to a request with this Origin: the allowed
 * origin and the exposed headers when it may read the answer, and always Vary: Origin.
 */
export function corsHeaders(config: Pick<Config, 'ALLOWED_ORIGINS'>) {
  const anyOrigin = config.ALLOWED_ORIGINS.includes('*');
  const allowedOrigin = (origin: string) =>
    anyOrigin ? '*' : originAllowed(config.ALLOWED_ORIGINS, origin) ? origin : null;
  const exposed = EXPOSED.join(',');
  const vary = [['Vary', 'Origin']] as const;
  const any = [['Access-Control-Allow-Origin', '*'], ['Access-Control-Expose-Headers', exposed], ...vary] as const;
  const headersFor = (origin: string | undefined): ReadonlyArray<readonly [string, string]> => {
    const allowed = origin === undefined ? null : allowedOrigin(origin);
    if (allowed === null) return vary;
    if (allowed === '*') return any;
    return [['Access-Control-Allow-Origin', allowed], ['Access-Control-Expose-Headers', exposed], ...vary];
  };
  return Object.assign(headersFor, { allowedOrigin });
}

/**
 * A page on another site may not write through its visitors' browsers (and their IPs): with a
 * list of origins, a write must come from one of them, or from no browser at all (writeOriginAllowed).
 */
export function refuseForeignWrites(config: Pick<Config, 'ALLOWED_ORIGINS'>): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    if (
      c.req.method !== 'GET' &&
      c.req.method !== 'HEAD' &&
      c.req.method !== 'OPTIONS' &&
      !writeOriginAllowed(c, config.ALLOWED_ORIGINS)
    ) {
      throw new ApiError(403, 'origin_not_allowed', {
        detail: 'Writes are accepted only from the origins in ALLOWED_ORIGINS.',
      });
    }
    return next();
  };
}
