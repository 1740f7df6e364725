import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv, Deps } from '../../deps';
import { DomainError } from '../../errors';
import { describeError } from '../../logger';
import { ApiError, isDatabaseBusy, notFound, toApiError, toProblem } from '../errors';
import { pickLanguage } from '../i18n';

/** Unknown paths and methods: 404 problem. */
export const notFoundHandler: NotFoundHandler<AppEnv> = () => {
  throw notFound();
};

/**
 * hono's own refusals, from the declared routes' media-type check and body reading (the body
 * middleware makes the same checks first, with its own words), as the API's problems.
 */
function fromHono(error: HTTPException): ApiError | null {
  if (error.status === 415) return new ApiError(415, 'unsupported_media_type');
  if (error.status === 400) return new ApiError(400, 'malformed_body');
  return null;
}

/**
 * Every error as RFC 9457 problem+json in the client's language: the API's own, a service's
 * refusal (DomainError, by its kind), hono's. A database that stays busy is
 * 503 with Retry-After; anything unexpected is 500, logged with the request id (never the raw
 * error: a query error's message holds the statement's parameters).
 */
export function errorHandler(deps: Pick<Deps, 'logger'>): ErrorHandler<AppEnv> {
  return (err, c) => {
    const known =
      err instanceof ApiError
        ? err
        : err instanceof DomainError
          ? toApiError(err)
          : err instanceof HTTPException
            ? fromHono(err)
            : null;
    const error =
      known ??
      (isDatabaseBusy(err)
        ? new ApiError(503, 'unavailable', {
            detail: 'The database is busy. Try again in a moment.',
            headers: { 'Retry-After': '1' },
          })
        : new ApiError(500, 'internal_error'));
    if (!known)
      deps.logger.error('request.failed', { id: c.var.requestId, path: c.req.path, error: describeError(err) });
    const lang = pickLanguage(c.req.header('accept-language'));
    const problem = toProblem(error, lang, c.req.path);
    return c.newResponse(JSON.stringify(problem), error.status as 400, {
      ...error.options.headers,
      'Content-Type': 'application/problem+json',
      'Content-Language': lang,
      'Cache-Control': 'no-store',
    });
  };
}
