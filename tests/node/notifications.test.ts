import { afterEach, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/deps';
import { outboxTick } from '../../src/services/outbox';
import { adminCall, comment, formPost, post, postOk } from '../harness/client';
import { setup, type NodeHarness } from '../harness/node';
import { smtpServer, type Received } from '../harness/smtp';

/** Email against a real SMTP server (smtp-server on 127.0.0.1), sent by nodemailer as on the Node entry. */

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const PUBLIC = 'https://commentaires.exemple.fr';
const MODS = ['moderation@exemple.fr', 'redaction@exemple.fr'];
const ARTICLE = { title: 'Le budget 2027 en dix graphiques', url: 'https://journal.exemple.fr/2026/12/budget/' };

async function withMail(env: Record<string, string> = {}, refuse?: (n: number) => boolean) {
  const smtp = await smtpServer(refuse ? { refuse } : {});
  servers.push(smtp);
  const t = await setup({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Commentaires <tamis@exemple.fr>',
    PUBLIC_URL: PUBLIC,
    MODERATOR_EMAILS: MODS.join(', '),
    ...env,
  });
  expect((await adminCall(t, 'PUT', '/articles/a1', ARTICLE)).status).toBe(200);
  return { t, smtp };
}

const to = (received: Received[], address: string) => received.filter((r) => r.to.includes(address));

/** The link of an email's text that starts with `prefix`. */
function link(r: Received, prefix: string): string {
  const match = new RegExp(`${prefix.replace(/[.?/]/g, '\\$&')}[^\\s>]+`).exec(r.mail.text ?? '');
  if (!match) throw new Error(`no ${prefix} link in:\n${r.mail.text}`);
  return match[0];
}

/** Opens a link of an email on the app (its origin is PUBLIC_URL). */
const open = (t: NodeHarness, url: string, init?: RequestInit) => {
  const u = new URL(url);
  return t.request(`${u.pathname}${u.search}`, init);
};

const reply = (parentId: string, overrides: Record<string, unknown> = {}) =>
  comment({
    author: 'Jules Ferry',
    parentId,
    content: 'Je ne suis pas d’accord : les chiffres de 2025 disent autre chose.',
    ...overrides,
  });

describe('reply notifications, double opt-in', () => {
  it('tick, confirm, reply approved → one email; own reply, held reply, second reply within the hour → none; unsubscribe → none', async () => {
    const { t, smtp } = await withMail();
    const lea = 'lea.dupont@exemple.fr';
    const mine = await postOk(t, 'a1', comment({ author: 'Léa', email: lea, notify: true }));
    await t.settled();

    // One confirmation email, and nothing else until it is clicked.
    expect(to(smtp.received, lea)).toHaveLength(1);
    const confirmation = to(smtp.received, lea)[0]!;
    expect(confirmation.to).toEqual([lea]);
    expect(confirmation.mail.from?.value).toEqual([{ name: 'Commentaires', address: 'tamis@exemple.fr' }]);
    expect(confirmation.mail.subject).toBe('Confirmez les notifications de réponses');
    expect(confirmation.mail.text).toContain(`« ${ARTICLE.title} »`);
    const confirmUrl = link(confirmation, `${PUBLIC}/api/v1/subscriptions/confirm?token=`);
    // The link names no address.
    expect(decodeURIComponent(new URL(confirmUrl).search)).not.toMatch(/lea|dupont|exemple/);

    await postOk(t, 'a1', reply(mine.comment.id));
    await t.settled();
    expect(to(smtp.received, lea)).toHaveLength(1); // not confirmed yet

    const confirmed = await open(t, confirmUrl);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Abonnement confirmé');

    const answer = await postOk(
      t,
      'a1',
      reply(mine.comment.id, { content: 'Voici la source : le rapport de la Cour des comptes.' }),
    );
    await t.settled();
    const mails = to(smtp.received, lea);
    expect(mails).toHaveLength(2);
    const notice = mails[1]!;
    expect(notice.to).toEqual([lea]);
    expect(notice.mail.subject).toBe(`Jules Ferry vous a répondu sur « ${ARTICLE.title} »`);
    expect(notice.mail.text).toContain('> Voici la source : le rapport de la Cour des comptes.');
    expect(notice.mail.text).toContain(`${ARTICLE.url}#comment-${answer.comment.id}`);
    const unsubscribeUrl = link(notice, `${PUBLIC}/api/v1/subscriptions/unsubscribe?token=`);
    expect(notice.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(notice.raw.replace(/\r?\n[ \t]+/g, ' ')).toContain(`List-Unsubscribe: <${unsubscribeUrl}>`);
    expect(notice.mail.html).toContain('Voici la source');
    expect(notice.mail.html).not.toMatch(/<img/i);

    // A second reply within the hour: no second email.
    await postOk(t, 'a1', reply(mine.comment.id, { content: 'Et une autre précision, pour être complet.' }));
    await t.settled();
    expect(to(smtp.received, lea)).toHaveLength(2);

    // Her own reply, an hour later: none.
    t.clock.advance(HOUR + 1000);
    await postOk(t, 'a1', reply(mine.comment.id, { author: 'Léa', email: lea, content: 'Merci pour ces précisions.' }));
    await t.settled();
    expect(to(smtp.received, lea)).toHaveLength(2);

    // A reply held for moderation: none until a moderator approves it.
    expect((await adminCall(t, 'PUT', '/articles/a1', { moderation: 'all' })).status).toBe(200);
    const held = await postOk(t, 'a1', reply(mine.comment.id, { content: 'Une réponse <b>à relire</b> & à valider.' }));
    expect(held.comment.status).toBe('pending');
    await t.settled();
    expect(to(smtp.received, lea)).toHaveLength(2);
    expect((await adminCall(t, 'PATCH', `/comments/${held.comment.id}`, { status: 'approved' })).status).toBe(200);
    await t.settled();
    expect(to(smtp.received, lea)).toHaveLength(3);
    const approved = to(smtp.received, lea)[2]!;
    expect(approved.mail.text).toContain(`#comment-${held.comment.id}`);
    // The text of comments is escaped in the HTML part.
    expect(approved.mail.html).toContain('Une réponse &lt;b&gt;à relire&lt;/b&gt; &amp; à valider.');

    // One-click unsubscription (RFC 8058), then nothing more.
    const gone = await open(t, unsubscribeUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(gone.status).toBe(200);
    expect(await gone.text()).toContain('Désabonnement effectué');
    t.clock.advance(HOUR + 1000);
    expect((await adminCall(t, 'PUT', '/articles/a1', { moderation: 'none' })).status).toBe(200);
    await postOk(t, 'a1', reply(mine.comment.id, { content: 'Une dernière réponse, après le désabonnement.' }));
    await t.settled();
    expect(to(smtp.received, lea)).toHaveLength(3);
    // The link still answers (in English when asked), without sign-in.
    const again = await open(t, unsubscribeUrl.replace('lang=fr', 'lang=en'));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You are unsubscribed');
  });

  it('answers the same whether the address is new, waiting or subscribed; links are signed and expire', async () => {
    const { t, smtp } = await withMail();
    const shapes: string[] = [];
    const email = 'same.answer@exemple.fr';
    for (let i = 0; i < 3; i++) {
      const res = await post(t, 'a1', comment({ email, notify: true }));
      expect(res.status).toBe(201);
      const body = (await res.json()) as Record<string, any>;
      shapes.push(
        JSON.stringify([Object.keys(body).sort(), Object.keys(body.comment).sort(), res.headers.get('cache-control')]),
      );
      await t.settled();
      if (i === 0) {
        const confirmUrl = link(to(smtp.received, email)[0]!, `${PUBLIC}/api/v1/subscriptions/confirm?token=`);
        // A forged or altered token does nothing; an expired one says so.
        expect((await open(t, `${confirmUrl.slice(0, -12)}AAAAAAAA&lang=fr`)).status).toBe(404);
        expect((await t.request('/api/v1/subscriptions/confirm?token=sub.confirm.x.9999999999999.AAAA')).status).toBe(
          404,
        );
        t.clock.advance(8 * 24 * HOUR);
        expect((await open(t, confirmUrl)).status).toBe(410);
      }
    }
    expect(new Set(shapes).size).toBe(1);
    // One confirmation email, however many comments asked (at most one a day per address).
    expect(to(smtp.received, email)).toHaveLength(2); // the second after the first expired, 8 days later
  });

  it('the form offers the box only when the site sends email; without SMTP_URL nothing is queued', async () => {
    const { t } = await withMail();
    expect(((await (await t.request('/api/v1/articles/a1/form')).json()) as any).notify).toBe(true);
    const html = await (await t.request('/api/v1/articles/a1/thread.html?lang=fr')).text();
    expect(html).toContain('<input type="checkbox" id="tamis-notify" name="notify" value="on">');
    expect(html).toContain('Me prévenir des réponses par e-mail');
    expect(await (await t.request('/api/v1/articles/a1/thread.html?lang=en')).text()).toContain(
      'Notify me of replies by email',
    );

    const off = await setup();
    expect(((await (await off.request('/api/v1/articles/a1/form')).json()) as any).notify).toBe(false);
    expect(await (await off.request('/api/v1/articles/a1/thread.html')).text()).not.toContain('notify');
    await postOk(off, 'a1', comment({ notify: true }));
    await off.settled();
    expect((await adminCall(off, 'GET', '/outbox?state=pending')).body.items).toEqual([]);
  });

  it('the form without JavaScript sends notify=on: the same opt-in', async () => {
    const { t, smtp } = await withMail();
    const email = 'sans.js@exemple.fr';
    const res = await formPost(t, { ...comment({ email }), notify: 'on' } as Record<string, string>);
    expect(res.status).toBe(201);
    await t.settled();
    expect(to(smtp.received, email).map((r) => r.mail.subject)).toEqual(['Confirmez les notifications de réponses']);
    // Unticked (absent), nothing.
    await formPost(t, comment({ email: 'pas.coche@exemple.fr' }) as Record<string, string>);
    await t.settled();
    expect(to(smtp.received, 'pas.coche@exemple.fr')).toEqual([]);
  });

  it('a privacy erasure removes the subscriptions and the emails still waiting', async () => {
    // The SMTP server refuses everything: the confirmation stays in the outbox.
    const { t } = await withMail({}, () => true);
    const email = 'effacez.moi@exemple.fr';
    await postOk(t, 'a1', comment({ email, notify: true }));
    await t.settled();
    const pending = await adminCall(t, 'GET', '/outbox?state=pending');
    expect(pending.body.items.map((i: any) => i.type)).toEqual(['email.confirm']);
    expect(pending.body.items[0].lastError).toMatch(/451/);
    expect(JSON.stringify(pending.body)).not.toContain('effacez');

    expect((await adminCall(t, 'POST', '/privacy/erase', { email })).status).toBe(200);
    expect((await adminCall(t, 'GET', '/outbox?state=pending')).body.items).toEqual([]);
  });
});

describe('moderators', () => {
  it('an email to MODERATOR_EMAILS when a comment is held: author, article, text, reasons, links', async () => {
    const { t, smtp } = await withMail();
    expect((await adminCall(t, 'PUT', '/articles/a1', { moderation: 'all' })).status).toBe(200);
    // A moderation list entry matches the sender's IP: the reason says so, without the IP.
    await adminCall(t, 'POST', '/lists', { list: 'moderation', kind: 'ip', value: '192.0.2.77' });
    const held = await postOk(
      t,
      'a1',
      comment({ author: 'Marc <Dupont>', content: 'Texte à relire & <script>x</script>.' }),
      { ip: '192.0.2.77' },
    );
    await postOk(t, 'a2', comment()); // approved on an article moderated as usual: no email
    await t.settled();
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to.sort()).toEqual([...MODS].sort());
    expect(mail!.mail.subject).toBe(`Commentaire en attente : Marc <Dupont> sur « ${ARTICLE.title} »`);
    expect(mail!.mail.text).toContain('> Texte à relire & <script>x</script>.');
    expect(mail!.mail.text).toMatch(/Verdict : hold .*Raisons : moderation_list \(ip "\[IP\]" in ip\)/);
    expect(mail!.raw).not.toContain('192.0.2.77');
    expect(mail!.mail.text).toContain(`Article : ${ARTICLE.url}#comment-${held.comment.id}`);
    expect(mail!.mail.text).toContain(`${PUBLIC}/admin#queue`);
    expect(mail!.mail.html).toContain('Texte à relire &amp; &lt;script&gt;x&lt;/script&gt;.');
    expect(mail!.mail.html).not.toContain('<script>');
  });

  it('with moderatorDigest "hourly": one digest an hour, of the comments still held', async () => {
    const { t, smtp } = await withMail();
    expect((await adminCall(t, 'PATCH', '/settings', { moderatorDigest: 'hourly', moderation: 'all' })).status).toBe(
      200,
    );
    const a = await postOk(t, 'a1', comment({ author: 'Alice' }));
    const b = await postOk(t, 'a1', comment({ author: 'Bruno' }));
    const c = await postOk(t, 'a1', comment({ author: 'Chloé' }));
    expect((await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'approved' })).status).toBe(200);
    await t.settled();
    expect(smtp.received).toHaveLength(0);

    await outboxTick(t.deps);
    expect(smtp.received).toHaveLength(1);
    const digest = smtp.received[0]!;
    expect(digest.to.sort()).toEqual([...MODS].sort());
    expect(digest.mail.subject).toBe('2 commentaires en attente de modération');
    expect(digest.mail.text).toContain(`#comment-${a.comment.id}`);
    expect(digest.mail.text).toContain(`#comment-${b.comment.id}`);
    expect(digest.mail.text).not.toContain(c.comment.id);

    // Not again within the hour; the next one has only what came since.
    await postOk(t, 'a1', comment({ author: 'Denis' }));
    await outboxTick(t.deps);
    expect(smtp.received).toHaveLength(1);
    t.clock.advance(HOUR);
    await outboxTick(t.deps);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.mail.subject).toBe('1 commentaire en attente de modération');
    expect(smtp.received[1]!.mail.text).toContain('Denis');
  });

  it('in English on an English site, with the links on the request’s origin when PUBLIC_URL is not set', async () => {
    const { t, smtp } = await withMail({ PUBLIC_URL: '' });
    expect((await adminCall(t, 'PATCH', '/settings', { moderation: 'all', spam: { siteLanguage: 'en' } })).status).toBe(
      200,
    );
    await adminCall(t, 'PUT', '/articles/a3', { moderation: 'all' });
    const held = await postOk(t, 'a3', comment({ author: 'Sam' }));
    await t.settled();
    const [mail] = smtp.received;
    expect(mail!.mail.subject).toBe('Comment held for moderation: Sam on a3');
    // app.request's origin is http://localhost; the article has no URL: Tamis's own HTML thread.
    expect(mail!.mail.text).toContain(
      `http://localhost/api/v1/articles/a3/thread.html?lang=en#comment-${held.comment.id}`,
    );
    expect(mail!.mail.text).toContain('http://localhost/admin#queue');
  });
});
