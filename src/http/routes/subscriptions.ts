import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../deps';
import { escapeHtml } from '../../render';
import { confirmLink, unsubscribeLink, type LinkOutcome } from '../../services/notifications';
import type { Lang } from '../i18n';
import { problems, router } from '../openapi';
import { enumQuery } from '../params';

/**
 * The links of readers' emails: confirming a subscription to replies (double opt-in) and one-click
 * unsubscription (the link, and RFC 8058's POST from the mail client). No sign-in: the signed token
 * is the proof; it names an opaque subscription id, never the address, and expires.
 */
export const subscriptions = router();
const tags = ['Notifications'];

const LinkQuery = z.object({
  token: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().min(1).max(500)),
  lang: enumQuery(['fr', 'en'], 'fr').describe('The language of the page (the email’s).'),
});

const WORDS: Record<Lang, Record<'confirm' | 'unsubscribe', Record<LinkOutcome, [string, string]>>> = {
  fr: {
    confirm: {
      done: [
        'Abonnement confirmé',
        'Vous recevrez un e-mail quand quelqu’un répondra à votre commentaire. Chaque e-mail contient un lien pour vous désabonner.',
      ],
      expired: [
        'Lien expiré',
        'Ce lien de confirmation a expiré. Cochez à nouveau la case lors de votre prochain commentaire.',
      ],
      invalid: ['Lien non valide', 'Ce lien n’est pas valide, ou l’abonnement a été annulé.'],
    },
    unsubscribe: {
      done: [
        'Désabonnement effectué',
        'Vous ne recevrez plus d’e-mails de réponses à vos commentaires. Aucune connexion n’était nécessaire.',
      ],
      expired: ['Lien expiré', 'Ce lien de désabonnement a expiré : utilisez celui d’un e-mail plus récent.'],
      invalid: ['Lien non valide', 'Ce lien de désabonnement n’est pas valide.'],
    },
  },
  en: {
    confirm: {
      done: [
        'Subscription confirmed',
        'You will get an email when someone replies to your comment. Each email has a link to unsubscribe.',
      ],
      expired: ['Link expired', 'This confirmation link has expired. Tick the box again with your next comment.'],
      invalid: ['Invalid link', 'This link is not valid, or the subscription was cancelled.'],
    },
    unsubscribe: {
      done: [
        'You are unsubscribed',
        'You will get no more emails about replies to your comments. No sign-in was needed.',
      ],
      expired: ['Link expired', 'This unsubscribe link has expired: use the one in a more recent email.'],
      invalid: ['Invalid link', 'This unsubscribe link is not valid.'],
    },
  },
};

function page(c: Context<AppEnv>, lang: Lang, action: 'confirm' | 'unsubscribe', outcome: LinkOutcome) {
  const [title, text] = WORDS[lang][action][outcome];
  return c.html(
    `<!doctype html><html lang="${lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
    outcome === 'done' ? 200 : outcome === 'expired' ? 410 : 404,
    { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
  );
}

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const answers = {
  200: html('Done: a short page in the email’s language'),
  404: html('The token is not valid (or the subscription is gone)'),
  410: html('The link has expired'),
  422: problems[422],
};

const confirm = createRoute({
  method: 'get',
  path: '/confirm',
  tags,
  summary: 'Confirm a subscription to replies (the link of the confirmation email)',
  description:
    'Confirms every subscription of the address the email went to. The link expires after 7 days. Until it is opened, nothing but that one email is sent to the address.',
  request: { query: LinkQuery },
  responses: answers,
});
subscriptions.openapi(confirm, async (c) => {
  const { token, lang } = c.req.valid('query');
  return page(c, lang, 'confirm', await confirmLink(c.var.deps, token));
});

const unsubscribe = createRoute({
  method: 'get',
  path: '/unsubscribe',
  tags,
  summary: 'Unsubscribe from reply emails (the link in each email)',
  description:
    'One click, no sign-in: every subscription of the address goes, with the emails still waiting for it. The link expires after 90 days (each email carries a fresh one). Opened again, it answers the same.',
  request: { query: LinkQuery },
  responses: answers,
});
/** The link and the one-click POST do the same. */
const unsubscribed = async (c: Context<AppEnv>, query: z.infer<typeof LinkQuery>) =>
  page(c, query.lang, 'unsubscribe', await unsubscribeLink(c.var.deps, query.token));
subscriptions.openapi(unsubscribe, (c) => unsubscribed(c, c.req.valid('query')));

const oneClick = createRoute({
  ...unsubscribe,
  method: 'post',
  summary: 'One-click unsubscription (RFC 8058)',
  description:
    'What a mail client sends for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: a POST to the List-Unsubscribe URL (its body, `List-Unsubscribe=One-Click`, is not needed).',
});
subscriptions.openapi(oneClick, (c) => unsubscribed(c, c.req.valid('query')));
