import { afterAll, beforeAll, describe, it } from 'vitest';
import { smtpServer } from '../harness/smtp';
import { startSite, type Site } from './harness';

/**
 * The widget's "Notify me of replies by email" box in a real browser (Chromium), against the built
 * Node server sending to a real SMTP server on 127.0.0.1.
 */

let site: Site;
let smtp: Awaited<ReturnType<typeof smtpServer>>;

beforeAll(async () => {
  smtp = await smtpServer();
  site = await startSite({
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'tamis@exemple.fr', PUBLIC_URL: 'https://commentaires.exemple.fr' },
  });
}, 120_000);
afterAll(async () => {
  await site?.close();
  await smtp?.close();
});

async function open(lang: 'fr' | 'en', article: string) {
  const url = site.page(
    `/${article}.html`,
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Article</title></head>
<body><div data-tamis-thread data-article="${article}"></div><script src="${site.api}/embed.js" async></script></body></html>`,
  );
  const page = await site.newPage({ viewport: { width: 1024, height: 900 } });
  await page.goto(url);
  await page.locator('[data-tamis-thread] .total').waitFor();
  return page;
}

describe('the notify box', { timeout: 60_000 }, () => {
  it('is shown, unticked, when the site sends email; ticked, the reader gets one confirmation email', async ({
    expect,
  }) => {
    const page = await open('fr', 'notify-fr');
    const box = page.getByRole('checkbox', { name: 'Me prévenir des réponses par e-mail' });
    await page.getByRole('textbox', { name: 'Commentaire', exact: true }).focus(); // fetches the form token
    await box.waitFor({ state: 'visible' });
    expect(await box.isChecked()).toBe(false);
    await page.getByRole('textbox', { name: 'Commentaire', exact: true }).fill('Un avis, et je veux les réponses.');
    await page.getByRole('textbox', { name: 'Nom', exact: true }).fill('Léa');
    await page.getByRole('textbox', { name: 'E-mail', exact: true }).fill('lea.navigateur@exemple.fr');
    await box.check();
    await page.waitForTimeout(3_200);
    await page.getByRole('button', { name: 'Laisser un commentaire' }).click();
    await expect.poll(() => page.locator('.list > article').count()).toBe(1);
    await expect.poll(() => smtp.received.length).toBe(1);
    expect(smtp.received[0]!.to).toEqual(['lea.navigateur@exemple.fr']);
    expect(smtp.received[0]!.mail.subject).toBe('Confirmez les notifications de réponses');
    // Unticked again for the next comment.
    expect(await box.isChecked()).toBe(false);

    const en = await open('en', 'notify-en');
    await en.getByRole('textbox', { name: 'Comment', exact: true }).focus();
    await en.getByRole('checkbox', { name: 'Notify me of replies by email' }).waitFor({ state: 'visible' });
  });
});
