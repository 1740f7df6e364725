import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, path, post, postOk } from '../harness/client';

const DAY = 86_400_000;

describe('PUT /api/v1/admin/articles/{articleId}', () => {
  it('creates an article before its first comment, and answers its state', async () => {
    const t = await setup();
    const { status, body } = await adminCall(t, 'PUT', `/articles/${encodeURIComponent('2026/12/budget')}`, {
      language: 'en',
      moderation: 'all',
    });
    expect(status).toBe(200);
    expect(body.article).toEqual({
      id: '2026/12/budget',
      title: null,
      url: null,
      closed: false,
      open: true,
      closesAt: null,
      language: 'en',
      moderation: 'all',
      firstCommentAt: null,
      comments: { pending: 0, approved: 0, spam: 0, trash: 0 },
    });
    // Its moderation mode applies: the comment waits.
    const held = await postOk(t, '2026/12/budget');
    expect(held.comment.status).toBe('pending');
  });

  it('changes only the fields given; null returns to the site setting', async () => {
    const t = await setup();
    await adminCall(t, 'PUT', '/articles/a1', { language: 'en', moderation: 'all' });
    const { body } = await adminCall(t, 'PUT', '/articles/a1', { moderation: null });
    expect(body.article).toMatchObject({ language: 'en', moderation: null, closed: false });
  });

  it('closing changes the public thread ETag, refuses new comments, and is recorded before/after', async () => {
    const t = await setup();
    await postOk(t, 'a1');
    const etag = (await t.request(path('a1'))).headers.get('etag')!;
    const { body } = await adminCall(t, 'PUT', '/articles/a1', { closed: true });
    expect(body.article).toMatchObject({ closed: true, open: false, comments: { approved: 1 } });
    expect((await t.request(path('a1'), { headers: { 'If-None-Match': etag } })).status).toBe(200);
    expect((await post(t, 'a1', comment())).status).toBe(403);
    const [entry] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(entry).toMatchObject({
      action: 'article.update',
      target: { type: 'article', id: 'a1' },
      before: { closed: false, language: null, moderation: null, title: null, url: null },
      after: { closed: true, language: null, moderation: null, title: null, url: null },
    });
    // Open again.
    await adminCall(t, 'PUT', '/articles/a1', { closed: false });
    expect((await post(t, 'a1', comment())).status).toBe(201);
  });

  it('422 for a bad language, an unknown mode, a non-boolean or an unknown key', async () => {
    const t = await setup();
    for (const [body, field] of [
      [{ language: 'French' }, 'language'],
      [{ moderation: 'some' }, 'moderation'],
      [{ closed: 'yes' }, 'closed'],
      [{ title: 'x'.repeat(301) }, 'title'],
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ url: `https://journal.example.fr/${'a'.repeat(2000)}` }, 'url'],
      [{ author: 'Budget' }, 'author'],
    ] as const) {
      const answer = await adminCall(t, 'PUT', '/articles/a1', body);
      expect(answer.status, field).toBe(422);
      expect(Object.keys(answer.body.errors)).toContain(field);
    }
  });
});

describe('GET /api/v1/admin/articles/{articleId}', () => {
  it('counts the comments per status', async () => {
    const t = await setup();
    await postOk(t, 'a1');
    await postOk(t, 'a1');
    await post(t, 'a1', comment({ hp: 'bot' }));
    const { body } = await adminCall(t, 'GET', '/articles/a1');
    expect(body.article.comments).toEqual({ pending: 0, approved: 2, spam: 1, trash: 0 });
    expect(body.article.firstCommentAt).not.toBeNull();
  });

  it('404 article_not_found for an article without comments or settings', async () => {
    const t = await setup();
    const answer = await adminCall(t, 'GET', '/articles/never-seen');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('article_not_found');
  });
});

describe('closing N days after the first comment (closeAfterDays)', () => {
  it('is off by default', async () => {
    const t = await setup();
    await postOk(t, 'a1');
    t.clock.advance(3650 * DAY);
    expect((await post(t, 'a1', comment())).status).toBe(201);
  });

  it('closes the article closeAfterDays after its first comment, not after its latest', async () => {
    const t = await setup();
    expect((await adminCall(t, 'PATCH', '/settings', { closeAfterDays: 2 })).status).toBe(200);
    const first = await postOk(t, 'a1');
    const firstAt = Date.parse((await adminCall(t, 'GET', `/comments/${first.comment.id}`)).body.comment.createdAt);
    const state = (await adminCall(t, 'GET', '/articles/a1')).body.article;
    expect(state).toMatchObject({ open: true, closesAt: new Date(firstAt + 2 * DAY).toISOString() });

    t.clock.set(firstAt + DAY);
    await postOk(t, 'a1'); // a later comment does not push the date back
    t.clock.set(firstAt + 2 * DAY - 10_000); // post() waits 5 s for the form token
    expect((await post(t, 'a1', comment())).status).toBe(201);
    t.clock.set(firstAt + 2 * DAY + 1);
    const res = await post(t, 'a1', comment());
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).code).toBe('comments_closed');
    expect((await adminCall(t, 'GET', '/articles/a1')).body.article).toMatchObject({ closed: false, open: false });
    // Other articles keep their own clock.
    expect((await post(t, 'a2', comment())).status).toBe(201);
    // Moderators may still answer.
    expect((await adminCall(t, 'POST', '/articles/a1/comments', { content: 'Fermé, merci à tous.' })).status).toBe(201);
  });

  it('turning the setting off reopens the articles it closed', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { closeAfterDays: 1 });
    await postOk(t, 'a1');
    t.clock.advance(2 * DAY);
    expect((await post(t, 'a1', comment())).status).toBe(403);
    await adminCall(t, 'PATCH', '/settings', { closeAfterDays: null });
    expect((await post(t, 'a1', comment())).status).toBe(201);
  });
});

describe('an article title and URL', () => {
  it('PUT sets them; the public thread carries them beside articleId, admin records as article', async () => {
    const t = await setup();
    const { id } = (await postOk(t, 'a1')).comment;
    const etag = (await t.request(path('a1'))).headers.get('etag')!;
    const { status, body } = await adminCall(t, 'PUT', '/articles/a1', {
      title: '  Le budget   2027 ',
      url: 'https://journal.example.fr/2026/12/budget/',
    });
    expect(status).toBe(200);
    expect(body.article).toMatchObject({ title: 'Le budget 2027', url: 'https://journal.example.fr/2026/12/budget/' });
    const res = await t.request(path('a1'), { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      articleId: 'a1',
      title: 'Le budget 2027',
      url: 'https://journal.example.fr/2026/12/budget/',
    });
    const record = (await adminCall(t, 'GET', `/comments/${id}`)).body.comment;
    expect(record.article).toEqual({
      id: 'a1',
      title: 'Le budget 2027',
      url: 'https://journal.example.fr/2026/12/budget/',
    });
    // null removes them.
    await adminCall(t, 'PUT', '/articles/a1', { title: null, url: null });
    expect((await adminCall(t, 'GET', `/comments/${id}`)).body.comment.article).toEqual({
      id: 'a1',
      title: null,
      url: null,
    });
  });
});
