import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { axeScan, screenshot, seed, startSite, type Seeded, type Site } from './harness';

/**
 * The reader's widget in Chromium, on a page of another origin, against the server as npm start
 * builds it: the thread and its pages, posting (approved, pending, refused per field), replies,
 * one's own comments, remember me, counts, both languages, the dark theme, a single-page site, and
 * the accessibility scan; screenshots under tests/browser/screenshots/.
 */

let site: Site;
let long: Seeded[];
const LONG = '2026/09/nvidia-openai';

beforeAll(async () => {
  site = await startSite();
  long = await seed(
    site,
    LONG,
    Array.from({ length: 60 }, (_, i) => ({
      author: `Lecteur ${i + 1}`,
      content: `Commentaire numéro ${i + 1} sur l’accord, avec un avis différent à chaque fois (${i * 7919}).`,
    })),
  );
  await seed(
    site,
    LONG,
    [0, 0, 1, 2, 3].map((p, i) => ({
      author: `Répondant ${i + 1}`,
      content: `Réponse ${i + 1} : je ne suis pas d’accord avec le commentaire ${p + 1}.`,
      parentId: long[p]!.id,
    })),
  );
}, 120_000);
afterAll(() => site?.close());

interface PageOptions {
  article?: string;
  lang?: string;
  attrs?: string;
  body?: string;
  width?: number;
  hash?: string;
}
let pages = 0;
/** A page of the other origin with the two lines (and a count), opened in a fresh browser context. */
async function open(options: PageOptions = {}, page?: Page): Promise<Page> {
  const article = options.article ?? LONG;
  const url = site.page(
    `/p${++pages}.html`,
    `<!doctype html><html lang="${options.lang ?? 'fr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Article</title>
<style>body{font-family:serif;margin:0 auto;max-width:760px;padding:0 8px} p, div { color: red; font-size: 30px }</style></head>
<body><main><h1>Un article</h1><p>Voir les <span data-tamis-count data-article="${article}">…</span>.</p>
${options.body ?? `<div data-tamis-thread data-article="${article}" ${options.attrs ?? ''}></div>`}</main>
<script src="${site.api}/embed.js" async></script></body></html>`,
  );
  page ??= await site.newPage({ viewport: { width: options.width ?? 1280, height: 900 } });
  page.on('dialog', (d) => void d.accept());
  await page.goto(url + (options.hash ?? ''));
  await page.locator('[data-tamis-thread] .total').first().waitFor();
  await page.waitForFunction(() => !/…/.test(document.querySelector('[data-tamis-count]')?.textContent ?? '…'));
  return page;
}

/** Fills the form and waits the form's minimum time since its token was fetched. */
async function fill(
  page: Page,
  fields: { content?: string; author?: string; email?: string; website?: string },
  labels = { content: 'Commentaire', author: 'Nom', email: 'E-mail', website: 'Site web' },
) {
  for (const [name, value] of Object.entries(fields))
    await page.getByRole('textbox', { name: labels[name as keyof typeof labels], exact: true }).fill(value);
  await page.waitForTimeout(3_200);
}

const shadowActive = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-tamis-thread]')!.shadowRoot!.activeElement?.id ?? null);

describe.concurrent('the widget', { timeout: 60_000 }, () => {
  it('shows a thread of 60 comments with replies, pages through it, switches the order, and counts', async ({
    expect,
  }) => {
    const page = await site.newPage();
    const hosts = new Set<string>();
    page.on('request', (r) => void hosts.add(new URL(r.url()).origin));
    await open({}, page);
    const thread = page.locator('[data-tamis-thread]');
    await expect(thread.locator('.total').textContent()).resolves.toBe('65 commentaires');
    await expect(page.locator('[data-tamis-count]').textContent()).resolves.toBe('65 commentaires');
    expect(await thread.locator('.list > article').count()).toBe(50);
    const first = thread.locator(`#comment-${long[0]!.id}`);
    expect(await first.locator(':scope > header time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await first.locator(':scope > .replies > article').count()).toBe(2);
    expect(await first.locator(':scope > .body p').innerHTML()).toContain('Commentaire numéro 1 sur l’accord');
    // The page's styles do not reach the widget.
    expect(await first.locator(':scope > .body p').evaluate((p) => getComputedStyle(p).color)).not.toBe(
      'rgb(255, 0, 0)',
    );
    await thread.getByRole('button', { name: 'Plus de commentaires' }).click();
    await expect.poll(() => thread.locator('.list > article').count()).toBe(60);
    expect(await thread.getByRole('button', { name: 'Plus de commentaires' }).isHidden()).toBe(true);
    await expect.poll(() => shadowActive(page)).toBe(`comment-${long[50]!.id}`);
    await thread.getByLabel('Ordre').selectOption('newest');
    await expect
      .poll(() => thread.locator('.list > article').first().getAttribute('id'))
      .toBe(`comment-${long[59]!.id}`);
    // Nothing but the Tamis server and the page's own origin; no cookie.
    expect([...hosts].sort()).toEqual([site.api, site.pages].sort());
    expect(await page.context().cookies()).toEqual([]);
  });

  it('opened at #comment-<id> on the second page, loads it, scrolls to it and highlights it', async ({ expect }) => {
    const target = long[55]!.id;
    const page = await open({ hash: `#comment-${target}` });
    const comment = page.locator(`#comment-${target}`);
    await expect.poll(() => comment.getAttribute('class')).toContain('hl');
    expect(await comment.isVisible()).toBe(true);
    expect(
      await comment.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight;
      }),
    ).toBe(true);
  });

  it('posts an approved comment: shown at once and focused, announced; a second one with a new token; nothing remembered', async ({
    expect,
  }) => {
    const article = 'post-approved';
    const page = await open({ article });
    await fill(page, {
      content: 'Un premier avis, argumenté et poli.',
      author: 'Camille',
      email: 'camille@exemple.fr',
      website: 'https://camille.example.org',
    });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    const mine = page.locator('.list > article').first();
    await expect.poll(() => mine.textContent()).toContain('Un premier avis');
    await expect.poll(() => shadowActive(page)).toBe(await mine.getAttribute('id'));
    expect(await page.locator('.total').textContent()).toBe('1 commentaire');
    expect(await page.locator('[role=status]').textContent()).toBe('Votre commentaire est publié.');
    expect(await mine.locator('.who a').getAttribute('rel')).toBe('nofollow ugc');
    expect(await page.getByRole('textbox', { name: 'Commentaire', exact: true }).inputValue()).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('tamis:me'))).toBeNull();

    // A second comment from the same page: the form took a new token after the first.
    await fill(page, { content: 'Et un second avis, différent du premier.' });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    await expect.poll(() => page.locator('.list > article').count()).toBe(2);
    expect(await page.locator('.list > article').nth(1).locator('.note').count()).toBe(0);
    expect(await page.locator('.total').textContent()).toBe('2 commentaires');
  });

  it('posts a comment held for moderation: shown to its author only, announced through the live region', async ({
    expect,
  }) => {
    const article = 'post-pending';
    await site.admin('PUT', `/articles/${article}`, { moderation: 'all' });
    const page = await open({ article });
    await fill(page, { content: 'Un avis qui attendra un modérateur.', author: 'Hugo', email: 'hugo@exemple.fr' });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    const mine = page.locator('.list > article.pending');
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.locator('.note').textContent()).toBe('Votre commentaire est en attente de modération.');
    const live = page.locator('[aria-live=polite]');
    expect(await live.textContent()).toBe('Votre commentaire est en attente de modération.');
    expect(await page.locator('.total').textContent()).toBe('0 commentaire');
    // Reloaded, it is still there for its author, and only for them.
    await page.reload();
    await expect
      .poll(() => page.locator('.list > article.pending .note').textContent())
      .toBe('Votre commentaire est en attente de modération.');
    const other = await open({ article });
    expect(await other.locator('.list > article').count()).toBe(0);
  });

  it('replies: the form moves under the comment, Cancel moves it back, the reply is nested', async ({ expect }) => {
    const article = 'reply';
    const [parent] = await seed(site, article, [
      { author: 'Inès', content: 'Une question sur les chiffres de l’article ?' },
    ]);
    const page = await open({ article });
    const comment = page.locator(`#comment-${parent!.id}`);
    await comment.getByRole('button', { name: /Répondre/ }).click();
    expect(await comment.locator('form').count()).toBe(1);
    expect(await comment.locator('form h3').textContent()).toBe('Répondre à Inès');
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect(await comment.locator('form').count()).toBe(0);
    expect(
      await page.evaluate(() =>
        document.querySelector('[data-tamis-thread]')!.shadowRoot!.activeElement?.getAttribute('data-act'),
      ),
    ).toBe('reply');
    await comment.getByRole('button', { name: /Répondre/ }).click();
    await fill(page, { content: 'Les chiffres viennent du rapport annuel.', author: 'Léa', email: 'lea@exemple.fr' });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    await expect.poll(() => comment.locator('.replies > article').count()).toBe(1);
    expect(await comment.locator('.replies > article').textContent()).toContain('rapport annuel');
    expect(await comment.locator('form').count()).toBe(0);
  });

  it('shows each refused field beside it (422), with aria-invalid and aria-describedby, and keeps the text', async ({
    expect,
  }) => {
    const page = await open({ article: 'refused' });
    await fill(page, { content: 'Un texte que je ne veux pas perdre.', author: '', email: 'pas-une-adresse' });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    const email = page.getByRole('textbox', { name: 'E-mail', exact: true });
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const described = await email.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toMatch(/\S/);
    expect(await page.getByRole('textbox', { name: 'Nom', exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.getByRole('textbox', { name: 'Commentaire', exact: true }).getAttribute('aria-invalid'),
    ).toBeNull();
    expect(await page.getByRole('textbox', { name: 'Commentaire', exact: true }).inputValue()).toBe(
      'Un texte que je ne veux pas perdre.',
    );
  });

  it('shows every refusal under the form and never loses the text: closed (403), flood control (429) with the wait, duplicate (409), network failure, 5xx', async ({
    expect,
  }) => {
    const article = 'refusals';
    await site.admin('PUT', `/articles/${article}`, { closed: true });
    const page = await open({ article });
    const text = 'Un texte qui doit survivre à toutes les erreurs.';
    await fill(page, { content: text, author: 'Paul', email: 'paul@exemple.fr' });
    const send = page.getByRole('button', { name: 'Laisser un commentaire' });
    const message = page.locator('form [role=alert]');
    const content = page.getByRole('textbox', { name: 'Commentaire', exact: true });
    await send.click();
    await expect.poll(() => message.textContent()).toBe('Les commentaires sont fermés.');
    expect(await content.inputValue()).toBe(text);

    // What the proxy's varied addresses keep away (flood control, the same client's duplicate), and
    // failures, answered in the browser instead of by the server.
    const cors = { 'Access-Control-Allow-Origin': site.pages, 'Access-Control-Expose-Headers': 'Retry-After' };
    const problem = (status: number, code: string, headers: Record<string, string> = {}) => ({
      status,
      headers: { ...cors, ...headers },
      contentType: 'application/problem+json',
      body: JSON.stringify({ code }),
    });
    const failed = 'Le commentaire n’a pas pu être envoyé. Votre texte est conservé : réessayez.';
    const cases: [string, (route: Route) => Promise<void>][] = [
      [
        'Vous commentez trop vite : réessayez dans 12 s.',
        (r) => r.fulfill(problem(429, 'rate_limited', { 'Retry-After': '12' })),
      ],
      ['Vous avez déjà envoyé ce commentaire.', (r) => r.fulfill(problem(409, 'duplicate_comment'))],
      [failed, (r) => r.abort()],
      [failed, (r) => r.fulfill(problem(503, 'unavailable'))],
    ];
    for (const [expected, answer] of cases) {
      await page.route(/\/comments$/, (route) =>
        route.request().method() === 'POST' ? answer(route) : route.continue(),
      );
      await message.evaluate((m) => {
        m.textContent = '';
      });
      await send.click();
      await expect.poll(() => message.textContent()).toBe(expected);
      expect(await content.inputValue()).toBe(text);
      await page.unroute(/\/comments$/);
    }
  });

  it('edits and deletes one’s own comment in place; remembers the reader only when asked', async ({ expect }) => {
    const article = 'own';
    const page = await open({ article });
    await page.getByLabel(/Enregistrer mon nom/).check();
    await fill(page, {
      content: 'Premier jet, avec une faute.',
      author: 'Zoé',
      email: 'zoe@exemple.fr',
      website: 'https://zoe.example.org',
    });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    const mine = page.locator('.list > article').first();
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.getAttribute('class')).not.toContain('pending');
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('tamis:me')))!)).toMatchObject({
      author: 'Zoé',
      email: 'zoe@exemple.fr',
    });

    // Reloaded: the fields are filled, the box ticked, Edit and Delete on the reader's own comment.
    await page.reload();
    await page.locator('.total').waitFor();
    expect(await page.getByRole('textbox', { name: 'Nom', exact: true }).inputValue()).toBe('Zoé');
    expect(await page.getByLabel(/Enregistrer mon nom/).isChecked()).toBe(true);
    const own = page.locator('.list > article').first();
    await own.getByRole('button', { name: 'Modifier' }).click();
    await own.getByRole('textbox').fill('Premier jet, corrigé.');
    await own.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => own.locator('.body').textContent()).toBe('Premier jet, corrigé.');
    await own.getByRole('button', { name: 'Supprimer' }).click();
    await expect.poll(() => page.locator('.list > article').count()).toBe(0);
    expect(await page.locator('.total').textContent()).toBe('0 commentaire');

    // Unticked: what was stored is forgotten at the next comment.
    await page.getByLabel(/Enregistrer mon nom/).uncheck();
    await fill(page, { content: 'Un autre avis, sans mémoire.' });
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    await expect.poll(() => page.locator('.list > article').count()).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem('tamis:me'))).toBeNull();
    // Another reader sees no Edit button.
    const other = await open({ article });
    expect(await other.getByRole('button', { name: 'Modifier' }).count()).toBe(0);
  });

  it('speaks English on an English page, or as data-lang says', async ({ expect }) => {
    const page = await open({ lang: 'en' });
    expect(await page.locator('.total').textContent()).toBe('65 comments');
    expect(await page.locator('[data-tamis-count]').textContent()).toBe('65 comments');
    expect(await page.locator('form h3').textContent()).toBe('Leave a comment');
    expect(await page.getByRole('textbox', { name: 'Email', exact: true }).count()).toBe(1);
    expect(await page.locator('.hint').textContent()).toBe(
      'Your email address will not be published. Required fields are marked *',
    );
    const fr = await open({ lang: 'en', attrs: 'data-lang="fr"' });
    expect(await fr.locator('.hint').textContent()).toBe(
      'Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *',
    );
    for (const label of ['Commentaire *', 'Nom *', 'E-mail *', 'Site web'])
      expect(await fr.locator('label', { hasText: label }).count(), label).toBe(1);
  });

  it('mounts and unmounts on a single-page site, never twice', async ({ expect }) => {
    const [other] = await seed(site, 'spa-2', [{ author: 'Paul', content: 'Le seul commentaire du second article.' }]);
    const page = await open({ body: `<div id="t" data-tamis-thread data-article="${LONG}"></div>` });
    await page.evaluate(() => window.Tamis!.mount(document.getElementById('t')!, { article: '2026/09/nvidia-openai' }));
    expect(await page.evaluate(() => document.getElementById('t')!.shadowRoot!.querySelectorAll('.tamis').length)).toBe(
      1,
    );
    await page.evaluate(() => window.Tamis!.unmount(document.getElementById('t')!));
    expect(await page.evaluate(() => document.getElementById('t')!.shadowRoot!.childElementCount)).toBe(0);
    await page.evaluate(() => window.Tamis!.mount(document.getElementById('t')!, { article: 'spa-2' }));
    await expect.poll(() => page.locator('#t .total').textContent()).toBe('1 commentaire');
    expect(await page.locator(`#comment-${other!.id}`).count()).toBe(1);
    await page.evaluate(() => window.Tamis!.mount(document.getElementById('t')!, { article: 'spa-2' }));
    expect(await page.locator('#t article').count()).toBe(1);
  });

  it('without JavaScript: the thread.html fragment included server-side, its form posts and lands back on the comment', async ({
    expect,
  }) => {
    const article = 'no-js';
    const [first] = await seed(site, article, [{ author: 'Anne', content: 'Le premier avis, servi sans script.' }]);
    // The site includes the fragment in its page, server-side, with the page's address for return.
    const url = site.page('/no-js.html', async (self) => {
      const back = `${site.pages}${self.pathname}`;
      const fragment = await (
        await fetch(`${site.api}/api/v1/articles/${article}/thread.html?lang=fr&return=${encodeURIComponent(back)}`)
      ).text();
      return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Sans script</title></head><body><main><h1>Un article</h1>${fragment}</main></body></html>`;
    });
    const page = await site.newPage({ javaScriptEnabled: false });
    await page.goto(url);
    expect(await page.locator(`#comment-${first!.id}`).textContent()).toContain('Le premier avis');
    expect(await page.locator('h2').textContent()).toBe('1 commentaire');
    await page
      .getByRole('textbox', { name: 'Commentaire', exact: true })
      .fill('Envoyé depuis un navigateur sans JavaScript.');
    await page.getByRole('textbox', { name: 'Nom', exact: true }).fill('Marc');
    await page.getByRole('textbox', { name: 'E-mail', exact: true }).fill('marc@exemple.fr');
    await page.waitForTimeout(3_200);
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    await page.waitForURL(/#comment-/);
    const landed = new URL(page.url());
    expect(landed.origin + landed.pathname).toBe(url);
    const id = landed.hash.slice('#comment-'.length);
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(await page.locator(`#comment-${id}`).textContent()).toContain('sans JavaScript');
    expect(await page.locator('h2').textContent()).toBe('2 commentaires');
  });

  it('takes over the server-side fragment in its element instead of rendering the thread again', async ({ expect }) => {
    const article = 'enhanced';
    const [first] = await seed(site, article, [{ author: 'Inès', content: 'Un avis servi par le serveur du site.' }]);
    const fragment = await (await fetch(`${site.api}/api/v1/articles/${article}/thread.html?lang=fr`)).text();
    const url = site.page(
      '/enhanced.html',
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Article</title></head><body><main>
<div data-tamis-thread data-article="${article}">${fragment}</div></main><script src="${site.api}/embed.js" async></script></body></html>`,
    );
    const page = await site.newPage();
    const threadReads: string[] = [];
    page.on(
      'request',
      (r) => void (/\/comments(\?|$)/.test(r.url()) && r.method() === 'GET' && threadReads.push(r.url())),
    );
    await page.goto(url);
    const comment = page.locator(`[data-tamis-thread] #comment-${first!.id}`);
    await comment.getByRole('button', { name: /Répondre/ }).waitFor();
    expect(
      await page.evaluate(() => !!document.querySelector('[data-tamis-thread]')!.shadowRoot!.querySelector('article')),
    ).toBe(true);
    expect(await page.locator('[data-tamis-thread] .total').textContent()).toBe('1 commentaire');
    expect(await page.locator('[data-tamis-thread] form').count()).toBe(1);
    expect(threadReads).toEqual([]);
  });

  it('hides Edit and Delete when the edit window closes; says a form post without JavaScript is held; follows the system theme with auto', async ({
    expect,
  }) => {
    // The edit token of a comment on the page, as the widget keeps it, with 1.5 s left.
    const page = await open({ attrs: 'data-theme="auto"' }, await site.newPage({ colorScheme: 'dark' }));
    expect(await page.locator('.tamis').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(22, 24, 29)');
    await page.evaluate(
      ([id]) =>
        localStorage.setItem('tamis:own', JSON.stringify({ [id!]: { token: 'edit.x', until: Date.now() + 1_500 } })),
      [long[1]!.id],
    );
    await page.reload();
    const own = page.locator(`#comment-${long[1]!.id} > .acts`);
    await own.getByRole('button', { name: 'Modifier' }).waitFor();
    await expect.poll(() => own.getByRole('button', { name: 'Modifier' }).count(), { timeout: 5_000 }).toBe(0);
    expect(await own.getByRole('button', { name: 'Supprimer' }).count()).toBe(0);

    const held = await open({ hash: '#comment-pending' });
    await expect
      .poll(() => held.locator('form [role=alert]').textContent())
      .toBe('Votre commentaire est en attente de modération.');
  });

  it('has no serious or critical accessibility violation, light or dark; fits 320 px; screenshots', async ({
    expect,
  }) => {
    for (const theme of ['light', 'dark'] as const) {
      const page = await open({ attrs: `data-theme="${theme}"` });
      const background = await page.locator('.tamis').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background, theme).toBe(theme === 'dark' ? 'rgb(22, 24, 29)' : 'rgb(255, 255, 255)');
      expect(await axeScan(page, '[data-tamis-thread]'), theme).toEqual([]);
      await screenshot(page, `widget-fr-${theme}-1280`, false);
      await page.setViewportSize({ width: 375, height: 800 });
      await screenshot(page, `widget-fr-${theme}-375`, false);
      await page.setViewportSize({ width: 320, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), theme).toBeLessThanOrEqual(320);
      // The form under a reply, at 320 px: still no horizontal scrolling.
      await page
        .locator(`#comment-${long[0]!.id} .replies > article`)
        .first()
        .getByRole('button', { name: /Répondre/ })
        .click();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), theme).toBeLessThanOrEqual(320);
    }
  });
});
