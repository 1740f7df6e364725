import type { Context } from 'hono';
import type { Deps } from './deps';
import { requireAdmin } from './http/middleware/admin-auth';
import { limitBody } from './http/middleware/body';
import { provideDeps, requestId, requestLog } from './http/middleware/context';
import { errorHandler, notFoundHandler } from './http/middleware/errors';
import { publicCors, refuseForeignWrites, securityHeaders } from './http/middleware/headers';
import { refuseMalformedPath } from './http/middleware/url';
import { openApiDocument, router, type OpenApiDocument } from './http/openapi';
import { admin } from './http/routes/admin';
import { articles } from './http/routes/articles';
import { comments } from './http/routes/comments';
import { counts } from './http/routes/counts';
import { desk } from './http/routes/desk';
import { subscriptions } from './http/routes/subscriptions';
import { system } from './http/routes/system';
import { widget } from './http/routes/widget';

/**
 * The whole service, built from its dependencies: Node, Workers and tests all call this.
 * `perRequest` overrides what belongs to one request (on Workers, `defer` goes to its waitUntil).
 * The middleware (src/http/middleware) runs in this order; then the declared routes, whose
 * declarations make the OpenAPI document.
 */
export function createApp(deps: Deps, perRequest?: (c: Context) => Partial<Deps>) {
  const app = router();

  app.use(requestId, provideDeps(deps, perRequest), requestLog, securityHeaders);
  const cors = publicCors(deps.config);
  const foreignWrites = refuseForeignWrites(deps.config);
  for (const path of ['/api/v1/articles/*', '/api/v1/comments/*', '/api/v1/counts']) app.use(path, cors, foreignWrites);
  app.use(refuseMalformedPath, limitBody);
  app.use('/api/v1/admin/*', requireAdmin);

  app.route('/api/v1/articles', articles);
  app.route('/api/v1/comments', comments);
  app.route('/api/v1/counts', counts);
  app.route('/api/v1/subscriptions', subscriptions);
  app.route('/api/v1/admin', admin);
  app.route('/', desk);
  app.route('/', widget);
  let document: OpenApiDocument | undefined;
  app.route(
    '/',
    system(() => (document ??= openApiDocument(app))),
  );

  app.notFound(notFoundHandler);
  app.onError(errorHandler(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
