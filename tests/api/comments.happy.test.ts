import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import packageJson from '../../package.json' with { type: 'json' };
import { BROWSER_UA, comment, nextIp, path, post, postOk, thread } from '../harness/client';

describe('POST /api/v1/articles/{articleId}/comments', () => {
  it('creates an approved comment and returns its public view with an edit token', async () => {
    const t = await setup();
    const res = await post(
      t,
      'a1',
      comment({ author: '  Léa  ', website: 'https://lea.example.com/blog', content: 'Bonjour !' }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, any>;
    expect(body.comment).toMatchObject({
      parentId: null,
      status: 'approved',
      author: { name: 'Léa', website: 'https://lea.example.com/blog', avatar: null, staff: false },
      content: 'Bonjour !',
      html: '<p>Bonjour !</p>',
      editedAt: null,
      replies: [],
    });
    expect(body.comment.id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(new Date(body.comment.createdAt).getTime()).toBe(t.clock.now());
    expect(typeof body.editToken).toBe('string');
    expect(Date.parse(body.editableUntil) - t.clock.now()).toBe(15 * 60_000);
  });

  it('accepts a form-encoded body', async () => {
    const t = await setup();
    const form = (await (await t.request('/api/v1/articles/a1/form')).json()) as { token: string };
    t.clock.advance(10_000);
    const res = await t.request(path('a1'), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': BROWSER_UA,
        'X-Forwarded-For': nextIp(),
      },
      body: new URLSearchParams({
        author: 'Hugo',
        email: 'hugo@exemple.fr',
        website: '',
        content: 'Très juste.',
        hp: '',
        token: form.token,
      }).toString(),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body.comment).toMatchObject({
      status: 'approved',
      content: 'Très juste.',
      author: { name: 'Hugo', website: null },
    });
  });

  it('decodes percent-encoded article ids', async () => {
    const t = await setup();
    const id = '2026/09/nvidia-openai';
    await postOk(t, id);
    const res = await t.request('/api/v1/articles/2026%2F09%2Fnvidia-openai/comments');
    const body = (await res.json()) as any;
    expect(body.articleId).toBe(id);
    expect(body.total).toBe(1);
  });

  it('normalizes text: NFC, trimmed, no control or zero-width characters, blank lines collapsed', async () => {
    const t = await setup();
    const content = '  Cafe\u0301 in\u200Bvisible\u0007\r\n\r\n\r\n\r\nsecond paragraph  ';
    const { comment: c } = await postOk(t, 'a1', comment({ content, author: 'Ze\u0301\u200Bro\n' }));
    expect(c.content).toBe('Café invisible\n\nsecond paragraph');
    expect((c as any).author.name).toBe('Zéro');
    expect(c.html).toBe('<p>Café invisible</p><p>second paragraph</p>');
  });

  it('renders line breaks, paragraphs and links safely', async () => {
    const t = await setup();
    const { comment: c } = await postOk(
      t,
      'a1',
      comment({ content: 'Voir https://fr.wikipedia.org/wiki/Tamis_(outil).\nMerci & <3' }),
    );
    expect(c.html).toBe(
      '<p>Voir <a href="https://fr.wikipedia.org/wiki/Tamis_(outil)" rel="nofollow ugc noopener">https://fr.wikipedia.org/wiki/Tamis_(outil)</a>.<br>Merci &amp; &lt;3</p>',
    );
  });

  it('accepts a reply to an approved comment of the same article', async () => {
    const t = await setup();
    const parent = await postOk(t, 'a1');
    const reply = await postOk(t, 'a1', comment({ parentId: parent.comment.id }));
    expect(reply.comment.parentId).toBe(parent.comment.id);
    const th = await thread(t, 'a1');
    expect(th.total).toBe(2);
    expect(th.comments[0]!.replies.map((r) => r.id)).toEqual([reply.comment.id]);
  });
});

describe('GET /api/v1/counts', () => {
  it('counts approved comments, replies included, with 0 for unknown articles', async () => {
    const t = await setup();
    const first = await postOk(t, 'a');
    await postOk(t, 'a', comment({ parentId: first.comment.id }));
    await postOk(t, 'b/c');
    const res = await t.request('/api/v1/counts?article=a&article=b%2Fc&article=none');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ counts: { a: 2, 'b/c': 1, none: 0 } });
  });

  it('does not count comments waiting for a moderator', async () => {
    const t = await setup();
    await postOk(t, 'a');
    const held = await post(t, 'a', comment(), { noToken: true, headers: { 'User-Agent': '' } });
    expect(((await held.json()) as any).comment.status).toBe('pending');
    expect(await (await t.request('/api/v1/counts?article=a')).json()).toEqual({ counts: { a: 1 } });
  });
});

describe('system routes', () => {
  it('GET /healthz checks the database and gives the version', async () => {
    const t = await setup();
    const res = await t.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: packageJson.version });
  });

  it('GET /openapi.json documents every public path', async () => {
    const t = await setup();
    const doc = (await (await t.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/articles/{articleId}/comments',
        '/api/v1/articles/{articleId}/form',
        '/api/v1/counts',
        '/api/v1/comments/{id}',
        '/healthz',
      ]),
    );
  });

  it('GET /docs serves an API reference page', async () => {
    const t = await setup();
    const res = await t.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/openapi.json');
  });
});
