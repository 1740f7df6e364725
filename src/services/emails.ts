import { escapeHtml } from '../render';

/**
 * The emails' words, in French or English (the site's language, or the article's): plain text and
 * simple HTML, the comments' text escaped, no image, no tracking, every link spelled out in the text.
 */

export type MailLang = 'fr' | 'en';
export const mailLang = (language: string | null | undefined): MailLang => (language === 'en' ? 'en' : 'fr');

export interface ArticleRef {
  id: string;
  title: string | null;
  url: string | null;
}

export interface HeldComment {
  id: string;
  articleId: string;
  author: string;
  content: string;
  verdict: string;
  score: number;
  reasons: { rule: string; detail?: string }[];
  article?: ArticleRef | undefined;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Where a comment is read: on the article's page when its URL is known, else on Tamis's own HTML thread. */
export function commentLink(base: string, article: ArticleRef, commentId: string, lang: MailLang): string {
  if (article.url) return `${article.url.replace(/#.*$/, '')}#comment-${commentId}`;
  return `${base}/api/v1/articles/${encodeURIComponent(article.id)}/thread.html?lang=${lang}#comment-${commentId}`;
}

export const deskLink = (base: string) => `${base}/admin#queue`;

const articleName = (a: ArticleRef) => (a.title ? `« ${a.title} »` : a.id);
const articleNameEn = (a: ArticleRef) => (a.title ? `“${a.title}”` : a.id);

/** The HTML body: paragraphs of escaped text; links as links (their text is the address). */
function html(lang: MailLang, blocks: Array<string | { quote: string } | { link: string; label?: string }>): string {
  const body = blocks
    .map((b) => {
      if (typeof b === 'string') return `<p>${escapeHtml(b).replace(/\n/g, '<br>')}</p>`;
      if ('quote' in b)
        return `<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">${escapeHtml(b.quote).replace(/\n/g, '<br>')}</blockquote>`;
      return `<p><a href="${escapeHtml(b.link)}">${escapeHtml(b.label ?? b.link)}</a></p>`;
    })
    .join('\n');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.5">\n${body}\n</body></html>`;
}

function text(lang: MailLang, blocks: Array<string | { quote: string } | { link: string; label?: string }>): string {
  return blocks
    .map((b) => {
      if (typeof b === 'string') return b;
      if ('quote' in b) return b.quote.replace(/^/gm, '> ');
      return b.label ? `${b.label}${lang === 'fr' ? ' : ' : ': '}${b.link}` : b.link;
    })
    .join('\n\n');
}

const render = (lang: MailLang, subject: string, blocks: Parameters<typeof text>[1]): RenderedMail => ({
  subject,
  text: `${text(lang, blocks)}\n`,
  html: html(lang, blocks),
});

function heldBlocks(c: HeldComment, base: string, lang: MailLang) {
  const article = c.article ?? { id: c.articleId, title: null, url: null };
  const reasons = c.reasons.map((r) => (r.detail ? `${r.rule} (${r.detail})` : r.rule)).join(', ') || '—';
  return lang === 'fr'
    ? [
        `${c.author} sur ${articleName(article)} :`,
        { quote: c.content },
        `Verdict : ${c.verdict} (score ${c.score.toFixed(2)}). Raisons : ${reasons}.`,
        { link: commentLink(base, article, c.id, lang), label: 'Article' },
        { link: deskLink(base), label: 'File de modération' },
      ]
    : [
        `${c.author} on ${articleNameEn(article)}:`,
        { quote: c.content },
        `Verdict: ${c.verdict} (score ${c.score.toFixed(2)}). Reasons: ${reasons}.`,
        { link: commentLink(base, article, c.id, lang), label: 'Article' },
        { link: deskLink(base), label: 'Moderation queue' },
      ];
}

export function moderatorMail(c: HeldComment, base: string, lang: MailLang): RenderedMail {
  const article = c.article ?? { id: c.articleId, title: null, url: null };
  return render(
    lang,
    lang === 'fr'
      ? `Commentaire en attente : ${c.author} sur ${articleName(article)}`
      : `Comment held for moderation: ${c.author} on ${articleNameEn(article)}`,
    heldBlocks(c, base, lang),
  );
}

export function digestMail(held: HeldComment[], base: string, lang: MailLang): RenderedMail {
  const n = held.length;
  const subject =
    lang === 'fr'
      ? `${n} commentaire${n > 1 ? 's' : ''} en attente de modération`
      : `${n} comment${n > 1 ? 's' : ''} held for moderation`;
  const blocks = held.flatMap((c) => [...heldBlocks(c, base, lang).slice(0, 4), '—']);
  blocks.push({ link: deskLink(base), label: lang === 'fr' ? 'File de modération' : 'Moderation queue' });
  return render(lang, subject, blocks);
}

export function confirmMail(article: ArticleRef, confirmUrl: string, lang: MailLang): RenderedMail {
  return lang === 'fr'
    ? render(lang, 'Confirmez les notifications de réponses', [
        `Vous avez demandé à être prévenu par e-mail des réponses à votre commentaire sur ${articleName(article)}.`,
        'Pour confirmer, ouvrez ce lien (valable 7 jours) :',
        { link: confirmUrl },
        'Si ce n’est pas vous, ignorez ce message : aucun autre ne vous sera envoyé.',
      ])
    : render(lang, 'Confirm reply notifications', [
        `You asked to be told by email of replies to your comment on ${articleNameEn(article)}.`,
        'To confirm, open this link (valid for 7 days):',
        { link: confirmUrl },
        'If this was not you, ignore this message: nothing else will be sent to you.',
      ]);
}

export function replyMail(
  reply: { id: string; author: string; content: string },
  article: ArticleRef,
  base: string,
  unsubscribeUrl: string,
  lang: MailLang,
): RenderedMail {
  const link = commentLink(base, article, reply.id, lang);
  return lang === 'fr'
    ? render(lang, `${reply.author} vous a répondu sur ${articleName(article)}`, [
        `${reply.author} a répondu à votre commentaire sur ${articleName(article)} :`,
        { quote: reply.content },
        { link, label: 'Lire la réponse' },
        { link: unsubscribeUrl, label: 'Ne plus recevoir ces e-mails' },
      ])
    : render(lang, `${reply.author} replied to you on ${articleNameEn(article)}`, [
        `${reply.author} replied to your comment on ${articleNameEn(article)}:`,
        { quote: reply.content },
        { link, label: 'Read the reply' },
        { link: unsubscribeUrl, label: 'Stop these emails' },
      ]);
}
