/**
 * Web addresses, read one way for everything that acts on them: the renderer makes links of them,
 * the spam checks judge their hosts. Hosts come from the WHATWG URL parser, the one browsers
 * follow: it decodes percent-escapes ('spam%2Dpharma.com'), maps the ideographic and full-width
 * full stops ('spam-pharma。com'), lower-cases and writes international names in punycode. So a
 * check never judges another host than the one a reader's click reaches.
 */

/** Characters a link address never needs raw (they travel percent-encoded) and that could end an HTML attribute or tag. */
const UNSAFE_IN_URL = /[\s"'<>`\\]/;

/** An absolute http(s) address without credentials or characters that could end an HTML attribute. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || UNSAFE_IN_URL.test(value)) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname.length > 0 &&
      !url.username &&
      !url.password
    );
  } catch {
    return false;
  }
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/giu;
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

/** An http(s) address as a browser parses it, or null. */
export function webUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

export interface TextLink {
  /** Where the link starts in the text. */
  index: number;
  /** The address as written, without the punctuation that follows it. */
  written: string;
  url: URL;
}

/** The addresses of a text that the renderer makes links of, in order. */
export function* linksInText(text: string): Generator<TextLink> {
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const written = trimUrl(match[0]);
    const url = webUrl(written);
    if (url) yield { index: match.index, written, url };
  }
}

/**
 * A URL's host name without the final dot; null for an IP literal ('[::1]'), a name of one label,
 * or one longer than the 253 characters a domain name can have.
 */
export function hostName(url: URL): string | null {
  const host = url.hostname.replace(/\.$/, '');
  return host.includes('.') && !host.startsWith('[') && host.length <= 253 ? host : null;
}

/** A domain name as a browser writes it ('Bücher.example.' → 'xn--bcher-kva.example', 'рф' → 'xn--p1ai'), or null. */
export function domainName(domain: string): string | null {
  if (/[\s/?#@:\\[\]]/.test(domain)) return null;
  const host = webUrl(`http://${domain}`)?.hostname.replace(/\.$/, '');
  return host && host.length <= 253 ? host : null;
}

/**
 * Host of a link target as a browser reads it ('https://Spam%2Dpharma。com/x' → 'spam-pharma.com'),
 * or null (see hostName). A target without a web scheme ('www.x.example', 'x.example/y',
 * '//x.example', 'hxxp://x.example') is read as an http address.
 */
export function webHost(target: string): string | null {
  const text = target.trim();
  const url = webUrl(
    /^(?:https?|ftp):/i.test(text)
      ? text.replace(/^ftp/i, 'http')
      : `http://${text.replace(/^(?:[a-z][a-z0-9+.-]*:)?\/\//i, '')}`,
  );
  return url && hostName(url);
}
