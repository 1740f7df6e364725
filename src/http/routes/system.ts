import { createRoute, z } from '@hono/zod-openapi';
import { checkDatabase } from '../../services/health';
import { VERSION } from '../../version';
import { docsPage } from '../docs';
import { ApiError } from '../errors';
import { json, problems, router, type OpenApiDocument } from '../openapi';

/** Health, and the API's reference: the OpenAPI document and the page rendered from it. */
export function system(document: () => OpenApiDocument) {
  const app = router();

  const health = createRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness and database check',
    responses: {
      200: json(z.object({ status: z.literal('ok'), version: z.string().describe('The release (package.json).') })),
      503: problems[503],
    },
  });
  app.openapi(health, async (c) => {
    if (!(await checkDatabase(c.var.deps)))
      throw new ApiError(503, 'unavailable', { detail: 'The database does not answer.' });
    return c.json({ status: 'ok' as const, version: VERSION }, 200, { 'Cache-Control': 'no-store' });
  });

  const openapi = createRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    responses: { 200: json(z.record(z.string(), z.unknown()).describe('OpenAPI 3.1'), 'The OpenAPI document') },
  });
  app.openapi(openapi, (c) => c.json(document() as unknown as Record<string, unknown>, 200));

  const docs = createRoute({
    method: 'get',
    path: '/docs',
    summary: 'This reference as a page',
    description: 'Rendered by Tamis from the document: no script, nothing loaded from another host.',
    responses: { 200: { description: 'The reference page', content: { 'text/html': { schema: z.string() } } } },
  });
  let page: ReturnType<typeof docsPage> | undefined;
  app.openapi(docs, async (c) => {
    page ??= docsPage(document());
    const { html, styleHash } = await page;
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'sha256-${styleHash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    return c.html(html, 200);
  });

  return app;
}
