import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentLines } from '../harness/seed';
import { ADMIN_TOKEN, startSite, type Site } from './harness';

/**
 * The desk's bulk action follows the API's continuation: a selection bigger than one request may
 * write (the learner takes several statements per comment; services/moderation.ts BULK_STATEMENTS)
 * is decided over several requests, and the desk shows the outcome of them all.
 */

let site: Site;
let page: Page;
const bulkBodies: Record<string, unknown>[] = [];
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

beforeAll(async () => {
  site = await startSite();
  // 60 held comments of 80 words each, imported (a Tamis export) in one request.
  const lines = commentLines('desk/bulk', 60, () => ({ status: 'pending' }));
  const res = await fetch(`${site.direct}/api/v1/admin/import?from=tamis`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/x-ndjson' },
    body: `${lines.join('\n')}\n`,
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { import: { comments: { pending: number } } }).import.comments.pending).toBe(60);
  page = await site.newPage({ locale: 'en-GB' });
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/admin/comments/bulk'))
      bulkBodies.push(JSON.parse(r.postData() ?? '{}') as Record<string, unknown>);
  });
}, 60_000);
afterAll(() => site?.close());

describe("the desk's bulk action", { timeout: 90_000 }, () => {
  it('marks 60 comments as spam through as many requests as the API asks, and shows them all moved', async () => {
    await page.goto(`${site.api}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await poll(() => page.locator('li.comment').count()).toBe(20);
    for (const shown of [40, 60]) {
      await page.getByRole('button', { name: 'Load more' }).click();
      await poll(() => page.locator('li.comment').count()).toBe(shown);
    }
    await page.locator('#select-all').focus();
    await page.keyboard.press('Space');
    await poll(() => page.locator('.bulk .selected').textContent()).toBe('60 selected');
    await page.locator('.bulk button[data-bulk="spam"]').click();
    await poll(() => page.locator('li.comment').count()).toBe(0);
    await poll(() => page.locator('.tab[data-status="spam"] .count').textContent()).toBe('60');
    // Several requests: the ids, then the continuations the API gave.
    await poll(() => bulkBodies.length).toBeGreaterThan(1);
    expect(bulkBodies[0]).toMatchObject({ status: 'spam' });
    expect((bulkBodies[0]!.ids as string[]).length).toBe(60);
    for (const later of bulkBodies.slice(1)) expect(Object.keys(later)).toEqual(['continuation']);
    const left = await site.admin<{ comments: unknown[] }>('GET', '/comments?status=pending');
    expect(left.comments).toEqual([]);
    // No "not moved" alert: every comment moved.
    expect(await page.locator('[role="alert"]').textContent()).toBe('');
  });
});
