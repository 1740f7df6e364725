import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, admin, comment, path, post, postOk, thread } from '../harness/client';

async function everything(res: Response) {
  return `${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`;
}

describe('the public API never exposes an email, an IP or a user agent', () => {
  it('holds for random submissions (property)', async () => {
    const t = await setup();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          local: fc.stringMatching(/^[a-z][a-z0-9._-]{2,20}$/),
          domain: fc.stringMatching(/^[a-z]{3,12}\.(fr|com|org)$/),
          ip: fc.ipV4(),
          ua: fc.stringMatching(/^Mozilla\/5\.0 \([A-Za-z0-9; ]{6,30}\) Agent\/[0-9]{3,6}$/),
          author: fc.string({ minLength: 1, maxLength: 40 }),
          content: fc.string({ minLength: 1, maxLength: 300 }),
          reply: fc.boolean(),
        }),
        async ({ local, domain, ip, ua, author, content, reply }) => {
          n++;
          const email = `${local}.${n}@${domain}`;
          const article = `art-${n % 3}`;
          const first = await t.request(path(article));
          const top = ((await first.json()) as any).comments[0]?.id as string | undefined;
          const res = await post(t, article, { author: `${author} ${n}`, email, content: `${content} ${n}`, ...(reply && top ? { parentId: top } : {}) }, {
            ip,
            headers: { 'User-Agent': ua },
          });
          const responses = [
            await everything(res),
            await everything(await t.request(path(article))),
            await everything(await t.request(`${path(article)}?sort=newest`)),
            await everything(await t.request(`/api/v1/counts?article=${article}`)),
          ].join('\n');
          for (const secret of [email, ip, ua]) {
            const at = responses.indexOf(secret);
            if (at >= 0) throw new Error(`leaked ${secret}: …${responses.slice(Math.max(0, at - 80), at + 80)}…`);
          }
          t.clock.advance(60_000);
        },
      ),
      { numRuns: 40 },
    );
  }, 30_000);

  it('does not leak through validation errors either', async () => {
    const t = await setup();
    const res = await post(t, 'a', comment({ email: 'secret@exemple.fr', content: '' }), { ip: '192.0.2.55', headers: { 'User-Agent': 'SecretAgent/1.0' } });
    const text = await everything(res);
    for (const secret of ['secret@exemple.fr', '192.0.2.55', 'SecretAgent']) expect(text).not.toContain(secret);
  });

  it('gives no avatar hash unless the site opted in to Gravatar', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    expect((posted.comment as any).author.avatar).toBeNull();
    const g = await setup({ AVATARS: 'gravatar' });
    await postOk(g, 'a');
    expect((await thread(g, 'a')).comments[0]!.author.avatar).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{64}\?/);
  });
});

describe('XSS payloads come back inert', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '"><iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></iframe>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '<ScRiPt>alert(1)</sCrIpT>',
    'javascript:alert(1)',
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/'><script>alert(1)</script>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  ];

  it.each(payloads)('%s', async (payload) => {
    const t = await setup();
    const res = await post(t, 'x', comment({ author: payload.slice(0, 100), content: `Texte ${payload}` }));
    // Whatever the verdict, the stored rendering is inert; approved ones show in the thread.
    expect([201]).toContain(res.status);
    const own = ((await res.json()) as any).comment;
    for (const html of [own.html]) {
      expect(html).not.toMatch(/<(script|img|svg|iframe|math)\b/i);
      expect(html).not.toMatch(/href="(javascript|data):/i);
    }
    // Only our own tags: <p>, <br>, and <a href="http(s)…" rel=…>.
    const tags = own.html.match(/<[^>]+>/g) ?? [];
    for (const tag of tags) expect(tag).toMatch(/^(<p>|<\/p>|<br>|<a href="https?:\/\/[^"<>]*" rel="nofollow ugc noopener">|<\/a>)$/);
  });
});

describe('headers', () => {
  it('sends secure headers on every response', async () => {
    const t = await setup();
    for (const p of ['/healthz', path('a'), '/nope']) {
      const res = await t.request(p);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), p).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options'), p).toBeTruthy();
      expect(res.headers.get('x-request-id'), p).toBeTruthy();
    }
  });

  it('answers CORS on public routes for allowed origins only', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    const ok = await t.request(path('a'), { headers: { Origin: 'https://journal.example.fr' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://journal.example.fr');
    const other = await t.request(path('a'), { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await t.request(path('a'), {
      method: 'OPTIONS',
      headers: { Origin: 'https://journal.example.fr', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('never answers CORS on admin routes', async () => {
    const t = await setup();
    const res = await admin(t, '/tokens', { headers: { Origin: 'https://journal.example.fr' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await t.request('/api/v1/admin/tokens', {
      method: 'OPTIONS',
      headers: { Origin: 'https://journal.example.fr', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('admin authentication', () => {
  it('401 problem+json without a token, with a wrong one, or with the token in the query string', async () => {
    const t = await setup();
    const cases: [string, RequestInit][] = [
      ['/api/v1/admin/tokens', {}],
      ['/api/v1/admin/tokens', { headers: { Authorization: 'Bearer wrong-token-value' } }],
      ['/api/v1/admin/tokens', { headers: { Authorization: `Basic ${t.adminToken}` } }],
      [`/api/v1/admin/tokens?token=${t.adminToken}`, {}],
      [`/api/v1/admin/tokens?access_token=${t.adminToken}`, { headers: { Authorization: `Bearer ${t.adminToken}` } }],
    ];
    for (const [url, init] of cases) {
      const res = await t.request(url, init);
      expect(res.status, url).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as any).code).toBe('unauthorized');
    }
    expect((await admin(t, '/tokens')).status).toBe(200);
  });
});

describe('plain HTML form posts', () => {
  const formPost = async (t: Awaited<ReturnType<typeof setup>>, fields: Record<string, string>, referer?: string) => {
    const form = (await (await t.request('/api/v1/articles/a/form')).json()) as { token: string };
    t.clock.advance(5_000);
    return t.request(path('a'), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'User-Agent': BROWSER_UA,
        ...(referer ? { Referer: referer } : {}),
      },
      body: new URLSearchParams({ ...fields, token: form.token }).toString(),
    });
  };

  it('303 back to the article with #comment-<id>', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    const res = await formPost(t, { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo pour ce papier.' }, 'https://journal.example.fr/2026/article?x=1#form');
    expect(res.status).toBe(303);
    const id = (await thread(t, 'a')).comments[0]!.id;
    expect(res.headers.get('location')).toBe(`https://journal.example.fr/2026/article?x=1#comment-${id}`);
  });

  it('303 to #comment-pending when the comment waits for a moderator', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    await admin(t, '/articles/a', { method: 'PUT', body: JSON.stringify({ moderation: 'all' }) });
    const res = await formPost(t, { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo.' }, 'https://journal.example.fr/a');
    expect(res.headers.get('location')).toBe('https://journal.example.fr/a#comment-pending');
  });

  it('no redirect to an origin that is not allowed: the JSON answer instead', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    const res = await formPost(t, { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo.' }, 'https://evil.example/phish');
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBeNull();
  });
});
