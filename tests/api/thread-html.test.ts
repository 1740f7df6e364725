import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, adminCall, nextIp, path, postOk } from '../harness/client';

/**
 * GET …/thread.html, the thread and the form without JavaScript, and the plain form post that
 * goes back to the page through its hidden field `return`.
 */

const SITE = 'https://journal.example.fr';
const PAGE = `${SITE}/2026/09/nvidia-openai`;
const fragmentOf = (article: string, query = '') =>
  `/api/v1/articles/${encodeURIComponent(article)}/thread.html${query}`;
const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&');

function formPost(
  t: { request(p: string, i?: RequestInit): Promise<Response> },
  article: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return t.request(path(article), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'text/html',
      'User-Agent': BROWSER_UA,
      'X-Forwarded-For': nextIp(),
      Origin: SITE,
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('GET /api/v1/articles/{articleId}/thread.html', () => {
  it('is the thread and a plain form, cached like the JSON thread, its ETag following the thread', async () => {
    const t = await setup({ ALLOWED_ORIGINS: SITE });
    const posted = await postOk(t, 'a1', {
      author: 'Inès <b>',
      email: 'ines@exemple.fr',
      content: 'Un avis <script>x</script> argumenté.',
      website: 'https://ines.example.org',
    });
    const res = await t.request(fragmentOf('a1', `?lang=fr&return=${encodeURIComponent(PAGE)}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    const html = await res.text();
    expect(html).not.toMatch(/<html|<body|<script/i);
    expect(html).toContain('<h2 class="total">1 commentaire</h2>');
    expect(html).toContain(`<article id="comment-${posted.comment.id}"`);
    expect(html).toContain('Inès &lt;b&gt;');
    expect(html).toContain('rel="nofollow ugc"');
    expect(html).toMatch(/<time datetime="\d{4}-/);
    expect(html).toContain('Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec');
    expect(html).toMatch(/<form class="form" method="post" action="http:\/\/[^"]+\/api\/v1\/articles\/a1\/comments"/);
    expect(field(html, 'return')).toBe(PAGE);
    expect(field(html, 'token')).toMatch(/\S{20,}/);
    expect(html).toMatch(/<div class="hp" hidden aria-hidden="true"><input name="hp" tabindex="-1"/);

    const etag = res.headers.get('etag')!;
    expect(
      (
        await t.request(fragmentOf('a1', `?lang=fr&return=${encodeURIComponent(PAGE)}`), {
          headers: { 'If-None-Match': etag },
        })
      ).status,
    ).toBe(304);
    await postOk(t, 'a1');
    expect(
      (
        await t.request(fragmentOf('a1', `?lang=fr&return=${encodeURIComponent(PAGE)}`), {
          headers: { 'If-None-Match': etag },
        })
      ).status,
    ).toBe(200);
    // The shared token changes every 10 minutes, and the ETag with it.
    const before = (await t.request(fragmentOf('a1'))).headers.get('etag');
    t.clock.advance(10 * 60_000);
    expect((await t.request(fragmentOf('a1'))).headers.get('etag')).not.toBe(before);
  });

  it('ignores a return address on an origin that is not allowed, or not absolute', async () => {
    const t = await setup({ ALLOWED_ORIGINS: SITE });
    for (const back of ['https://evil.example/x', '/relative', 'javascript:alert(1)']) {
      const html = await (await t.request(fragmentOf('a1', `?return=${encodeURIComponent(back)}`))).text();
      expect(field(html, 'return'), back).toBeUndefined();
    }
    expect(await (await t.request(fragmentOf('a1'))).text()).toContain('Leave a comment');
  });

  it('its form posts with the shared token: 303 to return#comment-<id>, the token weighing a little, usable again', async () => {
    const t = await setup({ ALLOWED_ORIGINS: SITE });
    const html = await (await t.request(fragmentOf('a1', `?lang=fr&return=${encodeURIComponent(PAGE)}`))).text();
    const token = field(html, 'token')!;
    t.clock.advance(30_000);
    const fields = {
      content: 'Envoyé sans JavaScript, et lu avec plaisir.',
      author: 'Hugo',
      email: 'hugo@exemple.fr',
      hp: '',
      token,
      return: PAGE,
    };
    // The Referer across origins is only the origin: `return` wins.
    const res = await formPost(t, 'a1', fields, { Referer: `${SITE}/` });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${PAGE.replace(/[./]/g, '\\$&')}#comment-[\\w-]{22}$`));
    const id = location.split('#comment-')[1]!;
    const { body } = await adminCall(t, 'GET', `/comments/${id}`);
    const view = body as { comment: { status: string; spam: { reasons: { rule: string; score: number }[] } } };
    expect(view.comment.status).toBe('approved');
    expect(JSON.stringify(view)).toContain('shared token of a form without JavaScript');

    // The same token serves another reader (it is shared), and a bot's instant post is still caught.
    const again = await formPost(t, 'a1', {
      ...fields,
      content: 'Un second lecteur, même page en cache.',
      email: 'lea@exemple.fr',
      author: 'Léa',
    });
    expect(again.headers.get('location')).toMatch(/#comment-[\w-]{22}$/);
    const fresh = field(
      await (await t.request(fragmentOf('a1', `?lang=fr&return=${encodeURIComponent(PAGE)}`))).text(),
      'token',
    )!;
    t.clock.advance(10 * 60_000 - (t.clock.now() % (10 * 60_000)));
    const nextBucket = field(
      await (await t.request(fragmentOf('a1', `?return=${encodeURIComponent(PAGE)}`))).text(),
      'token',
    )!;
    expect(nextBucket).not.toBe(fresh);
    const bot = await formPost(t, 'a1', {
      ...fields,
      token: nextBucket,
      content: 'Offre spéciale, cliquez vite.',
      email: 'bot@exemple.fr',
      author: 'Bot',
    });
    expect(bot.headers.get('location')).toMatch(/#comment-pending$/);

    // A return address on another origin is ignored: back to the Referer, when that is allowed.
    const other = await formPost(
      t,
      'a1',
      {
        ...fields,
        token: fresh,
        content: 'Retour ailleurs ?',
        email: 'zoe@exemple.fr',
        return: 'https://evil.example/',
      },
      { Referer: PAGE },
    );
    expect(other.headers.get('location')).toMatch(new RegExp(`^${PAGE.replace(/[./]/g, '\\$&')}#comment-`));
  });
});
