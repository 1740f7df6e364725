import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, post, postOk } from '../harness/client';
import { START } from '../harness/types';

const DAY = 86_400_000;

describe('GET /api/v1/admin/audit', () => {
  it('says who (token name), what, when, before and after; newest first', async () => {
    const t = await setup();
    const { comment: c } = await postOk(t, 'a1');
    const desk = (await adminCall(t, 'POST', '/tokens', { name: 'Desk night' })).body;
    t.clock.advance(1000);
    await adminCall(t, 'PATCH', `/comments/${c.id}`, { status: 'spam' }, desk.secret);
    const { status, body } = await adminCall(t, 'GET', '/audit');
    expect(status).toBe(200);
    expect(body.entries.map((e: any) => e.action)).toEqual(['comment.update', 'token.create']);
    expect(body.entries[0]).toEqual({
      id: expect.any(Number),
      at: new Date(t.clock.now()).toISOString(),
      actor: { id: desk.token.id, name: 'Desk night' },
      action: 'comment.update',
      target: { type: 'comment', id: c.id },
      before: { status: 'approved', trained: null },
      after: { status: 'spam', trained: 'spam' },
    });
    expect(body.nextCursor).toBeNull();
  });

  it('pages with a cursor and filters by target and action', async () => {
    const t = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await postOk(t, 'a1')).comment.id);
    for (const id of ids) await adminCall(t, 'PATCH', `/comments/${id}`, { status: 'trash' });
    await adminCall(t, 'PUT', '/articles/a1', { closed: true });

    const first = (await adminCall(t, 'GET', '/audit?limit=4')).body;
    expect(first.entries).toHaveLength(4);
    const second = (await adminCall(t, 'GET', `/audit?limit=4&cursor=${first.nextCursor}`)).body;
    expect(second.entries).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const all = [...first.entries, ...second.entries].map((e: any) => e.id);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(new Set(all).size).toBe(6);

    expect((await adminCall(t, 'GET', `/audit?target=${ids[2]}`)).body.entries.map((e: any) => e.target.id)).toEqual([
      ids[2],
    ]);
    expect((await adminCall(t, 'GET', '/audit?action=article.update')).body.entries).toHaveLength(1);
  });

  it('does not record reads', async () => {
    const t = await setup();
    await postOk(t, 'a1');
    for (const route of ['/comments', '/settings', '/lists', '/tokens', '/stats', '/articles/a1'])
      await adminCall(t, 'GET', route);
    expect((await adminCall(t, 'GET', '/audit')).body.entries).toEqual([]);
  });

  it('422 for a bad cursor, limit or action', async () => {
    const t = await setup();
    for (const [query, field] of [
      ['cursor=abc', 'cursor'],
      ['cursor=0', 'cursor'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['action=DROP TABLE', 'action'],
    ]) {
      const answer = await adminCall(t, 'GET', `/audit?${query}`);
      expect(answer.status, query).toBe(422);
      expect(Object.keys(answer.body.errors)).toContain(field);
    }
  });
});

describe('GET /api/v1/admin/stats', () => {
  it('counts per status, per UTC day, and the spam caught per rule', async () => {
    const t = await setup();
    // Day 1: two approved comments and one caught by the honeypot.
    await postOk(t, 'a1');
    const trashed = await postOk(t, 'a1');
    await post(t, 'a1', comment({ hp: 'filled by a bot' }));
    await adminCall(t, 'PATCH', `/comments/${trashed.comment.id}`, { status: 'trash' });
    // Day 3: one held for a moderator, one more spam.
    t.clock.set(START + 2 * DAY);
    await adminCall(t, 'PUT', '/articles/a2', { moderation: 'all' });
    await postOk(t, 'a2');
    await post(t, 'a2', comment({ hp: 'again' }));

    const { status, body } = await adminCall(t, 'GET', '/stats?days=3');
    expect(status).toBe(200);
    expect(body.statuses).toEqual({ pending: 1, approved: 1, spam: 2, trash: 1, total: 5 });
    expect(body.since).toBe('2026-11-28T00:00:00.000Z');
    expect(body.days).toEqual([
      { day: '2026-11-28', total: 3, pending: 0, approved: 1, spam: 1, trash: 1 },
      { day: '2026-11-29', total: 0, pending: 0, approved: 0, spam: 0, trash: 0 },
      { day: '2026-11-30', total: 2, pending: 1, approved: 0, spam: 1, trash: 0 },
    ]);
    expect(body.rules.find((r: any) => r.rule === 'honeypot')).toEqual({ rule: 'honeypot', spam: 2, hold: 0 });
    expect(body.rules[0].rule).toBe('honeypot');

    // A shorter period leaves the first day out.
    const recent = (await adminCall(t, 'GET', '/stats?days=1')).body;
    expect(recent.days).toEqual([{ day: '2026-11-30', total: 2, pending: 1, approved: 0, spam: 1, trash: 0 }]);
    expect(recent.rules.find((r: any) => r.rule === 'honeypot').spam).toBe(1);
    expect(recent.statuses.total).toBe(5); // statuses are all time
  });

  it('30 days by default; 422 outside 1–365', async () => {
    const t = await setup();
    expect((await adminCall(t, 'GET', '/stats')).body.days).toHaveLength(30);
    for (const days of ['0', '366', 'week'])
      expect((await adminCall(t, 'GET', `/stats?days=${days}`)).status, days).toBe(422);
  });
});
