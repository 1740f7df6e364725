import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import worker, { type WorkerEnv } from '../../src/entry/worker';
import packageJson from '../../package.json' with { type: 'json' };
import { BROWSER_UA, comment, path } from '../harness/client';
import { TEST_ENV } from '../harness/types';
import { resetDatabase } from '../harness/worker';

/** Through the real Workers entry (src/entry/worker.ts): config from the env, D1 from the binding. */
const bindings: WorkerEnv = { ...env, ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN, SECRET: TEST_ENV.SECRET, LOG_LEVEL: 'silent' };

async function call(pathname: string, init: RequestInit = {}, withEnv: WorkerEnv = bindings) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://tamis.example.com${pathname}`, init), withEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function postFrom(ip: string, articleId: string, body = comment(), headers: Record<string, string> = {}) {
  return call(path(articleId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'CF-Connecting-IP': ip, ...headers },
    body: JSON.stringify(body),
  });
}

describe('src/entry/worker.ts in workerd', () => {
  beforeEach(() => resetDatabase());

  it('answers /healthz from D1', async () => {
    const res = await call('/healthz');
    expect(res.status).toBe(200);
    // The version is bundled from package.json into the Workers build too.
    expect(await res.json()).toEqual({ status: 'ok', version: packageJson.version });
  });

  it('stores a comment and serves it in the thread', async () => {
    const posted = await postFrom('203.0.113.7', 'edge-1', comment({ content: 'Posté depuis le bord du réseau.' }));
    expect(posted.status).toBe(201);
    const { comment: created } = (await posted.json()) as { comment: { id: string; status: string } };
    expect(created.status).toBe('approved');

    const res = await call(path('edge-1'));
    expect(res.status).toBe(200);
    const thread = (await res.json()) as { total: number; comments: { id: string; content: string }[] };
    expect(thread.total).toBe(1);
    expect(thread.comments.map((c) => [c.id, c.content])).toEqual([[created.id, 'Posté depuis le bord du réseau.']]);
  });

  it('takes the client IP from CF-Connecting-IP, TRUST_PROXY unset, whatever X-Forwarded-For says', async () => {
    const { TRUST_PROXY: _, ...withoutTrustProxy } = bindings;
    expect((await postFrom('203.0.113.9', 'edge-2')).status).toBe(201);
    // Same CF-Connecting-IP within 15 s: flood control, whatever X-Forwarded-For claims.
    const again = await call(
      path('edge-2'),
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': BROWSER_UA,
          'CF-Connecting-IP': '203.0.113.9',
          'X-Forwarded-For': '198.51.100.1',
        },
        body: JSON.stringify(comment()),
      },
      withoutTrustProxy,
    );
    expect(again.status).toBe(429);
    // Another CF-Connecting-IP is another client.
    expect((await postFrom('203.0.113.10', 'edge-2')).status).toBe(201);
  });

  it('runs the retention purge from the cron trigger', async () => {
    const marker = () =>
      env.DB.prepare("SELECT value FROM meta WHERE key = 'retention.lastPurgeAt'").first<{ value: string }>();
    expect(await marker()).toBeNull();
    const ctx = createExecutionContext();
    const before = Date.now();
    await worker.scheduled(createScheduledController({ cron: '17 * * * *', scheduledTime: before }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    expect(Number((await marker())?.value)).toBeGreaterThanOrEqual(before);
  });

  it('without the D1 binding, goes to DATABASE_URL over HTTP with @libsql/client/web (Turso)', async () => {
    const { DB: _, ...noD1 } = bindings;
    // Nothing listens there: the web client loads and runs in workerd, and the failure is a 503.
    const res = await call(
      '/healthz',
      {},
      { ...noD1, DATABASE_URL: 'http://127.0.0.1:9', DATABASE_AUTH_TOKEN: 'not-a-real-token' },
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses to start without a database, naming no secret to the client', async () => {
    const { DB: _, ...noDatabase } = bindings;
    const res = await call('/healthz', {}, noDatabase);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.text()).not.toContain(TEST_ENV.SECRET);
  });

  it('refuses to start without SECRET, and says in the log how to set it', async () => {
    const { SECRET: _, ...noSecret } = bindings;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const withEnv of [noSecret, { ...noSecret, SECRET: '' }]) {
        const res = await call('/healthz', {}, withEnv);
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
      }
      const message = logged.mock.calls.map((args) => String(args[0])).join('\n');
      expect(message).toContain('SECRET: required on Workers');
      expect(message).toContain('wrangler secret put SECRET');
    } finally {
      logged.mockRestore();
    }
    // Nothing was generated and kept in the database in its place.
    expect(await env.DB.prepare("SELECT value FROM meta WHERE key = 'secret'").first()).toBeNull();
  });
});
