import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../../deps';
import { docsPage } from '../docs';
import { ApiError } from '../errors';
import { openApiDocument } from '../openapi';

export const system = new Hono<AppEnv>();

system.get('/healthz', async (c) => {
  try {
    await c.var.deps.db.run(sql`select 1`);
  } catch (error) {
    c.var.deps.logger.error('health.db_failed', { error: String(error) });
    throw new ApiError(503, 'unavailable', { detail: 'The database does not answer.' });
  }
  c.header('Cache-Control', 'no-store');
  return c.json({ status: 'ok' });
});

let document: ReturnType<typeof openApiDocument> | undefined;
system.get('/openapi.json', (c) => c.json((document ??= openApiDocument())));

let docs: ReturnType<typeof docsPage> | undefined;
/** The reference, rendered here: no script, nothing loaded from another host (docs.ts). */
system.get('/docs', async (c) => {
  const { html, styleHash } = await (docs ??= docsPage((document ??= openApiDocument())));
  c.header('Content-Security-Policy', `default-src 'none'; style-src 'sha256-${styleHash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`);
  return c.html(html);
});
