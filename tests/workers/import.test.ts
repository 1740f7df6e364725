import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import worker, { type WorkerEnv } from '../../src/entry/worker';
import { FIXTURES } from '../fixtures/import';
import { TEST_ENV } from '../harness/types';
import { resetDatabase } from '../harness/worker';

/** The import endpoint through the real Workers entry, on D1: where there is no shell, the file is the request body. */
const bindings: WorkerEnv = { ...env, ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN, SECRET: TEST_ENV.SECRET, LOG_LEVEL: 'silent' };

async function call(pathname: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://tamis.example.com${pathname}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const admin = { Authorization: `Bearer ${TEST_ENV.ADMIN_TOKEN}` };

describe('POST /api/v1/admin/import in workerd, on D1', () => {
  beforeEach(() => resetDatabase());

  it('imports a Disqus export sent as a stream, then exports it', async () => {
    const body = new Blob([FIXTURES.disqus]).stream();
    const res = await call('/api/v1/admin/import?from=disqus&articleId=id', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/xml' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    const { import: summary } = (await res.json()) as { import: { complete: boolean; comments: { total: number } } };
    expect(summary).toMatchObject({ complete: true, comments: { total: 6 } });
    const thread = (await (await call('/api/v1/articles/marche-du-samedi/comments')).json()) as {
      title: string;
      total: number;
      comments: { replies: { replies: unknown[] }[] }[];
    };
    expect(thread).toMatchObject({ title: 'Le marché du samedi & ses étals', total: 4 });
    expect(thread.comments[0]!.replies[0]!.replies).toHaveLength(1);
    // Imported emails are stored sealed in D1, as a new comment's.
    const stored = await env.DB.prepare('SELECT email_enc FROM comments').all<{ email_enc: string }>();
    expect(stored.results.every((r) => r.email_enc.startsWith('v1.') && !r.email_enc.includes('@'))).toBe(true);
    const exported = await call('/api/v1/admin/export', { headers: admin });
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect((await exported.text()).trim().split('\n')).toHaveLength(1 + 1 + 6);
  });
});
