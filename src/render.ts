import { linksInText } from './links';

/**
 * Comment HTML: escaped text, paragraphs and line breaks, http(s) URLs as links.
 * No markup from the author ever reaches the output; only the tags written here do.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const link of linksInText(line)) {
    out += escapeHtml(line.slice(last, link.index));
    out += `<a href="${escapeHtml(link.url.href)}" rel="nofollow ugc noopener">${escapeHtml(link.written)}</a>`;
    last = link.index + link.written.length;
  }
  return out + escapeHtml(line.slice(last));
}

export function renderHtml(content: string): string {
  return content
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linkify).join('<br>')}</p>`)
    .join('');
}
