import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, admin, comment, nextIp, path, post, postOk } from '../harness/client';

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return (await res.json()) as { status: number; code: string; title: string; errors?: Record<string, string> };
}

describe('validation (422), one rule at a time', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['author missing', { author: undefined }, 'author', 'This field is required.'],
    ['author blank after trimming', { author: ' \u200B\t ' }, 'author', 'This field is required.'],
    ['author over 100 characters', { author: long(101) }, 'author', 'Must be at most 100 characters.'],
    ['author not a string', { author: 42 }, 'author', 'This value has the wrong type.'],
    ['email missing', { email: undefined }, 'email', 'This field is required.'],
    ['email invalid', { email: 'not-an-address' }, 'email', 'Enter a valid email address.'],
    ['email over 254 characters', { email: `${long(250)}@a.fr` }, 'email', 'Must be at most 254 characters.'],
    [
      'website with javascript:',
      { website: 'javascript:alert(1)' },
      'website',
      'Enter a valid web address starting with http:// or https://.',
    ],
    [
      'website with data:',
      { website: 'data:text/html,<script>alert(1)</script>' },
      'website',
      'Enter a valid web address starting with http:// or https://.',
    ],
    [
      'website with ftp:',
      { website: 'ftp://example.com' },
      'website',
      'Enter a valid web address starting with http:// or https://.',
    ],
    [
      'website over 200 characters',
      { website: `https://example.com/${long(190)}` },
      'website',
      'Must be at most 200 characters.',
    ],
    ['content missing', { content: undefined }, 'content', 'This field is required.'],
    ['content blank after normalization', { content: '\n\n \u200B \n' }, 'content', 'This field is required.'],
    ['content over 5,000 characters', { content: long(5001) }, 'content', 'Must be at most 5000 characters.'],
    ['parentId malformed', { parentId: '../../etc' }, 'parentId', 'This identifier is not valid.'],
  ];

  it.each(cases)('%s', async (_name, override, field, message) => {
    const t = await setup();
    const res = await post(t, 'a1', { ...comment(), ...override });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.code).toBe('validation_failed');
    expect(body.errors?.[field]).toBe(message);
  });

  it('lists every failing field at once', async () => {
    const t = await setup();
    const res = await post(t, 'a1', { author: '', email: 'x', content: '' });
    expect(Object.keys((await problem(res)).errors ?? {}).sort()).toEqual(['author', 'content', 'email']);
  });

  it('answers in French when the client prefers it', async () => {
    const t = await setup();
    const res = await post(
      t,
      'a1',
      { author: '', email: 'x', website: 'javascript:x', content: long(5001) },
      {
        headers: { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.8' },
      },
    );
    const body = await problem(res);
    expect(res.headers.get('content-language')).toBe('fr');
    expect(body.title).toBe('Certains champs ne sont pas valides.');
    expect(body.errors).toEqual({
      author: 'Ce champ est obligatoire.',
      email: 'Saisissez une adresse e-mail valide.',
      website: 'Saisissez une adresse web valide commençant par http:// ou https://.',
      content: '5000 caractères au maximum.',
    });
  });

  it('keeps English when French is ranked lower', async () => {
    const t = await setup();
    const res = await post(
      t,
      'a1',
      { ...comment(), author: '' },
      { headers: { 'Accept-Language': 'en-GB, fr;q=0.5' } },
    );
    expect((await problem(res)).errors?.author).toBe('This field is required.');
  });

  it('refuses an article id with control characters or over 200 characters', async () => {
    const t = await setup();
    for (const id of ['a%00b', 'x'.repeat(201), '%20padded']) {
      const res = await t.request(`/api/v1/articles/${id}/comments`);
      expect(res.status, id).toBe(422);
      expect((await problem(res)).errors?.articleId).toBeDefined();
    }
  });

  it('refuses bad thread queries', async () => {
    const t = await setup();
    for (const q of ['?limit=0', '?limit=101', '?limit=abc', '?sort=random', '?cursor=%%%', '?cursor=bm9wZQ']) {
      const res = await t.request(`${path('a1')}${q}`);
      expect(res.status, q).toBe(422);
    }
  });

  it('refuses counts without articles or with more than 100', async () => {
    const t = await setup();
    expect((await t.request('/api/v1/counts')).status).toBe(422);
    const many = Array.from({ length: 101 }, (_, i) => `article=a${i}`).join('&');
    expect((await t.request(`/api/v1/counts?${many}`)).status).toBe(422);
  });
});

describe('body errors', () => {
  const send = (t: Awaited<ReturnType<typeof setup>>, body: BodyInit, type: string) =>
    t.request(path('a1'), {
      method: 'POST',
      headers: { 'Content-Type': type, 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
      body,
    });

  it('400 for malformed JSON', async () => {
    const t = await setup();
    const res = await send(t, '{"author": ', 'application/json');
    expect(res.status).toBe(400);
    expect((await problem(res)).code).toBe('malformed_body');
  });

  it('400 for JSON that is not an object', async () => {
    const t = await setup();
    for (const body of ['[]', '"text"', 'null', '42']) {
      expect((await send(t, body, 'application/json')).status, body).toBe(400);
    }
  });

  it('413 for a body over 64 KiB', async () => {
    const t = await setup();
    const res = await send(t, JSON.stringify({ ...comment(), content: 'x'.repeat(70_000) }), 'application/json');
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe('payload_too_large');
  });

  it('415 for other content types', async () => {
    const t = await setup();
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', '']) {
      const res = await send(t, 'author=x', type);
      expect(res.status, type).toBe(415);
      expect((await problem(res)).code).toBe('unsupported_media_type');
    }
  });
});

describe('refusals after validation', () => {
  it('404 for an unknown parent, a parent of another article, or one that is not approved', async () => {
    const t = await setup();
    const other = await postOk(t, 'other');
    const held = (await (
      await post(t, 'a1', comment(), { noToken: true, headers: { 'User-Agent': '' } })
    ).json()) as any;
    for (const parentId of ['doesNotExist0000', other.comment.id, held.comment.id]) {
      const res = await post(t, 'a1', comment({ parentId }));
      expect(res.status, parentId).toBe(404);
      expect((await problem(res)).code).toBe('parent_not_found');
    }
  });

  it('403 when comments are closed on the article', async () => {
    const t = await setup();
    await admin(t, '/articles/a1', { method: 'PUT', body: JSON.stringify({ closed: true }) });
    const res = await post(t, 'a1', comment());
    expect(res.status).toBe(403);
    expect((await problem(res)).code).toBe('comments_closed');
  });

  it('409 for the same text sent again by the same client (email and IP) on the same article', async () => {
    const t = await setup();
    const body = comment();
    const ip = '203.0.113.9';
    await postOk(t, 'a1', body, { ip });
    t.clock.advance(60_000);
    const res = await post(t, 'a1', { ...body, content: `  ${String(body.content).toUpperCase()} ` }, { ip });
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe('duplicate_comment');
    // Elsewhere it is not a duplicate.
    t.clock.advance(60_000);
    expect((await post(t, 'a2', body, { ip })).status).toBe(201);
  });

  it('the same text from another client is held for a moderator, whatever the email: no answer tells who wrote it', async () => {
    const t = await setup();
    const body = comment();
    await postOk(t, 'a1', body);
    const sameEmail = (await (await post(t, 'a1', body)).json()) as any;
    const otherEmail = (await (await post(t, 'a1', { ...body, email: 'other@exemple.fr' })).json()) as any;
    expect(sameEmail.comment.status).toBe('pending');
    expect(otherEmail.comment.status).toBe('pending');
    expect(Object.keys(sameEmail).sort()).toEqual(Object.keys(otherEmail).sort());
  });

  it('no 429 by email: an address that has just posted from elsewhere is not told apart', async () => {
    const t = await setup();
    await postOk(t, 'a1', comment({ email: 'fast@exemple.fr' }));
    const res = await post(t, 'a2', comment({ email: 'fast@exemple.fr' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('429 for the same IP within 15 s, then more than 10 an hour', async () => {
    const t = await setup();
    const ip = '203.0.113.7';
    await postOk(t, 'a1', comment(), { ip });
    expect((await post(t, 'a1', comment(), { ip })).status).toBe(429);
    for (let i = 1; i < 10; i++) {
      t.clock.advance(20_000);
      await postOk(t, 'a1', comment(), { ip });
    }
    t.clock.advance(20_000);
    const res = await post(t, 'a1', comment(), { ip });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('checks in order: validation before the article state before duplicates', async () => {
    const t = await setup();
    await admin(t, '/articles/a1', { method: 'PUT', body: JSON.stringify({ closed: true }) });
    expect((await post(t, 'a1', comment({ email: 'bad' }))).status).toBe(422);
    expect((await post(t, 'a1', comment({ parentId: 'unknownParent0000' }))).status).toBe(404);
  });
});

describe('unknown routes', () => {
  it('404 problem+json', async () => {
    const t = await setup();
    const res = await t.request('/nothing/here');
    expect(res.status).toBe(404);
    expect((await problem(res)).code).toBe('not_found');
  });
});
