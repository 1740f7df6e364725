import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../deps';
import { ApiError } from '../errors';

/**
 * A path whose percent-encoding does not decode (%ZZ, a lone surrogate as %ED%A0%80) is refused,
 * not passed on half-decoded: an article id in a path means one thing or nothing. (A query value
 * that does not decode is taken as written, then validated like any other.)
 */
export const refuseMalformedPath: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!pathDecodes(c.req.url))
    throw new ApiError(400, 'malformed_url', { detail: 'The path is not valid percent-encoding.' });
  await next();
};

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
