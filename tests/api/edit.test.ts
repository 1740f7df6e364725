import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, comment, postOk, thread } from '../harness/client';

const edit = (
  t: Awaited<ReturnType<typeof setup>>,
  id: string,
  token: string | null,
  body: unknown,
  method = 'PATCH',
) =>
  t.request(`/api/v1/comments/${id}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': BROWSER_UA,
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: method === 'DELETE' ? undefined : JSON.stringify(body),
  });

describe('PATCH /api/v1/comments/{id}', () => {
  it('lets the author edit within the window', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    t.clock.advance(14 * 60_000);
    const res = await edit(t, posted.comment.id, posted.editToken, { content: 'Corrigé : merci !' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.comment).toMatchObject({ id: posted.comment.id, content: 'Corrigé : merci !', status: 'approved' });
    expect(Date.parse(body.comment.editedAt)).toBe(t.clock.now());
    expect((await thread(t, 'a')).comments[0]!.content).toBe('Corrigé : merci !');
  });

  it('validates the new content', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    const res = await edit(t, posted.comment.id, posted.editToken, { content: '   ' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).errors.content).toBe('This field is required.');
  });

  it('checks the edit for spam again: links edited in afterwards are held', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    const spammy =
      'Buy now <a href="https://pills.example.net">cheap pills</a> [url=https://casino.example.net]casino[/url]';
    const res = await edit(t, posted.comment.id, posted.editToken, { content: spammy });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).comment.status).toBe('pending');
    expect((await thread(t, 'a')).total).toBe(0);
  });

  it('401 without a token or with a forged one, 403 with another comment’s token or after the window', async () => {
    const t = await setup();
    const a = await postOk(t, 'a');
    const b = await postOk(t, 'a');
    const missing = await edit(t, a.comment.id, null, { content: 'x' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as any).code).toBe('unauthorized');
    expect((await edit(t, a.comment.id, `${a.editToken}x`, { content: 'x' })).status).toBe(401);
    expect((await edit(t, a.comment.id, 'garbage', { content: 'x' })).status).toBe(401);
    expect((await edit(t, a.comment.id, b.editToken, { content: 'x' })).status).toBe(403);
    t.clock.advance(16 * 60_000);
    const late = await edit(t, a.comment.id, a.editToken, { content: 'x' });
    expect(late.status).toBe(403);
    expect(((await late.json()) as any).code).toBe('edit_window_closed');
  });
});

describe('DELETE /api/v1/comments/{id}', () => {
  it('withdraws the comment within the window; its replies stay in the thread', async () => {
    const t = await setup();
    const parent = await postOk(t, 'a');
    const reply = await postOk(t, 'a', comment({ parentId: parent.comment.id }));
    const nested = await postOk(t, 'a', comment({ parentId: reply.comment.id }));
    expect((await edit(t, parent.comment.id, parent.editToken, null, 'DELETE')).status).toBe(204);

    const th = await thread(t, 'a');
    expect(th.total).toBe(2);
    expect(th.comments.map((c) => c.id)).toEqual([reply.comment.id]);
    expect(th.comments[0]!.parentId).toBeNull();
    expect(th.comments[0]!.replies.map((c) => c.id)).toEqual([nested.comment.id]);
    expect((await edit(t, parent.comment.id, parent.editToken, null, 'DELETE')).status).toBe(404);
  });

  it('refuses after the window', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    t.clock.advance(15 * 60_000 + 1);
    expect((await edit(t, posted.comment.id, posted.editToken, null, 'DELETE')).status).toBe(403);
    expect((await thread(t, 'a')).total).toBe(1);
  });
});
