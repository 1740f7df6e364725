import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { comment, path, postOk, thread, type ThreadNode } from '../harness/client';

const ids = (nodes: ThreadNode[]) => nodes.map((n) => n.id);

describe('GET /api/v1/articles/{articleId}/comments', () => {
  it('returns an empty thread for an article nobody commented', async () => {
    const t = await setup();
    expect(await thread(t, 'fresh')).toEqual({
      articleId: 'fresh',
      title: null,
      url: null,
      total: 0,
      comments: [],
      nextCursor: null,
    });
  });

  it('orders top-level comments oldest first by default, newest first on request', async () => {
    const t = await setup();
    const a = await postOk(t, 'x');
    const b = await postOk(t, 'x');
    const c = await postOk(t, 'x');
    const order = [a, b, c].map((p) => p.comment.id);
    expect(ids((await thread(t, 'x')).comments)).toEqual(order);
    expect(ids((await thread(t, 'x', '?sort=newest')).comments)).toEqual([...order].reverse());
  });

  it('nests replies and attaches those deeper than the maximum to the deepest allowed ancestor', async () => {
    const t = await setup();
    // A chain of 7 replies: depths 1..7.
    const chain: string[] = [];
    for (let depth = 1; depth <= 7; depth++) {
      const parentId = chain.at(-1);
      chain.push((await postOk(t, 'deep', comment(parentId ? { parentId } : {}))).comment.id);
    }
    const th = await thread(t, 'deep');
    expect(th.total).toBe(7);
    // Walk down: levels 1..5 exist; comments 6 and 7 sit at level 5 beside comment 5.
    let level = th.comments;
    for (let depth = 1; depth <= 4; depth++) {
      expect(ids(level)).toEqual([chain[depth - 1]]);
      level = level[0]!.replies;
    }
    expect(ids(level)).toEqual([chain[4], chain[5], chain[6]]);
    expect(level.map((n) => n.parentId)).toEqual([chain[3], chain[4], chain[5]]);
    expect(level.every((n) => n.replies.length === 0)).toBe(true);
  });

  it('paginates top-level comments with a cursor that stays right while comments arrive', async () => {
    const t = await setup();
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) posted.push((await postOk(t, 'p')).comment.id);
    const reply = await postOk(t, 'p', comment({ parentId: posted[1] }));

    const first = await thread(t, 'p', '?limit=2');
    expect(ids(first.comments)).toEqual(posted.slice(0, 2));
    expect(first.comments[1]!.replies.map((r) => r.id)).toEqual([reply.comment.id]);
    expect(first.total).toBe(6);
    expect(first.nextCursor).toEqual(expect.any(String));

    // New comments between pages: they join the end and nothing is skipped or repeated.
    const late = await postOk(t, 'p');
    const second = await thread(t, 'p', `?limit=2&cursor=${first.nextCursor}`);
    expect(ids(second.comments)).toEqual(posted.slice(2, 4));
    const third = await thread(t, 'p', `?limit=2&cursor=${second.nextCursor}`);
    expect(ids(third.comments)).toEqual([posted[4], late.comment.id]);
    expect(third.nextCursor).toBeNull();
  });

  it('paginates newest first without repeating when comments arrive at the top', async () => {
    const t = await setup();
    const posted: string[] = [];
    for (let i = 0; i < 4; i++) posted.push((await postOk(t, 'n')).comment.id);
    const first = await thread(t, 'n', '?sort=newest&limit=2');
    await postOk(t, 'n');
    const second = await thread(t, 'n', `?sort=newest&limit=2&cursor=${first.nextCursor}`);
    expect([...ids(first.comments), ...ids(second.comments)]).toEqual([...posted].reverse());
    expect(second.nextCursor).toBeNull();
  });

  it('sends an ETag and cache headers, and 304 for If-None-Match until the thread changes', async () => {
    const t = await setup();
    await postOk(t, 'e');
    const res = await t.request(path('e'));
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);

    const again = await t.request(path('e'), { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');

    // Another page or sort is another representation.
    const other = await t.request(`${path('e')}?sort=newest`, { headers: { 'If-None-Match': etag! } });
    expect(other.status).toBe(200);

    await postOk(t, 'e');
    const changed = await t.request(path('e'), { headers: { 'If-None-Match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });
});
