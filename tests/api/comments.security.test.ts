import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { admin, comment, formPost, path, post, postOk, thread } from '../harness/client';

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
          const res = await post(
            t,
            article,
            { author: `${author} ${n}`, email, content: `${content} ${n}`, ...(reply && top ? { parentId: top } : {}) },
            {
              ip,
              headers: { 'User-Agent': ua },
            },
          );
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
    const res = await post(t, 'a', comment({ email: 'secret@exemple.fr', content: '' }), {
      ip: '192.0.2.55',
      headers: { 'User-Agent': 'SecretAgent/1.0' },
    });
    const text = await everything(res);
    for (const secret of ['secret@exemple.fr', '192.0.2.55', 'SecretAgent']) expect(text).not.toContain(secret);
  });

  it('gives no avatar hash unless the site opted in to Gravatar', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    expect((posted.comment as any).author.avatar).toBeNull();
    const g = await setup({ AVATARS: 'gravatar' });
    await postOk(g, 'a');
    expect((await thread(g, 'a')).comments[0]!.author.avatar).toMatch(
      /^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{64}\?/,
    );
  });
});

/**
 * XSS payloads in every field. `html` keeps only the markup the renderer writes (<p>, <br>, and
 * links to http(s) addresses with rel="nofollow ugc noopener"), and reads back as the content,
 * escaped; names come back as plain text; the website field refuses every scheme but http(s),
 * however it is disguised, and what it accepts has nothing that could close an attribute.
 */
describe('XSS payloads come back inert', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<ScRiPt>alert(1)</sCrIpT>',
    '<script src=//evil.example/x.js></script>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
    '<<script>script>alert(1)<</script>/script>',
    '<scr\u0000ipt>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<IMG SRC=JaVaScRiPt:alert(1)>',
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    '<svg onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '"><iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    '<a href=https://example.com>x</a>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '&#60;script&#62;alert(1)&#60;/script&#62;',
    '&#x3C;img src=x onerror=alert(1)&#x3E;',
    '\uFF1Cscript\uFF1Ealert(1)\uFF1C/script\uFF1E',
    '<body onload=alert(1)>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<style>@import "//evil.example/x.css";</style>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<input autofocus onfocus=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<video><source onerror=alert(1)></video>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<!--<script>alert(1)//-->',
    '<![CDATA[<script>alert(1)</script>]]>',
    '</p><script>alert(1)</script><p>',
    '<x onmouseover=alert(1)>survolez-moi',
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/'><script>alert(1)</script>",
    'https://example.com/<script>alert(1)</script>',
    'http://example.com/?q=<img src=x onerror=alert(1)>',
    'https://example.com/#"><svg onload=alert(1)>',
    'https://example.com/`onmouseover=alert(1)`',
    'https://javascript:alert(1)@example.com/',
    '[url=javascript:alert(1)]x[/url]',
    '[img]javascript:alert(1)[/img]',
    '{{constructor.constructor("alert(1)")()}}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, sent as typed
    '${alert(1)}',
    '\u202e<script>alert(1)</script>',
  ];

  /** The markup the renderer may write, nothing else. */
  const OUR_TAG = /^(<p>|<\/p>|<br>|<a href="https?:\/\/[^"<>\s`]*" rel="nofollow ugc noopener">|<\/a>)$/;
  const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
  /** The text a browser would show for our html: it must be the content, character for character. */
  const shownText = (html: string) =>
    html
      .replace(/<\/p><p>/g, '\n\n')
      .replace(/<br>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&(lt|gt|quot|#39|amp);/g, (m) => ENTITIES[m]!);

  function expectInert(html: string, content: string) {
    for (const tag of html.match(/<[^>]*>/g) ?? []) expect(tag).toMatch(OUR_TAG);
    for (const href of html.matchAll(/href="([^"]*)"/g))
      expect(new URL(href[1]!.replace(/&amp;/g, '&')).protocol).toMatch(/^https?:$/);
    expect(html).not.toMatch(/<(?!\/?p>|br>|a href="https?:|\/a>)/);
    expect(shownText(html)).toBe(content);
  }

  it.each(payloads)('in the content and the name: %s', async (payload) => {
    const t = await setup();
    const res = await post(t, 'x', comment({ author: `Nom ${payload}`.slice(0, 100), content: `Texte ${payload}` }));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const own = ((await res.json()) as { comment: { html: string; content: string; author: { name: string } } })
      .comment;
    expectInert(own.html, own.content);
    // The name is text in JSON (served as application/json, nosniff), never rendered by us.
    expect(own.author.name.startsWith('Nom ')).toBe(true);
    // Approved ones are in the thread with the same inert html.
    for (const c of (await thread(t, 'x')).comments) expectInert(c.html, c.content);
  });

  it.each(payloads)('in the website: %s', async (payload) => {
    const t = await setup();
    const res = await post(t, 'x', comment({ website: payload }));
    if (res.status === 422) {
      expect(((await res.json()) as { errors: Record<string, string> }).errors).toHaveProperty('website');
      return;
    }
    expect(res.status).toBe(201);
    expectSafeWebsite(((await res.json()) as { comment: { author: { website: string } } }).comment.author.website);
  });

  /** An accepted website: an http(s) URL with nothing that can end an attribute or a tag. */
  function expectSafeWebsite(website: string) {
    expect(new URL(website).protocol).toMatch(/^https?:$/);
    expect(website).toMatch(/^https?:\/\//i);
    expect(website).not.toMatch(/[\s"'<>`\\]/);
  }

  const schemes = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    '\tjavascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\u0000script:alert(1)',
    'javascript\u0000:alert(1)',
    '\u200bjavascript:alert(1)',
    'javascript\u200b:alert(1)',
    '\uFF4A\uFF41\uFF56\uFF41\uFF53\uFF43\uFF52\uFF49\uFF50\uFF54:alert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    'javascript&colon;alert(1)',
    'javascript&#58;alert(1)',
    'jav&#x09;ascript:alert(1)',
    '%6Aavascript:alert(1)',
    'javascript%3Aalert(1)',
    'javascript://example.com/%0Aalert(1)',
    'javascript:https://example.com',
    'javascript:http://example.com',
    'data:text/html,<script>alert(1)</script>',
    'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'vbscript:msgbox(1)',
    'VBScript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.com/',
    'blob:https://example.com/0000',
    'about:blank',
    'mailto:a@exemple.fr',
    'tel:+33123456789',
    'ws://example.com/',
    'chrome://settings',
    'view-source:https://example.com',
    '//evil.example/',
    '\\\\evil.example\\x',
    'http:evil.example',
    'https:/evil.example',
    'http:\\\\evil.example',
    'https://user:pass@example.com/',
    'https://',
    'http://exa mple.com/',
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/'onmouseover='alert(1)",
    'https://example.com/<script>alert(1)</script>',
    'https://example.com/`x`',
  ];

  it('the website refuses every scheme but http(s), however disguised, and anything that could break out of an attribute', async () => {
    const t = await setup();
    const accepted: string[] = [];
    for (const website of schemes) {
      const res = await post(t, 'x', comment({ website }));
      if (res.status === 201) {
        const got = ((await res.json()) as { comment: { author: { website: string } } }).comment.author.website;
        accepted.push(website);
        expectSafeWebsite(got);
      } else {
        expect(res.status, JSON.stringify(website)).toBe(422);
        expect(
          ((await res.json()) as { errors: Record<string, string> }).errors,
          JSON.stringify(website),
        ).toHaveProperty('website');
      }
    }
    expect(accepted).toEqual([]);
    // Plain addresses still go through.
    for (const website of [
      'https://example.com',
      'http://blog.example.org/2026/09/article?id=3#fin',
      'HTTPS://EXAMPLE.COM/Page',
    ]) {
      const res = await post(t, 'x', comment({ website }));
      expect(res.status, website).toBe(201);
    }
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
  const formPostFrom = (t: Awaited<ReturnType<typeof setup>>, fields: Record<string, string>, referer?: string) =>
    formPost(t, fields, referer ? { Referer: referer } : {});

  it('303 back to the article with #comment-<id>', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    const res = await formPostFrom(
      t,
      { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo pour ce papier.' },
      'https://journal.example.fr/2026/article?x=1#form',
    );
    expect(res.status).toBe(303);
    const id = (await thread(t, 'a')).comments[0]!.id;
    expect(res.headers.get('location')).toBe(`https://journal.example.fr/2026/article?x=1#comment-${id}`);
  });

  it('303 to #comment-pending when the comment waits for a moderator', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    await admin(t, '/articles/a', { method: 'PUT', body: JSON.stringify({ moderation: 'all' }) });
    const res = await formPostFrom(
      t,
      { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo.' },
      'https://journal.example.fr/a',
    );
    expect(res.headers.get('location')).toBe('https://journal.example.fr/a#comment-pending');
  });

  it('no redirect to an origin that is not allowed: a page there may not post at all', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    const res = await formPostFrom(
      t,
      { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo.' },
      'https://evil.example/phish',
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(((await res.json()) as { code: string }).code).toBe('origin_not_allowed');
  });
});
