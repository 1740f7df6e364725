import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { createApp } from '../../src/app';
import { BROWSER_UA, admin, comment, formPost, formToken, nextIp, path, post, postOk, thread } from '../harness/client';
import type { Harness } from '../harness/types';

/**
 * Writes from other sites' pages, the form post's way back, client IPs behind a proxy, and the
 * small things a public API must not accept (an edit token spelt two ways, an admin token in a URL).
 */

const SITE = 'https://journal.example.fr';
type T = Awaited<ReturnType<typeof setup>>;

/** A browser's form post from its own address, with the given headers. */
const browserPost = (t: Harness, headers: Record<string, string>) =>
  formPost(t, comment() as Record<string, string>, { 'X-Forwarded-For': nextIp(), ...headers });

async function stored(t: Harness) {
  return (
    (await (await admin(t, '/comments')).json()) as {
      comments: { id: string; ip: string | null; reasons: { rule: string; detail: string }[] }[];
    }
  ).comments;
}

describe('writes from pages of other sites (ALLOWED_ORIGINS is a list)', () => {
  it('a form post from another site is refused, 403 origin_not_allowed, and nothing is stored', async () => {
    const t = await setup({ ALLOWED_ORIGINS: SITE });
    const refused: Record<string, string>[] = [
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', Referer: 'https://evil.example/page' },
      { Origin: 'https://evil.example' },
      { Origin: `${SITE}.evil.example` },
      { Origin: 'http://journal.example.fr' },
      // A sandboxed frame, or a page sent with Referrer-Policy: no-referrer.
      { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
      // No Origin (not a browser's POST, but then only the Referer tells).
      { Referer: 'https://evil.example/page' },
      { Referer: 'not a url' },
      // A browser saying cross-site without saying where from.
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of refused) {
      const res = await browserPost(t, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('origin_not_allowed');
    }
    expect(await stored(t)).toHaveLength(0);
  });

  it('the listed sites, Tamis itself, and clients that are no browser (curl, servers) may write', async () => {
    const t = await setup({ ALLOWED_ORIGINS: `${SITE},https://autre.example.org` });
    const allowed: Record<string, string>[] = [
      { Origin: SITE, 'Sec-Fetch-Site': 'cross-site', Referer: `${SITE}/2026/article` },
      { Origin: 'https://autre.example.org' },
      { Referer: `${SITE}/2026/article` },
      {},
      // Same origin: the request's own host (app.request's URLs are http://localhost/…), or the browser says so.
      { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' },
      { Origin: 'http://localhost' },
      { Origin: 'https://tamis.example.net', 'Sec-Fetch-Site': 'same-origin' },
    ];
    for (const headers of allowed) {
      const res = await browserPost(t, { ...headers, Accept: 'application/json' });
      expect(res.status, JSON.stringify(headers)).toBe(201);
    }
    expect(await stored(t)).toHaveLength(allowed.length);
  });

  it('edits and withdrawals too: the edit token does not make another site a writer', async () => {
    const t = await setup({ ALLOWED_ORIGINS: SITE });
    const posted = await postOk(t, 'a');
    const url = `/api/v1/comments/${posted.comment.id}`;
    const auth = { Authorization: `Bearer ${posted.editToken}` };
    const patch = (origin: string) =>
      t.request(url, {
        method: 'PATCH',
        headers: { ...auth, Origin: origin, 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA },
        body: JSON.stringify({ content: 'Corrigé.' }),
      });
    expect((await patch('https://evil.example')).status).toBe(403);
    expect(
      (await t.request(url, { method: 'DELETE', headers: { ...auth, Origin: 'https://evil.example' } })).status,
    ).toBe(403);
    expect((await thread(t, 'a')).comments[0]!.content).toBe(posted.comment.content);
    expect((await patch(SITE)).status).toBe(200);
    expect((await t.request(url, { method: 'DELETE', headers: { ...auth, Origin: SITE } })).status).toBe(204);
  });

  it('reads are not writes: any site may read the thread; with ALLOWED_ORIGINS=* any site may write', async () => {
    const listed = await setup({ ALLOWED_ORIGINS: SITE });
    expect((await listed.request(path('a'), { headers: { Origin: 'https://evil.example' } })).status).toBe(200);
    const open = await setup({ ALLOWED_ORIGINS: '*' });
    expect((await browserPost(open, { Origin: 'https://anyone.example', Accept: 'application/json' })).status).toBe(
      201,
    );
  });
});

describe('form tokens serve one comment', () => {
  it('a token used by a stored comment weighs like a forged one the next time; the comment is kept', async () => {
    const t = await setup();
    const token = await formToken(t);
    t.clock.advance(5_000);
    const send = (body: Record<string, unknown>) =>
      t.request(path('a'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
        body: JSON.stringify({ ...body, token }),
      });
    const first = await send(comment());
    expect(first.status).toBe(201);
    t.clock.advance(60_000);
    const second = await send(comment());
    expect(second.status).toBe(201); // not lost: scored, and held if other signals add up
    const [again, once] = await stored(t);
    expect(once!.reasons.filter((r) => r.rule === 'form_token')).toEqual([]);
    expect(again!.reasons).toContainEqual(
      expect.objectContaining({ rule: 'form_token', detail: 'form token already used by another comment', score: 4 }),
    );
    // A fresh token serves again.
    expect((await postOk(t, 'a')).comment.status).toBe('approved');
  });

  it('two posts sent at once with one token: one is stored, the other answered 409 form_token_used', async () => {
    const t = await setup();
    const token = await formToken(t);
    t.clock.advance(5_000);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request(path('a'), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
          body: JSON.stringify({ ...comment(), token }),
        }),
      ),
    );
    const statuses = answers.map((res) => res.status);
    const clean = (await stored(t)).filter((c) => !c.reasons.some((r) => r.rule === 'form_token'));
    // However the posts interleave, at most one goes through unscored.
    expect(clean.length).toBe(1);
    for (const res of answers.filter((r) => r.status === 409))
      expect(((await res.json()) as { code: string }).code).toBe('form_token_used');
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  });

  it('a double-submitted form (the same text again) is not stored twice and the text is not lost', async () => {
    const t = await setup({ ALLOWED_ORIGINS: SITE });
    const fields = { author: 'Jo', email: 'jo@exemple.fr', content: 'Bravo pour ce papier.' };
    const token = await formToken(t);
    t.clock.advance(5_000);
    const send = () =>
      t.request(path('a'), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'text/html',
          Origin: SITE,
          Referer: `${SITE}/a`,
          'User-Agent': BROWSER_UA,
          'X-Forwarded-For': '192.0.2.10',
        },
        body: new URLSearchParams({ ...fields, token }).toString(),
      });
    expect((await send()).status).toBe(303);
    expect((await send()).status).not.toBe(201);
    const { comments } = await thread(t, 'a');
    expect(comments.map((c) => c.content)).toEqual([fields.content]);
  });

  it('an expired token weighs like a used one, and the record of used tokens is pruned', async () => {
    const t = await setup();
    const token = await formToken(t);
    t.clock.advance(25 * 3_600_000);
    await postOk(t, 'a', comment({ token }));
    const [late] = await stored(t);
    expect(late!.reasons).toContainEqual(expect.objectContaining({ rule: 'form_token', score: 4 }));
    const used = async () =>
      (await t.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM used_form_tokens`))[0]!.n;
    await postOk(t, 'a');
    expect(await used()).toBe(1);
    t.clock.advance(25 * 3_600_000);
    await postOk(t, 'a');
    await t.settled(); // the hourly purge, started after the answer, forgets expired tokens
    expect(await used()).toBe(1); // the first one's row went, the second's stays
  });
});

describe('the way back after a form post', () => {
  it('with ALLOWED_ORIGINS=*, 303 only to a page of the site that posted (Referer origin = Origin)', async () => {
    const t = await setup({ ALLOWED_ORIGINS: '*' });
    const back = await browserPost(t, { Origin: SITE, Referer: `${SITE}/2026/article` });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toMatch(new RegExp(`^${SITE}/2026/article#comment-`));
    const elsewhere: Record<string, string>[] = [
      { Origin: SITE, Referer: 'https://evil.example/phish' },
      { Referer: 'https://evil.example/phish' },
      { Origin: 'null', Referer: 'https://evil.example/phish' },
      { Origin: 'https://evil.example', Referer: 'javascript:alert(1)' },
      { Origin: SITE, Referer: `${SITE.replace('https', 'http')}/a` },
    ];
    for (const headers of elsewhere) {
      const res = await browserPost(t, headers);
      expect(res.status, JSON.stringify(headers)).toBe(201);
      expect(res.headers.get('location')).toBeNull();
      // A short page in place of the JSON: nothing of what was sent, nothing to run.
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('Comment received');
      expect(html).not.toMatch(/<script|href=|src=|Camille/i);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('the page is in French when the reader prefers it', async () => {
    const t = await setup({ ALLOWED_ORIGINS: '*' });
    const res = await browserPost(t, { 'Accept-Language': 'fr-FR,fr;q=0.9' });
    expect(await res.text()).toContain('Commentaire reçu');
  });
});

describe('the client IP behind a proxy (TRUST_PROXY=x-forwarded-for)', () => {
  /** The app as the Node entry builds it, the TCP peer being the proxy at 192.0.2.200. */
  const behindProxy = (t: T) => {
    const app = createApp({ ...t.deps, remoteAddress: () => '::ffff:192.0.2.200' });
    return { ...t, request: async (url: string, init?: RequestInit) => app.request(url, init) } as Harness;
  };

  it('one address however it is spelt: ports, IPv6 case and zeros, IPv4-mapped', async () => {
    const t = await setup();
    const p = behindProxy(t);
    for (const [first, second] of [
      ['203.0.113.7:1111', '203.0.113.7:2222'],
      ['2001:DB8::1', '[2001:db8:0:0::1]:443'],
      ['::ffff:203.0.113.9', '203.0.113.9'],
    ] as const) {
      expect((await post(p, 'a', comment(), { ip: first })).status, first).toBe(201);
      expect((await post(p, 'a', comment(), { ip: second })).status, second).toBe(429);
      t.clock.advance(3_600_000);
    }
    const ips = (await stored(t)).map((c) => c.ip).sort();
    expect(ips).toEqual(['2001:db8::1', '203.0.113.7', '203.0.113.9']);
  });

  it('without an address in the header, the proxy (the socket) stands in: flood control still applies', async () => {
    const t = await setup();
    const p = behindProxy(t);
    for (const header of ['', 'unknown', '203.0.113.7, garbage', '010.0.0.1']) {
      expect((await post(p, 'a', comment(), { ip: header })).status, header).toBe(201);
      expect((await post(p, 'a', comment(), { ip: 'not-an-ip' })).status, header).toBe(429);
      t.clock.advance(3_600_000);
    }
    expect(new Set((await stored(t)).map((c) => c.ip))).toEqual(new Set(['192.0.2.200']));
  });
});

describe('tokens spelt only one way', () => {
  it('an edit token with its last character changed (same bytes decoded) is refused', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const token = posted.editToken;
    const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) ^ 1];
    const res = await t.request(`/api/v1/comments/${posted.comment.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${twin}` },
    });
    expect(res.status).toBe(401);
    expect((await thread(t, 'a')).total).toBe(1);
  });

  it('an admin token in the URL is refused whatever the parameter is called', async () => {
    const t = await setup();
    for (const name of [
      'Token',
      'TOKEN',
      'Access_Token',
      'access-token',
      'ApiKey',
      'API_KEY',
      'Auth',
      '%54oken',
      'authorization',
    ]) {
      const res = await t.request(`/api/v1/admin/tokens?${name}=${t.adminToken}`, {
        headers: { Authorization: `Bearer ${t.adminToken}` },
      });
      expect(res.status, name).toBe(401);
    }
    expect(
      (
        await t.request('/api/v1/admin/comments?status=pending', {
          headers: { Authorization: `Bearer ${t.adminToken}` },
        })
      ).status,
    ).toBe(200);
  });
});

describe('/docs loads nothing from another host', () => {
  it('a page rendered by Tamis, no script, a policy that allows its own style sheet only', async () => {
    const t = await setup();
    const res = await t.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i);
    expect(html.match(/(?:href|action)="[^"#]*"/g)).toEqual(['href="openapi.json"']);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; frame-ancestors 'none'/);
    expect(csp).not.toMatch(/https?:|\*|unsafe/);
    // The hash is the inline style's.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(style)));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
    // Every operation of the OpenAPI document is on the page.
    const doc = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item))
        expect(html, `${method} ${p}`).toContain(`<span class="m ${method}">${method}</span> <code>${p}</code>`);
    }
  });
});
