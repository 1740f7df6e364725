import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { Scalar } from '@scalar/hono-api-reference';
import type { AppEnv } from '../../deps';
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

system.get(
  '/docs',
  (c, next) => {
    c.header('Content-Security-Policy', "default-src 'self' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; font-src https://fonts.gstatic.com https://cdn.jsdelivr.net; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:");
    return next();
  },
  Scalar({ url: '/openapi.json', pageTitle: 'Tamis API' }),
);
