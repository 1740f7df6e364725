/**
 * Comment HTML: escaped text, paragraphs and line breaks, http(s) URLs as links.
 * No markup from the author ever reaches the output; only the tags written here do.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING_PUNCTUATION = '.,;:!?\'")]}>»';

/**
 * Drops the punctuation that ends the sentence around a URL, keeping a balanced ")" (Wikipedia
 * links). Parentheses are counted once, so a URL followed by thousands of ")" costs linear time.
 */
function trimUrl(candidate: string): string {
  let end = candidate.length;
  const open = count(candidate, '(');
  let close = count(candidate, ')');
  while (end > 0) {
    const last = candidate[end - 1]!;
    if (!TRAILING_PUNCTUATION.includes(last)) break;
    if (last === ')') {
      if (open >= close) break;
      close--;
    }
    end--;
  }
  return candidate.slice(0, end);
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const href = safeHref(url);
    if (!href) continue;
    const start = match.index;
    out += escapeHtml(line.slice(last, start));
    out += `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

export function renderHtml(content: string): string {
  return content
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linkify).join('<br>')}</p>`)
    .join('');
}
