import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { Meter, meteredD1, type Cost } from '../../src/entry/worker-limits';
import worker, { type WorkerEnv } from '../../src/entry/worker';
import { BROWSER_UA, comment, path } from '../harness/client';
import { TEST_ENV } from '../harness/types';
import { resetDatabase } from '../harness/worker';

/**
 * Thread reads through the Workers entry with the Cache API (src/entry/worker-cache.ts), on a
 * metered D1 binding: how many statements 1,000 reads of a hot article send to D1, with the edge
 * cache and without it, in one isolate and in fresh isolates (a new env object is a new app, as a
 * new isolate is); and what readers see after a write.
 */
const meters = new Set<Meter>();
const base: WorkerEnv = {
  ...env,
  DB: meteredD1(env.DB, meters),
  ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN,
  SECRET: TEST_ENV.SECRET,
  LOG_LEVEL: 'silent',
};
const admin = { Authorization: `Bearer ${TEST_ENV.ADMIN_TOKEN}` };
let ip = 0;

async function call(bindings: WorkerEnv, pathname: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://tamis.example.com${pathname}`, init), bindings, ctx);
  const body = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return { res, body: new TextDecoder().decode(body) };
}

async function postTo(bindings: WorkerEnv, articleId: string, content: string) {
  const { res } = await call(bindings, path(articleId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'CF-Connecting-IP': `203.0.113.${++ip}` },
    body: JSON.stringify(comment({ content })),
  });
  expect(res.status).toBe(201);
}

/** Statements sent to D1 while `work` runs. */
async function statementsOf(work: () => Promise<unknown>): Promise<Cost> {
  const meter = new Meter(meters);
  await work();
  meter.close();
  return meter.cost;
}

/** `n` reads of the thread: in one isolate, or each in a fresh one (its app built before it is measured). */
async function reads(bindings: WorkerEnv, articleId: string, n: number, fresh: boolean) {
  let statements = 0;
  for (let i = 0; i < n; i++) {
    const isolate = fresh ? { ...bindings } : bindings;
    if (fresh) await call(isolate, '/healthz');
    const cost = await statementsOf(async () => {
      const { res } = await call(isolate, path(articleId), { headers: { Origin: 'https://journal.example' } });
      expect(res.status).toBe(200);
    });
    statements += cost.statements;
  }
  return statements;
}

describe('thread reads from the Cache API on Workers', () => {
  beforeEach(() => resetDatabase());

  it('a hot article costs no D1 query per reader: statements per 1,000 reads, with and without the edge cache', async () => {
    const cached = { ...base };
    const uncached = { ...base, EDGE_CACHE: '0' };
    await postTo(cached, 'hot-edge', 'Le premier commentaire de cet article très lu.');
    const figures = {
      sameIsolateCached: await reads(cached, 'hot-edge', 1000, false),
      sameIsolateUncached: await reads(uncached, 'hot-edge', 1000, false),
      freshIsolatesCached: (await reads(cached, 'hot-edge', 100, true)) * 10,
      freshIsolatesUncached: (await reads(uncached, 'hot-edge', 100, true)) * 10,
    };
    console.log(`EDGE statements per 1,000 reads ${JSON.stringify(figures)}`);
    // The first read filled the cache; no other read reached D1 (the state entry lives 10 s).
    expect(figures.sameIsolateCached).toBeLessThanOrEqual(5);
    expect(figures.freshIsolatesCached).toBe(0);
    // Without it, every fresh isolate reads the article and the settings.
    expect(figures.freshIsolatesUncached).toBeGreaterThanOrEqual(1000);
  });

  it('a write through the location purges its entry: the next reader sees it, with a new ETag; 304 from the cache', async () => {
    const bindings = { ...base };
    await postTo(bindings, 'fresh-edge', 'Premier.');
    const first = await call(bindings, path('fresh-edge'));
    const etag = first.res.headers.get('etag')!;
    expect(JSON.parse(first.body).total).toBe(1);
    // Served from the cache now: no statement, the same ETag, 304 for a reader who has it.
    const again = await statementsOf(async () => {
      const hit = await call(bindings, path('fresh-edge'), { headers: { 'If-None-Match': etag } });
      expect(hit.res.status).toBe(304);
      expect(hit.res.headers.get('etag')).toBe(etag);
      expect(hit.res.headers.get('cache-control')).toBe('public, max-age=10, stale-while-revalidate=60');
    });
    expect(again.statements).toBe(0);
    await postTo(bindings, 'fresh-edge', 'Second, publié aussitôt.');
    const after = await call(bindings, path('fresh-edge'), { headers: { 'If-None-Match': etag } });
    expect(after.res.status).toBe(200);
    expect(after.res.headers.get('etag')).not.toBe(etag);
    expect(JSON.parse(after.body).total).toBe(2);
    // A moderator's decision through the same location too.
    const { id } = JSON.parse(after.body).comments[1] as { id: string };
    const decided = await call(bindings, `/api/v1/admin/comments/${id}`, {
      method: 'PATCH',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'trash' }),
    });
    expect(decided.res.status).toBe(200);
    expect(JSON.parse((await call(bindings, path('fresh-edge'))).body).total).toBe(1);
  });

  it("a write elsewhere (another location, straight to D1) is seen once the state entry expires (the thread's max-age)", async () => {
    const bindings = { ...base };
    const set = await call(bindings, '/api/v1/admin/settings', {
      method: 'PATCH',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ cacheMaxAge: 1 }),
    });
    expect(set.res.status).toBe(200);
    await postTo(bindings, 'far-edge', 'Vu de partout.');
    expect(JSON.parse((await call(bindings, path('far-edge'))).body).total).toBe(1);
    // Another location's write: this location's cache is not told.
    await env.DB.batch([
      env.DB.prepare("UPDATE comments SET status = 'trash' WHERE article_id = 'far-edge'"),
      env.DB.prepare("UPDATE articles SET version = version + 1 WHERE id = 'far-edge'"),
    ]);
    expect(JSON.parse((await call(bindings, path('far-edge'))).body).total).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(JSON.parse((await call(bindings, path('far-edge'))).body).total).toBe(0);
  });
});
