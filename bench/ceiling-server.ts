/**
 * The framework's ceiling: a bare Hono route on the same server stack (@hono/node-server)
 * returning the thread's JSON bytes from memory with its content and cache headers (/thread), and
 * the same with every header Tamis sends with it (/thread-headers: security, CORS, request id…).
 */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const body = readFileSync(process.env.BODY_FILE!);
const tamisHeaders = JSON.parse(readFileSync(process.env.HEADERS_FILE!, 'utf8')) as Record<string, string>;
const app = new Hono();
app.get('/healthz', (c) => c.text('ok'));
app.get('/thread', (c) =>
  c.body(body, 200, {
    'Content-Type': 'application/json',
    ETag: 'W/"1"',
    'Cache-Control': 'public, max-age=10, stale-while-revalidate=60',
  }),
);
app.get('/thread-headers', (c) => c.body(body, 200, tamisHeaders));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
