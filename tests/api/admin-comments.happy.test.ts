import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, adminCall, comment, path, post, postOk, thread } from '../harness/client';
import type { Harness } from '../harness/types';
import { learnerCounts } from '../../src/db/schema';

/** A comment the checks judge spam: the honeypot is filled in. */
async function postSpam(t: Harness, articleId: string, overrides: Record<string, unknown> = {}) {
  const res = await post(t, articleId, comment({ hp: 'https://cheap.example', ...overrides }));
  expect(res.status).toBe(201);
  return ((await res.json()) as any).comment.id as string;
}

/** A comment waiting for a moderator although the checks approve it (the article holds everything). */
async function postPending(t: Harness, articleId: string, overrides: Record<string, unknown> = {}) {
  await adminCall(t, 'PUT', `/articles/${encodeURIComponent(articleId)}`, { moderation: 'all' });
  const posted = await postOk(t, articleId, comment(overrides));
  await adminCall(t, 'PUT', `/articles/${encodeURIComponent(articleId)}`, { moderation: null });
  return posted.comment.id;
}

const get = async (t: Harness, id: string) => (await adminCall(t, 'GET', `/comments/${id}`)).body.comment;

describe('GET /api/v1/admin/comments (the queue)', () => {
  it('gives full records: email, IP and user agent decrypted, verdict, score, reasons, parent excerpt', async () => {
    const t = await setup();
    const parent = await postOk(t, 'a1', comment({ content: `Le début du commentaire parent. ${'x'.repeat(200)}` }));
    await post(
      t,
      'a1',
      comment({
        author: 'Zoé',
        email: 'Zoe@Exemple.fr',
        website: 'https://zoe.example.org',
        parentId: parent.comment.id,
      }),
      {
        ip: '203.0.113.9',
        headers: { 'User-Agent': `${BROWSER_UA} Zoe` },
      },
    );
    const { status, body, res } = await adminCall(t, 'GET', '/comments');
    expect(status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.comments).toHaveLength(2);
    const reply = body.comments[0];
    expect(reply).toMatchObject({
      articleId: 'a1',
      parentId: parent.comment.id,
      depth: 2,
      status: 'approved',
      author: { name: 'Zoé', email: 'Zoe@Exemple.fr', website: 'https://zoe.example.org' },
      ip: '203.0.113.9',
      userAgent: `${BROWSER_UA} Zoe`,
      verdict: 'approve',
      staff: false,
      trained: null,
      parent: { id: parent.comment.id, author: 'Camille Martin', status: 'approved' },
    });
    expect(typeof reply.score).toBe('number');
    expect(Array.isArray(reply.reasons)).toBe(true);
    expect(reply.parent.excerpt).toMatch(/^Le début du commentaire parent\. x+…$/);
    expect(reply.parent.excerpt.length).toBe(141);
    expect(body.comments[1].parent).toBeNull();
    expect(body.nextCursor).toBeNull();
  });

  it('lists newest first, every status unless one is asked for, filtered by article', async () => {
    const t = await setup();
    const a = await postOk(t, 'a1');
    t.clock.advance(60_000);
    const spam = await postSpam(t, 'a1');
    t.clock.advance(60_000);
    const pending = await postPending(t, 'a2');
    const all = (await adminCall(t, 'GET', '/comments')).body.comments.map((c: any) => c.id);
    expect(all).toEqual([pending, spam, a.comment.id]);
    const ids = async (query: string) =>
      (await adminCall(t, 'GET', `/comments?${query}`)).body.comments.map((c: any) => c.id);
    expect(await ids('status=pending')).toEqual([pending]);
    expect(await ids('status=spam')).toEqual([spam]);
    expect(await ids('status=approved')).toEqual([a.comment.id]);
    expect(await ids('status=trash')).toEqual([]);
    expect(await ids('article=a1')).toEqual([spam, a.comment.id]);
    expect(await ids('article=a1&status=approved')).toEqual([a.comment.id]);
    expect(await ids('status=&article=')).toEqual(all); // blank means absent
  });

  it('pages with a cursor, without gaps or repeats, even when comments share a millisecond', async () => {
    const t = await setup();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      // Without a form token the clock does not move: pairs of comments share their millisecond.
      made.push((await postOk(t, 'a1', comment(), { noToken: true })).comment.id);
      if (i % 2) t.clock.advance(60_000);
    }
    const times = (await adminCall(t, 'GET', '/comments')).body.comments.map((c: any) => c.createdAt);
    expect(new Set(times).size).toBe(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: any = (await adminCall(t, 'GET', `/comments?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(answer.comments.length).toBeLessThanOrEqual(3);
      seen.push(...answer.comments.map((c: any) => c.id));
      cursor = answer.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect(seen.sort()).toEqual([...made].sort());
  });

  it('searches the author and the content, and an exact email or IP', async () => {
    const t = await setup();
    const byName = await postOk(t, 'a1', comment({ author: 'Hélène Dupont' }));
    const byText = await postOk(t, 'a1', comment({ content: 'Un avis sur le 100% renouvelable.' }));
    const byEmail = await postOk(t, 'a1', comment({ email: 'Secret.Person@Exemple.fr' }));
    const byIp = await postOk(t, 'a1', comment(), { ip: '192.0.2.44' });
    const q = async (text: string) =>
      (await adminCall(t, 'GET', `/comments?q=${encodeURIComponent(text)}`)).body.comments.map((c: any) => c.id);
    expect(await q('dupont')).toEqual([byName.comment.id]);
    expect(await q('100%')).toEqual([byText.comment.id]);
    expect(await q('secret.person@exemple.fr')).toEqual([byEmail.comment.id]);
    expect(await q('192.0.2.44')).toEqual([byIp.comment.id]);
    expect(await q('0%_')).toEqual([]); // LIKE wildcards are taken literally
    expect(await q('secret.person')).toEqual([]); // emails are encrypted: whole addresses only
  });
});

describe('GET /api/v1/admin/comments/{id}', () => {
  it('returns one full record', async () => {
    const t = await setup();
    const spam = await postSpam(t, 'a1', { email: 'bot@exemple.fr' });
    const c = await get(t, spam);
    expect(c).toMatchObject({ id: spam, status: 'spam', verdict: 'spam', author: { email: 'bot@exemple.fr' } });
    expect(c.reasons.map((r: any) => r.rule)).toContain('honeypot');
    expect(c.score).toBeGreaterThan(0);
  });
});

describe('PATCH /api/v1/admin/comments/{id}', () => {
  it('approves a pending comment: it appears in the thread, whose ETag changes', async () => {
    const t = await setup();
    await postOk(t, 'a1');
    const pending = await postPending(t, 'a1');
    const before = await t.request(path('a1'));
    const etag = before.headers.get('etag')!;
    expect(((await before.json()) as any).total).toBe(1);

    const { status, body } = await adminCall(t, 'PATCH', `/comments/${pending}`, { status: 'approved' });
    expect(status).toBe(200);
    expect(body.comment).toMatchObject({ id: pending, status: 'approved', trained: null });

    const after = await t.request(path('a1'), { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as any).comments.map((c: any) => c.id)).toContain(pending);
  });

  it('hides an approved comment when it goes to the trash or back to pending', async () => {
    const t = await setup();
    const a = await postOk(t, 'a1');
    const b = await postOk(t, 'a1');
    await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'trash' });
    await adminCall(t, 'PATCH', `/comments/${b.comment.id}`, { status: 'pending' });
    const th = await thread(t, 'a1');
    expect(th.total).toBe(0);
    expect(th.comments).toEqual([]);
    // And back again from the trash.
    expect((await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'approved' })).status).toBe(200);
    expect((await thread(t, 'a1')).comments.map((c) => c.id)).toEqual([a.comment.id]);
  });

  it('trains the learner: marking spam stores "spam", approving what the checks judged spam stores "ham"', async () => {
    const t = await setup();
    const a = await postOk(t, 'a1');
    const marked = await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'spam' });
    expect(marked.body.comment).toMatchObject({ status: 'spam', trained: 'spam' });
    // A reversed decision takes the lesson back and teaches the other.
    const reversed = await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'approved' });
    expect(reversed.body.comment).toMatchObject({ status: 'approved', trained: 'ham' });

    const spam = await postSpam(t, 'a1');
    expect((await get(t, spam)).trained).toBeNull();
    expect((await adminCall(t, 'PATCH', `/comments/${spam}`, { status: 'approved' })).body.comment.trained).toBe('ham');
  });

  it("teaches the learner the author's name and the browser, and takes them back with the decision", async () => {
    const t = await setup();
    const a = await postOk(t, 'a1', comment({ author: 'Cheap Jerseys' }));
    const counts = async () =>
      Object.fromEntries(
        (
          await t.deps.db
            .select()
            .from(learnerCounts)
            .where(inArray(learnerCounts.token, ['a:jerseys', 'm:ua:firefox/140']))
            .all()
        ).map((r) => [r.token, { spam: r.spam, ham: r.ham }]),
      );
    await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'spam' });
    expect(await counts()).toEqual({ 'a:jerseys': { spam: 1, ham: 0 }, 'm:ua:firefox/140': { spam: 1, ham: 0 } });
    await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'approved' });
    expect(await counts()).toEqual({ 'a:jerseys': { spam: 0, ham: 1 }, 'm:ua:firefox/140': { spam: 0, ham: 1 } });
  });

  it('does not train on approving what the checks approved, nor on trashing', async () => {
    const t = await setup();
    const pending = await postPending(t, 'a1');
    expect(
      (await adminCall(t, 'PATCH', `/comments/${pending}`, { status: 'approved' })).body.comment.trained,
    ).toBeNull();
    expect((await adminCall(t, 'PATCH', `/comments/${pending}`, { status: 'trash' })).body.comment.trained).toBeNull();
  });

  it('edits the content: re-rendered, marked edited, previous text kept in the audit log', async () => {
    const t = await setup();
    const a = await postOk(t, 'a1', comment({ content: 'Texte avec une insulte.' }));
    t.clock.advance(3_600_000);
    const { status, body } = await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, {
      content: 'Texte [modéré] <ok>',
    });
    expect(status).toBe(200);
    expect(body.comment).toMatchObject({
      content: 'Texte [modéré] <ok>',
      html: '<p>Texte [modéré] &lt;ok&gt;</p>',
      status: 'approved',
    });
    expect(body.comment.editedAt).toBe(new Date(t.clock.now()).toISOString());
    const th = await thread(t, 'a1');
    expect(th.comments[0]!.content).toBe('Texte [modéré] <ok>');

    const log = (await adminCall(t, 'GET', `/audit?target=${a.comment.id}`)).body.entries;
    expect(log[0]).toMatchObject({
      action: 'comment.update',
      actor: { name: 'ADMIN_TOKEN' },
      before: { content: 'Texte avec une insulte.' },
      after: { content: 'Texte [modéré] <ok>' },
    });
  });

  it('changes status and content together', async () => {
    const t = await setup();
    const pending = await postPending(t, 'a1');
    const { body } = await adminCall(t, 'PATCH', `/comments/${pending}`, { status: 'approved', content: 'Corrigé.' });
    expect(body.comment).toMatchObject({ status: 'approved', content: 'Corrigé.' });
  });
});

describe('POST /api/v1/admin/comments/bulk', () => {
  it('applies one status to many and answers a result per id', async () => {
    const t = await setup();
    const a = await postOk(t, 'a1');
    const b = await postOk(t, 'a2');
    const spam = await postSpam(t, 'a1');
    const { status, body } = await adminCall(t, 'POST', '/comments/bulk', {
      ids: [a.comment.id, 'unknownComment00', spam, b.comment.id, a.comment.id],
      status: 'spam',
    });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { id: a.comment.id, ok: true, status: 'spam' },
      { id: 'unknownComment00', ok: false, code: 'comment_not_found' },
      { id: spam, ok: false, code: 'invalid_transition' },
      { id: b.comment.id, ok: true, status: 'spam' },
    ]);
    expect(body).toMatchObject({ updated: 2, failed: 2 });
    expect((await get(t, a.comment.id)).trained).toBe('spam');
    expect((await get(t, b.comment.id)).status).toBe('spam');
    expect((await thread(t, 'a1')).total).toBe(0);
    expect((await thread(t, 'a2')).total).toBe(0);
    const log = (await adminCall(t, 'GET', '/audit?action=comment.update')).body.entries;
    expect(log.map((e: any) => e.target.id).sort()).toEqual([a.comment.id, b.comment.id].sort());
  });

  it('handles 500 ids at once (D1 binds at most 100 parameters per statement)', async () => {
    const t = await setup();
    const real: string[] = [];
    for (let i = 0; i < 20; i++) real.push((await postOk(t, `a${i % 3}`, comment(), { noToken: true })).comment.id);
    const ids = [...real, ...Array.from({ length: 480 }, (_, i) => `missing${String(i).padStart(9, '0')}`)];
    const { status, body } = await adminCall(t, 'POST', '/comments/bulk', { ids, status: 'trash' });
    expect(status).toBe(200);
    expect(body.results).toHaveLength(500);
    expect(body.updated).toBe(20);
    for (const article of ['a0', 'a1', 'a2']) expect((await thread(t, article)).total).toBe(0);
    // One audit entry per comment (written in slices as well).
    expect((await adminCall(t, 'GET', '/audit?action=comment.update&limit=100')).body.entries).toHaveLength(20);
  });
});

describe('DELETE /api/v1/admin/comments/{id}', () => {
  it('deletes for good and moves the replies up to its parent, with their own replies', async () => {
    const t = await setup();
    const top = await postOk(t, 'a1');
    const middle = await postOk(t, 'a1', comment({ parentId: top.comment.id }));
    const reply = await postOk(t, 'a1', comment({ parentId: middle.comment.id }));
    const deeper = await postOk(t, 'a1', comment({ parentId: reply.comment.id }));

    const res = await adminCall(t, 'DELETE', `/comments/${middle.comment.id}`);
    expect(res.status).toBe(204);
    expect((await adminCall(t, 'GET', `/comments/${middle.comment.id}`)).status).toBe(404);

    const th = await thread(t, 'a1');
    expect(th.total).toBe(3);
    const topNode = th.comments[0]!;
    expect(topNode.replies.map((r) => r.id)).toEqual([reply.comment.id]);
    expect(topNode.replies[0]!.parentId).toBe(top.comment.id);
    expect(topNode.replies[0]!.replies.map((r) => r.id)).toEqual([deeper.comment.id]);
    expect(await get(t, deeper.comment.id)).toMatchObject({ depth: 3, rootId: top.comment.id });
  });

  it('turns the replies of a deleted top-level comment into top-level comments', async () => {
    const t = await setup();
    const top = await postOk(t, 'a1');
    const r1 = await postOk(t, 'a1', comment({ parentId: top.comment.id }));
    const r2 = await postOk(t, 'a1', comment({ parentId: top.comment.id }));
    const r1a = await postOk(t, 'a1', comment({ parentId: r1.comment.id }));
    await adminCall(t, 'DELETE', `/comments/${top.comment.id}`);
    const th = await thread(t, 'a1');
    expect(th.comments.map((c) => c.id)).toEqual([r1.comment.id, r2.comment.id]);
    expect(th.comments[0]!.parentId).toBeNull();
    expect(th.comments[0]!.replies.map((r) => r.id)).toEqual([r1a.comment.id]);
    expect(await get(t, r1a.comment.id)).toMatchObject({ depth: 2, rootId: r1.comment.id });
  });

  it('is recorded in the audit log with what was deleted', async () => {
    const t = await setup();
    const a = await postOk(t, 'a1', comment({ content: 'À supprimer.' }));
    await adminCall(t, 'DELETE', `/comments/${a.comment.id}`);
    const [entry] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(entry).toMatchObject({
      action: 'comment.delete',
      target: { type: 'comment', id: a.comment.id },
      before: { content: 'À supprimer.' },
      after: null,
    });
  });
});

describe('POST /api/v1/admin/articles/{articleId}/comments (staff replies)', () => {
  it('is approved at once and marked staff in the public view, under the token name by default', async () => {
    const t = await setup();
    const top = await postOk(t, 'a1');
    const { status, body } = await adminCall(t, 'POST', '/articles/a1/comments', {
      content: 'Merci, nous corrigeons.',
      parentId: top.comment.id,
    });
    expect(status).toBe(201);
    expect(body.comment).toMatchObject({
      status: 'approved',
      staff: true,
      author: { name: 'ADMIN_TOKEN', email: null },
      ip: null,
      parentId: top.comment.id,
      depth: 2,
    });
    const th = await thread(t, 'a1');
    expect(th.comments[0]!.replies[0]).toMatchObject({
      content: 'Merci, nous corrigeons.',
      author: { name: 'ADMIN_TOKEN', staff: true },
    });
  });

  it('takes an author name, and may post on a closed article', async () => {
    const t = await setup();
    await adminCall(t, 'PUT', '/articles/a1', { closed: true });
    const { status } = await adminCall(t, 'POST', '/articles/a1/comments', {
      content: 'Les commentaires sont fermés.',
      author: '  La rédaction ',
    });
    expect(status).toBe(201);
    const th = await thread(t, 'a1');
    expect(th.comments[0]!.author).toMatchObject({ name: 'La rédaction', staff: true });
  });
});
