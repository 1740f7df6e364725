import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, adminCall, comment, path, postOk, thread } from '../harness/client';

const EMAIL = 'Marie.Curie@Exemple.fr';

describe('GET /api/v1/admin/privacy/export', () => {
  it('returns every comment written with the address (any case), in full, oldest first', async () => {
    const t = await setup();
    const first = await postOk(t, 'a1', comment({ email: EMAIL, website: 'https://marie.example.org' }), {
      ip: '192.0.2.10',
    });
    await postOk(t, 'a1'); // someone else
    t.clock.advance(60_000);
    const second = await postOk(t, 'a2', comment({ email: EMAIL.toLowerCase(), parentId: undefined }), {
      ip: '192.0.2.11',
    });
    await adminCall(t, 'PATCH', `/comments/${second.comment.id}`, { status: 'trash' });

    const { status, body } = await adminCall(
      t,
      'GET',
      `/privacy/export?email=${encodeURIComponent(' marie.curie@EXEMPLE.fr ')}`,
    );
    expect(status).toBe(200);
    expect(body.exportedAt).toBe(new Date(t.clock.now()).toISOString());
    expect(body.comments.map((c: any) => c.id)).toEqual([first.comment.id, second.comment.id]);
    expect(body.comments[0]).toMatchObject({
      author: { email: EMAIL, website: 'https://marie.example.org' },
      ip: '192.0.2.10',
      userAgent: BROWSER_UA,
    });
    expect(body.comments[1]).toMatchObject({ status: 'trash', ip: '192.0.2.11' });

    const [entry] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(entry).toMatchObject({
      action: 'privacy.export',
      target: { type: 'privacy', id: null },
      after: { comments: 2 },
    });
    expect(JSON.stringify(entry).toLowerCase()).not.toContain('curie');
  });

  it('an address without comments gives an empty list; a malformed one 422', async () => {
    const t = await setup();
    expect((await adminCall(t, 'GET', '/privacy/export?email=nobody%40exemple.fr')).body.comments).toEqual([]);
    for (const query of ['', '?email=', '?email=not-an-address']) {
      const answer = await adminCall(t, 'GET', `/privacy/export${query}`);
      expect(answer.status, query).toBe(422);
      expect(Object.keys(answer.body.errors)).toEqual(['email']);
    }
  });
});

describe('POST /api/v1/admin/privacy/erase', () => {
  it('anonymizes the comments and keeps the threads readable, replies included', async () => {
    const t = await setup();
    // "Écrivez-moi : <address>" is what loan and psychic spam writes too: with the learner's prior
    // (#18) it is held at cold start, and a reply needs an approved parent. Erasure is the subject.
    await adminCall(t, 'PATCH', '/settings', { spam: { learnerPrior: false } });
    const mine = await postOk(
      t,
      'a1',
      comment({
        author: 'Marie Curie',
        email: EMAIL,
        website: 'https://marie.example.org',
        content: 'Mon avis. Écrivez-moi : marie.curie@exemple.fr',
      }),
    );
    const reply = await postOk(
      t,
      'a1',
      comment({ author: 'Pierre', parentId: mine.comment.id, content: `Je vous écris à ${EMAIL} demain.` }),
    );
    const other = await postOk(
      t,
      'a1',
      comment({
        author: 'Paul',
        email: 'jomarie.curie@exemple.fr',
        content: 'Pas concerné : jomarie.curie@exemple.fr',
      }),
    );
    const etag = (await t.request(path('a1'))).headers.get('etag')!;

    const { status, body } = await adminCall(t, 'POST', '/privacy/erase', { email: `  ${EMAIL.toUpperCase()} ` });
    expect(status).toBe(200);
    expect(body.erased).toMatchObject({ comments: 1, mentions: 1, listEntries: 0 });

    expect((await t.request(path('a1'), { headers: { 'If-None-Match': etag } })).status).toBe(200);
    const th = await thread(t, 'a1');
    expect(th.total).toBe(3);
    const top = th.comments.find((c) => c.id === mine.comment.id)!;
    expect(top.author).toMatchObject({ name: 'Anonyme', website: null, avatar: null });
    expect(top.content).toBe('Mon avis. Écrivez-moi : [erased]');
    expect(top.replies[0]).toMatchObject({
      id: reply.comment.id,
      content: 'Je vous écris à [erased] demain.',
      author: { name: 'Pierre' },
    });
    // A longer address that merely contains this one is left alone.
    expect(th.comments.find((c) => c.id === other.comment.id)!.content).toBe('Pas concerné : jomarie.curie@exemple.fr');

    const record = (await adminCall(t, 'GET', `/comments/${mine.comment.id}`)).body.comment;
    expect(record).toMatchObject({
      author: { name: 'Anonyme', email: null, website: null },
      ip: null,
      userAgent: null,
    });
    expect((await adminCall(t, 'GET', `/privacy/export?email=${encodeURIComponent(EMAIL)}`)).body.comments).toEqual([]);
  });

  it('signs "Anonymous" on a site whose language is not French', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { spam: { siteLanguage: 'en' } });
    await postOk(t, 'a1', comment({ email: EMAIL }));
    await adminCall(t, 'POST', '/privacy/erase', { email: EMAIL });
    expect((await thread(t, 'a1')).comments[0]!.author.name).toBe('Anonymous');
  });

  it('scrubs the audit log, removes email list entries, and is recorded without the address', async () => {
    const t = await setup();
    const mine = await postOk(
      t,
      'a1',
      comment({ author: 'Marie Curie', email: EMAIL, website: 'https://marie.example.org', content: 'Premier jet.' }),
    );
    await adminCall(t, 'PATCH', `/comments/${mine.comment.id}`, { content: 'Premier jet, corrigé.' });
    t.clock.advance(60_000);
    const deleted = await postOk(
      t,
      'a2',
      comment({ author: 'Marie Curie', email: EMAIL, website: 'https://marie.example.org' }),
    );
    await adminCall(t, 'DELETE', `/comments/${deleted.comment.id}`);
    await adminCall(t, 'POST', '/lists', { list: 'moderation', kind: 'email', value: EMAIL });
    await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'email', value: 'someone.else@exemple.fr' });

    const { body } = await adminCall(t, 'POST', '/privacy/erase', { email: EMAIL });
    expect(body.erased).toMatchObject({ comments: 1, listEntries: 1 });
    expect(body.erased.auditEntries).toBeGreaterThanOrEqual(3);

    expect((await adminCall(t, 'GET', '/lists')).body.entries.map((e: any) => e.value)).toEqual([
      'someone.else@exemple.fr',
    ]);
    const entries = (await adminCall(t, 'GET', '/audit?limit=200')).body.entries;
    const text = JSON.stringify(entries).toLowerCase();
    for (const secret of ['marie.curie', 'marie curie', 'marie.example.org']) expect(text).not.toContain(secret);
    expect(entries[0]).toEqual(
      expect.objectContaining({ action: 'privacy.erase', target: { type: 'privacy', id: null }, before: null }),
    );
    // Snapshots keep the comment id and its words, not the person.
    const deletion = entries.find((e: any) => e.action === 'comment.delete');
    expect(deletion.before).toMatchObject({ id: deleted.comment.id, author: 'Anonyme', website: null });
    const edit = entries.find((e: any) => e.action === 'comment.update');
    expect(edit).toMatchObject({ target: { id: mine.comment.id }, before: { content: 'Premier jet.' } });
  });

  it('an unknown address erases nothing but is still recorded; 422 for a malformed one', async () => {
    const t = await setup();
    const { status, body } = await adminCall(t, 'POST', '/privacy/erase', { email: 'nobody@exemple.fr' });
    expect(status).toBe(200);
    expect(body.erased).toEqual({ comments: 0, mentions: 0, auditEntries: 0, listEntries: 0 });
    expect((await adminCall(t, 'GET', '/audit')).body.entries[0].action).toBe('privacy.erase');
    for (const [payload, field] of [
      [{}, 'email'],
      [{ email: 'nope' }, 'email'],
      [{ email: 'a@b.fr', confirm: true }, 'confirm'],
    ] as const) {
      const answer = await adminCall(t, 'POST', '/privacy/erase', payload);
      expect(answer.status).toBe(422);
      expect(Object.keys(answer.body.errors)).toContain(field);
    }
  });
});
