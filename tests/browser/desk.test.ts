import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, axeScan, screenshot, seed, startSite, type Site } from './harness';

/**
 * The moderation desk (GET /admin) in Chromium, against a server built as `npm start` builds it:
 * one moderator's session from sign-in to sign-out, each step checked through the admin API too.
 * The tests run in order and share the page.
 */

let site: Site;
let page: Page;
const requests: Request[] = [];
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const ids: Record<string, string> = {};

const status = async (id: string) =>
  (await site.admin<{ comment: { status: string } }>('GET', `/comments/${id}`)).comment.status;
const queueIds = () =>
  page.locator('li.comment').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.id!));
/** Waits for a value; generous, since the browser tests share the machine with the rest of the suite. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const count = (tab: string) => page.locator(`.tab[data-status="${tab}"] .count`);
/** axe's serious and critical findings on the page as it is (none expected), and its screenshot. */
async function noSeriousViolations(label: string) {
  await screenshot(page, `desk-${label.replace(/\W+/g, '-')}`);
  const violations = await axeScan(page);
  expect(
    violations.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
  ).toEqual([]);
}

beforeAll(async () => {
  site = await startSite();
  const texts = [
    ['Best Deals', 'Check out my channel, great offers: https://bit.ly/3xYz'],
    ['Camille', 'Très bon article, merci pour ces précisions.'],
    ['Hugo', 'Je ne suis pas d’accord avec la conclusion.'],
    ['Léa', 'Quelle source pour le chiffre du deuxième paragraphe ?'],
    ['Marc', 'Article intéressant, mais un peu long.'],
    ['Nina', 'Le graphique ne s’affiche pas sur mobile.'],
    ['Paul', 'Le parapluie jaune était oublié sur le quai.'],
  ] as const;
  const posted = await seed(
    site,
    'desk/one',
    texts.map(([author, content]) => ({ author, content })),
  );
  for (const [i, [author]] of texts.entries()) ids[author] = posted[i]!.id;
  const [reply] = await seed(site, 'desk/two', [{ author: 'Zoe', content: 'Merci pour la réponse.' }]);
  ids.Zoe = reply!.id;
  // Everything waits for a moderator.
  await site.admin('POST', '/comments/bulk', { ids: Object.values(ids), status: 'pending' });
  page = await site.newPage({ locale: 'en-GB' });
  page.on('request', (r) => requests.push(r));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 60_000);
afterAll(() => site?.close());

describe('the moderation desk', { timeout: 60_000 }, () => {
  it('refuses a wrong token, then signs in with the admin token kept in sessionStorage only', async () => {
    await page.goto(`${site.api}/admin`);
    await poll(() => page.locator('h2').textContent()).toBe('Sign in');
    await noSeriousViolations('sign-in');
    await page.getByLabel('Admin token').fill('not-the-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.locator('#token-error').textContent()).toBe('This token was refused.');
    expect(await page.getByLabel('Admin token').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    await poll(() => page.locator('li.comment').count()).toBe(8);
    await poll(() => count('pending').textContent()).toBe('8');
    expect(await page.locator('.tab[aria-pressed="true"]').getAttribute('data-status')).toBe('pending');
    expect(await page.evaluate(() => sessionStorage.getItem('tamis.desk.token'))).toBe(ADMIN_TOKEN);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.context().cookies()).toEqual([]);
    // Each comment in full: email, IP, user agent, article, verdict and reasons as chips.
    const camille = page.locator(`li.comment[data-id="${ids.Camille}"]`);
    await expect
      .poll(() => camille.locator('dl.meta').textContent())
      .toMatch(/camille@exemple\.fr.*2\.\d+\.\d+\.\d+.*Mozilla.*desk\/one/);
    expect(await camille.locator('.chip').count()).toBeGreaterThanOrEqual(1);
    // The checks' reasons: rule, points, detail.
    const chips = await page.locator(`li.comment[data-id="${ids['Best Deals']}"] .chip`).allTextContents();
    expect(
      chips.some((c) => /^shortened_link \+\d+(\.\d)? · .*bit\.ly/.test(c)),
      chips.join(' | '),
    ).toBe(true);
  });

  it('approves, marks spam and trashes with the keyboard; each leaves the tab at once, and Undo reverses it', async () => {
    await page.keyboard.press('j'); // to the first comment (the newest)
    const order = await queueIds();
    const first = order[0]!;
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id)).toBe(first);
    await page.keyboard.press('a');
    await poll(queueIds).toEqual(order.slice(1));
    await poll(() => status(first)).toBe('approved');
    await poll(() => count('pending').textContent()).toBe('7');
    await poll(() => page.locator('.toast').textContent()).toMatch(/1 moved to Approved/);

    await page.keyboard.press('s');
    await poll(() => status(order[1]!)).toBe('spam');
    await page.keyboard.press('d');
    await poll(() => status(order[2]!)).toBe('trash');
    await poll(queueIds).toEqual(order.slice(3));

    // Undo, from the keyboard: the trashed comment comes back to pending, in its place.
    await page.locator('.toast button.undo').focus();
    await page.keyboard.press('Enter');
    await poll(() => status(order[2]!)).toBe('pending');
    await poll(queueIds).toEqual(order.slice(2));
    expect(await count('trash').textContent()).toBe('0');

    // j moves down, k up; `u` undoes the last decision too.
    await page.locator(`li.comment[data-id="${order[2]}"]`).focus();
    await page.keyboard.press('j');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id)).toBe(order[3]);
    await page.keyboard.press('k');
    await page.keyboard.press('a');
    await poll(() => status(order[2]!)).toBe('approved');
    await page.locator('.toast button.undo').waitFor();
    await page.keyboard.press('u');
    await poll(() => status(order[2]!)).toBe('pending');
    await poll(queueIds).toEqual(order.slice(2));

    // ? lists the keys.
    await page.keyboard.press('?');
    await poll(() => page.locator('dialog.keys').isVisible()).toBe(true);
    await noSeriousViolations('keys');
    await page.keyboard.press('Escape');
    await poll(() => page.locator('dialog.keys').count()).toBe(0);
  });

  it('applies one decision to a selection (x, or the boxes)', async () => {
    const order = await queueIds();
    await page.locator(`li.comment[data-id="${order[0]}"]`).focus();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await poll(() => page.locator('.bulk .selected').textContent()).toBe('2 selected');
    await page.locator('.bulk button[data-bulk="spam"]').click();
    await poll(queueIds).toEqual(order.slice(2));
    await poll(async () => [await status(order[0]!), await status(order[1]!)]).toEqual(['spam', 'spam']);
    await poll(() => count('spam').textContent()).toBe('3');
    // All on the page, from the keyboard (the box keeps the focus), and none again.
    await page.locator('#select-all').focus();
    await page.keyboard.press('Space');
    await poll(() => page.locator('.bulk .selected').textContent()).toBe(`${order.length - 2} selected`);
    expect(await page.locator('li.comment input[type=checkbox]:checked').count()).toBe(order.length - 2);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('select-all');
    await page.keyboard.press('Space');
    await poll(() => page.locator('.bulk .selected').textContent()).toBe('0 selected');
    expect(await page.locator('.bulk button[data-bulk="spam"]').isDisabled()).toBe(true);
  });

  it('searches the text, filters by article, and changes tab', async () => {
    await page.getByLabel('Author, text, whole email or IP').fill('précisions');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(queueIds).toEqual([ids.Camille]);
    await page.getByLabel('Author, text, whole email or IP').fill('');
    await page.locator('#article-filter').fill('desk/two');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.locator('li.empty').count()).toBe(1);
    // The newest comment, approved with `a` above, is under Approved.
    // From the keyboard: the tab keeps the focus.
    await page.locator('.tab[data-status="approved"]').focus();
    await page.keyboard.press('Enter');
    await poll(queueIds).toEqual([ids.Zoe]);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.status)).toBe('approved');
    expect(await page.locator('.tab[data-status="approved"]').getAttribute('aria-pressed')).toBe('true');
    await noSeriousViolations('queue, approved');
    await page.locator('#article-filter').fill('');
    await page.locator('.tab[data-status="pending"]').click();
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.locator('li.comment').count()).toBe(4);
    await noSeriousViolations('queue');
    await page.locator('.toast').evaluate((toast) => toast.replaceChildren());
    await screenshot(page, 'desk-queue');
  });

  it('edits a text, replies as staff and deletes, from the queue', async () => {
    const lea = page.locator(`li.comment[data-id="${ids.Léa}"]`);
    await lea.focus();
    await page.keyboard.press('e');
    const text = page.getByLabel('Text of the comment');
    await poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    expect(await text.inputValue()).toBe('Quelle source pour le chiffre du deuxième paragraphe ?');
    await text.fill('Quelle source pour ce chiffre ?');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (await site.admin<{ comment: { content: string; status: string } }>('GET', `/comments/${ids.Léa}`)).comment,
      )
      .toMatchObject({
        content: 'Quelle source pour ce chiffre ?',
        status: 'pending',
      });
    await poll(() => lea.locator('.text').textContent()).toBe('Quelle source pour ce chiffre ?');

    // A reply needs an approved comment: the API's refusal is shown beside the text.
    await lea.focus();
    await page.keyboard.press('r');
    await page.getByLabel('Reply as staff').fill('Le chiffre vient du rapport annuel.');
    await page.getByRole('button', { name: 'Send' }).click();
    await poll(() => lea.locator('.editor .error').textContent()).toMatch(/.+/);
    await page.keyboard.press('Escape');
    await page.locator('.tab[data-status="approved"]').click();
    const zoe = page.locator(`li.comment[data-id="${ids.Zoe}"]`);
    await zoe.focus();
    await page.keyboard.press('r');
    await page.getByLabel('Reply as staff').fill('Avec plaisir.');
    await page.getByRole('button', { name: 'Send' }).click();
    await poll(() => page.locator('.toast').textContent()).toMatch(/Reply published/);
    const thread = (await (await fetch(`${site.direct}/api/v1/articles/desk%2Ftwo/comments`)).json()) as {
      comments: { id: string; replies: { content: string; author: { staff: boolean } }[] }[];
    };
    expect(thread.comments.find((c) => c.id === ids.Zoe)?.replies).toMatchObject([
      { content: 'Avec plaisir.', author: { staff: true } },
    ]);

    // Delete asks first.
    await page.locator('.tab[data-status="pending"]').click();
    const hugo = page.locator(`li.comment[data-id="${ids.Hugo}"]`);
    page.once('dialog', (d) => void d.dismiss());
    await hugo.getByRole('button', { name: 'Delete' }).click();
    expect(await status(ids.Hugo!)).toBe('pending');
    page.once('dialog', (d) => void d.accept());
    await hugo.getByRole('button', { name: 'Delete' }).click();
    await poll(() => hugo.count()).toBe(0);
    expect(
      (
        await fetch(`${site.direct}/api/v1/admin/comments/${ids.Hugo}`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
    ).toBe(404);
  });

  it('changes a setting, and shows a refused value next to its field', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Hold threshold').fill('4');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (await site.admin<{ settings: { spam: { holdThreshold: number } } }>('GET', '/settings')).settings.spam
            .holdThreshold,
      )
      .toBe(4);
    await page.getByLabel('Spam threshold').fill('1000');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByLabel('Spam threshold').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#set-spam-spamThreshold-error').textContent()).toMatch(/at most 100/);
    await noSeriousViolations('settings');
  });

  it('adds a list entry', async () => {
    await page.getByRole('link', { name: 'Lists' }).click();
    await page.getByLabel('Value').fill('casino');
    await page.getByRole('button', { name: 'Add' }).click();
    await poll(() => page.locator('table code').allTextContents()).toEqual(['casino']);
    const { entries } = await site.admin<{ entries: { list: string; kind: string; value: string }[] }>('GET', '/lists');
    expect(entries.map((e) => [e.list, e.kind, e.value])).toEqual([['disallowed', 'word', 'casino']]);
    await noSeriousViolations('lists');
  });

  it('creates a token, shown once, and revokes it', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Name').fill('Night desk');
    await page.getByRole('button', { name: 'Create a token' }).click();
    await poll(() => page.locator('#new-secret').textContent()).toMatch(/^tamis_/);
    const secret = (await page.locator('#new-secret').textContent())!;
    expect(
      (await fetch(`${site.direct}/api/v1/admin/tokens`, { headers: { Authorization: `Bearer ${secret}` } })).status,
    ).toBe(200);
    await noSeriousViolations('tokens');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke Night desk' }).click();
    await poll(() => page.getByRole('button', { name: 'Revoke Night desk' }).count()).toBe(0);
    expect(
      (await fetch(`${site.direct}/api/v1/admin/tokens`, { headers: { Authorization: `Bearer ${secret}` } })).status,
    ).toBe(401);
  });

  it('shows those changes in the audit log', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await poll(() => page.locator('table.audit tbody tr').count()).toBeGreaterThan(5);
    const actions = await page.locator('table.audit tbody td:nth-child(3)').allTextContents();
    for (const action of [
      'token.revoke',
      'token.create',
      'list.add',
      'settings.update',
      'comment.update',
      'comment.create',
      'comment.delete',
    ])
      expect(actions).toContain(action);
    await noSeriousViolations('audit');
  });

  it('shows the statistics and the articles, accessibly', async () => {
    await page.getByRole('link', { name: 'Statistics' }).click();
    await poll(() => page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    await noSeriousViolations('stats');
    await page.getByRole('link', { name: 'Articles' }).click();
    await page.getByLabel('Article id').fill('desk/one');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByLabel('Closed to new comments').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (await site.admin<{ article: { closed: boolean } }>('GET', `/articles/${encodeURIComponent('desk/one')}`))
            .article.closed,
      )
      .toBe(true);
    await noSeriousViolations('articles');
  });

  it('pages through a long tab with "Load more"', async () => {
    for (let i = 1; i <= 21; i++) {
      await site.admin('POST', `/articles/${encodeURIComponent('desk/two')}/comments`, {
        content: `Précision n° ${i}.`,
        parentId: ids.Zoe,
      });
    }
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.locator('.tab[data-status="approved"]').click();
    await poll(() => page.locator('li.comment').count()).toBe(20);
    await page.getByRole('button', { name: 'Load more' }).click();
    // Zoé's comment (approved with `a`), the earlier reply and these 21.
    await poll(() => page.locator('li.comment').count()).toBe(23);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(new Set(await queueIds()).size).toBe(23);
  });

  it('switches to French, and signs out, forgetting the token', async () => {
    await page.getByRole('button', { name: 'Passer en français' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Bureau de modération');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('English');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await poll(() => page.locator('h2').textContent()).toBe('Connexion');
    expect(await page.evaluate(() => sessionStorage.getItem('tamis.desk.token'))).toBeNull();
    // A browser that prefers French gets the desk in French.
    const french = await site.newPage({ locale: 'fr-FR' });
    await french.goto(`${site.api}/admin`);
    await poll(() => french.locator('h2').textContent()).toBe('Connexion');
    expect(await french.getByLabel('Jeton d’administration').count()).toBe(1);
  });

  it('sends a moderator whose token is revoked back to sign-in, at the next request', async () => {
    const { token, secret } = await site.admin<{ token: { id: string }; secret: string }>('POST', '/tokens', {
      name: 'Weekend desk',
    });
    const other = await site.newPage({ locale: 'en-GB' });
    await other.goto(`${site.api}/admin`);
    await other.getByLabel('Admin token').fill(secret);
    await other.getByRole('button', { name: 'Sign in' }).click();
    // Signed in, the queue and its counts loaded (nothing left in flight).
    await poll(() => other.locator('.tab[data-status="trash"] .count').textContent()).toMatch(/^\d+$/);
    await poll(() => other.locator('li.comment').count()).toBeGreaterThan(0);
    await site.admin('DELETE', `/tokens/${token.id}`);
    await other.locator('.tab[data-status="spam"]').click();
    await poll(() => other.locator('#token-error').textContent()).toBe('Your session ended: sign in again.');
    expect(await other.evaluate(() => sessionStorage.getItem('tamis.desk.token'))).toBeNull();
  });

  it('follows a dark colour scheme, accessibly', async () => {
    const dark = await site.newPage({ locale: 'en-GB', colorScheme: 'dark' });
    await dark.goto(`${site.api}/admin`);
    await dark.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await dark.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => dark.locator('li.comment').count()).toBeGreaterThan(0);
    expect(await dark.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(22, 22, 26)');
    await screenshot(dark, 'desk-queue-dark');
    const violations = await axeScan(dark);
    expect(violations.map((v) => `${v.id} ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`)).toEqual([]);
  });

  it('ran without an error, and the Content-Security-Policy blocked nothing', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((m) => /Content.Security.Policy|Refused to/i.test(m))).toEqual([]);
  });

  it('sent every request to its own origin, the token only as a bearer header', async () => {
    const origin = new URL(site.api).origin;
    expect(requests.length).toBeGreaterThan(10);
    for (const r of requests) {
      expect(new URL(r.url()).origin).toBe(origin);
      expect(r.url()).not.toContain(ADMIN_TOKEN);
    }
    expect(requests.some((r) => r.headers().authorization === `Bearer ${ADMIN_TOKEN}`)).toBe(true);
  });
});
