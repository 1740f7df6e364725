import { escapeHtml } from '../render';
import { STRINGS, type Lang } from '../web/widget/strings';

/**
 * The thread and the comment form as an HTML fragment (GET …/thread.html), for pages without
 * JavaScript and for sites that include it server-side: readable and indexable as it is, posted as
 * a plain form (303 back to `return`). The markup is the widget's, so the widget can take it over.
 */

interface FragmentComment {
  id: string;
  author: { name: string; website: string | null; staff: boolean };
  html: string;
  createdAt: string;
  editedAt: string | null;
  replies: FragmentComment[];
}

export interface FragmentInput {
  articleId: string;
  lang: Lang;
  page: { total: number; comments: FragmentComment[]; nextCursor: string | null };
  /** The absolute URL the form posts to. */
  action: string;
  /** The shared token of the form (services/form-tokens.ts issuePageToken) and the honeypot's name. */
  token: string;
  honeypot: string;
  /** The site sends email: the form offers "Notify me of replies by email" (the field `notify`). */
  notify?: boolean;
  /** Where the 303 goes back to, when the page gave it. */
  returnTo: string | null;
  /** The same fragment's next page, when there is one. */
  nextHref: string | null;
}

const attr = escapeHtml;

function comment(c: FragmentComment, lang: Lang): string {
  const t = STRINGS[lang];
  const name = c.author.website
    ? `<a href="${attr(c.author.website)}" rel="nofollow ugc">${escapeHtml(c.author.name)}</a>`
    : `<span>${escapeHtml(c.author.name)}</span>`;
  let date = c.createdAt;
  try {
    date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(c.createdAt));
  } catch {}
  return (
    `<article id="comment-${attr(c.id)}" class="c${c.author.staff ? ' staff' : ''}" data-id="${attr(c.id)}">` +
    `<header><strong class="who">${name}</strong>${c.author.staff ? ` <span class="badge">${t.staff}</span>` : ''} ` +
    `<a class="when" href="#comment-${attr(c.id)}"><time datetime="${attr(c.createdAt)}">${escapeHtml(date)}</time></a>` +
    `${c.editedAt ? ` <span class="edited">(${t.edited})</span>` : ''}</header>` +
    `<div class="body">${c.html}</div>` +
    (c.replies.length ? `<div class="replies">${c.replies.map((r) => comment(r, lang)).join('')}</div>` : '') +
    `</article>`
  );
}

export function threadFragment(input: FragmentInput): string {
  const { lang } = input;
  const t = STRINGS[lang];
  const star = '<span class="req" aria-hidden="true"> *</span>';
  const field = (name: string, label: string, control: string) =>
    `<p class="field ${name}"><label for="tamis-${name}">${label}</label>${control}</p>`;
  return (
    `<section class="tamis-thread" lang="${lang}" data-tamis-fragment data-article="${attr(input.articleId)}">` +
    `<h2 class="total">${t.count(input.page.total)}</h2>` +
    `<div class="list">${input.page.comments.map((c) => comment(c, lang)).join('')}</div>` +
    (input.nextHref ? `<p><a class="more" href="${attr(input.nextHref)}">${t.more}</a></p>` : '') +
    `<form class="form" method="post" action="${attr(input.action)}" aria-labelledby="tamis-title">` +
    `<h3 id="tamis-title">${t.leave}</h3>` +
    `<p class="hint">${t.note} <span class="req">*</span></p>` +
    field(
      'content',
      `${t.content}${star}`,
      `<textarea id="tamis-content" name="content" rows="5" maxlength="5000" required></textarea>`,
    ) +
    field(
      'author',
      `${t.author}${star}`,
      `<input id="tamis-author" name="author" autocomplete="name" maxlength="100" required>`,
    ) +
    field(
      'email',
      `${t.email}${star}`,
      `<input id="tamis-email" name="email" type="email" autocomplete="email" maxlength="254" required>`,
    ) +
    field(
      'website',
      t.website,
      `<input id="tamis-website" name="website" type="url" autocomplete="url" maxlength="200">`,
    ) +
    (input.notify
      ? `<p class="check notify"><input type="checkbox" id="tamis-notify" name="notify" value="on"><label for="tamis-notify">${t.notify}</label></p>`
      : '') +
    `<div class="hp" hidden aria-hidden="true"><input name="${attr(input.honeypot)}" tabindex="-1" autocomplete="off"></div>` +
    `<input type="hidden" name="token" value="${attr(input.token)}">` +
    (input.returnTo ? `<input type="hidden" name="return" value="${attr(input.returnTo)}">` : '') +
    `<p class="submit"><button type="submit">${t.send}</button></p>` +
    `</form></section>`
  );
}
