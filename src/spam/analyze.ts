import { hostName, linksInText, webHost } from '../links';
import type { Features } from './types';

/**
 * What several checks need from a submission (links, words, hosts), computed once per Features
 * object. Features are treated as immutable values: the analysis is cached in a WeakMap keyed by
 * the object, which keeps every check a pure function of its arguments.
 */

export type LinkKind = 'url' | 'www' | 'bare' | 'markdown' | 'bbcode' | 'html' | 'website';

export interface Link {
  kind: LinkKind;
  /** The target as written (trimmed). */
  target: string;
  /** The host a browser reads in the target (see webHost), or null when none could be read. */
  host: string | null;
}

export interface Analysis {
  /** Links of the content, then the website field (kind 'website'). */
  links: Link[];
  /** The content with every link and email address blanked out. */
  textWithoutLinks: string;
  /** Words of the content outside links (letters, digits, marks and inner apostrophes). */
  words: string[];
  /** Email addresses written in the content. */
  emails: string[];
  websiteHost: string | null;
  /** Lower-case domain of the email, or null without an '@'. */
  emailDomain: string | null;
  /** Letters outside links: all of them, and the capitals and small letters among them. */
  letters: { all: number; upper: number; lower: number };
}

// Generic top-level domains most used in links, and the largest country ones. Two-letter codes
// that are also common words or abbreviations glued to a period (in, it, is, at, no, to, so, my,
// am, as, be, do, go, id, la, le, me not) are left out: a bare "foo.com" is a link, "fin.la" is a typo.
const BARE_TLDS =
  'com|net|org|info|biz|io|co|tv|ru|su|ua|pl|de|fr|uk|us|eu|es|nl|br|cn|jp|ca|au|ch|xyz|top|online|site|club|shop|store|app|dev|ai|ly|gl|tk|ml|ga|cf|gq|pw|ws|cc|link|live|click|win|bid|loan|vip|pro|icu|fun|space|website|blog|news|today|buzz|tech';

// Every pattern here runs in time linear in the text (no unbounded lazy scans, no pattern that can
// start at every character of a long run): comments are hostile input. tests/unit/linear.test.ts
// times them on 64 KB of the runs that used to cost seconds.
// The lookahead makes sure the tag is closed before any attribute is tried: without it, each
// 'href=' of an unclosed '<a href=href=…' scanned the rest of the text for a '>'.
const HTML_ANCHOR =
  /<a\b(?=[^<>]*>)[^<>]*?\bhref\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s<>]+))[^<>]*>(?:[^<]{0,300}<\/a\s*>)?/gi;
const HTML_ANCHOR_END = /<\/a\s*>/gi;
// No '[' in a target: '[url=[url=[url=…' made each start scan the rest of the text.
const BBCODE = /\[url=([^[\]\s]*)\]|\[url\]([^[\]\s]*)\[\/url\]/gi;
const BBCODE_END = /\[\/url\]/gi;
const MARKDOWN = /!?\[([^[\]\n]{0,200})\]\(\s*<?([^()[\]\s<>]{1,500})>?(?:\s+["'][^"'\n]{0,200}["'])?\s*\)/g;
const SCHEME_URL = /\b(?:https?|ftp):\/\/(?:\[[0-9a-f:.]+\][^\s<>"'`{}|\\^[\]]*|[^\s<>"'`{}|\\^[\]]+)/gi;
const WWW = /(?<![\p{L}\p{N}.@-])www\.[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#][^\s<>"']*)?/giu;
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const BARE = new RegExp(
  `(?<![\\p{L}\\p{N}@._/-])(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+(?:${BARE_TLDS})(?![\\p{L}\\p{N}-])(?:[/?#][^\\s<>"']*)?`,
  'giu',
);
/** A word: letters and digits, with inner marks and apostrophes. */
export const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
const TRAILING_PUNCTUATION = new Set('.,;:!?)\'"»”’');

/**
 * A link as written without the punctuation that ends the sentence around it. A loop from the
 * end: /[.,…]+$/ would start a match at each mark of a long run ('http://x.example/' + 60,000
 * dots + 'x') and scan the run to its end each time.
 */
function withoutTrailingPunctuation(target: string): string {
  let end = target.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(target[end - 1]!)) end--;
  return target.slice(0, end);
}

/** The website's host as local memory keys it (without "www."), or null. */
export function memoryHost(website: string | null): string | null {
  return website ? (webHost(website)?.replace(/^www\./, '') ?? null) : null;
}

/** Does a markdown or BBCode target look like a web address (rather than a footnote or an anchor)? */
function isWebTarget(target: string): boolean {
  return /^(?:https?:|ftp:|\/\/|www\.)/i.test(target) || webHost(target) !== null;
}

function analyzeUncached(features: Features): Analysis {
  const links: Link[] = [];
  const emails: string[] = [];
  let text = features.content;

  // Blanks out what a pattern found (when onMatch keeps it), so that later patterns do not count it twice.
  const take = (pattern: RegExp, onMatch: (match: string[]) => boolean) => {
    text = text.replace(pattern, (...args: unknown[]) => {
      // replace() passes the match, its groups, then offset and whole string (no named groups here).
      const match = args.slice(0, -2).map((group) => (typeof group === 'string' ? group : '')) as string[];
      return onMatch(match) ? ' ' : (match[0] ?? '');
    });
  };
  const push = (kind: LinkKind, target: string) => {
    const trimmed = target.trim();
    links.push({ kind, target: trimmed, host: webHost(trimmed) });
    return true;
  };

  take(HTML_ANCHOR, (m) => push('html', m[1] || m[2] || m[3] || ''));
  text = text.replace(HTML_ANCHOR_END, ' ');
  take(BBCODE, (m) => push('bbcode', m[1] || m[2] || ''));
  text = text.replace(BBCODE_END, ' ');
  take(MARKDOWN, (m) => (isWebTarget(m[2] ?? '') ? push('markdown', m[2] ?? '') : false));
  take(SCHEME_URL, (m) => push('url', withoutTrailingPunctuation(m[0] ?? '')));
  take(WWW, (m) => push('www', withoutTrailingPunctuation(m[0] ?? '')));
  take(EMAIL, (m) => {
    emails.push((m[0] ?? '').toLowerCase());
    return true;
  });
  take(BARE, (m) => push('bare', withoutTrailingPunctuation(m[0] ?? '')));
  // Whatever the patterns above made of it, every link the renderer will make is judged by its host.
  const hosts = new Set(links.map((link) => link.host));
  for (const link of linksInText(features.content)) {
    const host = hostName(link.url);
    if (host && !hosts.has(host)) {
      hosts.add(host);
      links.push({ kind: 'url', target: link.written, host });
    }
  }

  const website = features.website?.trim() ?? '';
  const websiteHost = website ? webHost(website) : null;
  if (website) links.push({ kind: 'website', target: website, host: websiteHost });

  const at = features.email.lastIndexOf('@');
  const emailDomain =
    at >= 0
      ? features.email
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : null;

  return {
    links,
    textWithoutLinks: text,
    words: text.match(WORD) ?? [],
    emails,
    websiteHost,
    emailDomain,
    letters: { all: count(text, /\p{L}/gu), upper: count(text, /\p{Lu}/gu), lower: count(text, /\p{Ll}/gu) },
  };
}

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/**
 * `compute` memoized per submission (per Features object): what several checks and the learner
 * derive from one submission is derived once.
 */
export function perSubmission<T extends object>(compute: (features: Features) => T): (features: Features) => T {
  const cache = new WeakMap<Features, T>();
  return (features) => {
    const hit = cache.get(features);
    if (hit) return hit;
    const value = compute(features);
    cache.set(features, value);
    return value;
  };
}

export const analyze: (features: Features) => Analysis = perSubmission(analyzeUncached);

// HTTP libraries and automation tools: a person's comment is sent by a browser.
const HTTP_LIBRARIES =
  /\b(?:curl|wget|python-requests|python-urllib|python-httpx|python\/|aiohttp|httpx|go-http-client|libwww-perl|lwp::simple|java\/|okhttp|axios|node-fetch|undici|node\.js|got \(|postmanruntime|insomnia|apache-httpclient|jakarta|guzzlehttp|php\/|ruby|faraday|rest-client|scrapy|httpie|powershell|winhttp|mechanize|headlesschrome|phantomjs|selenium|puppeteer|playwright|reqwest|dart:io|libcurl|httpclient)\b/i;

// The browser a user agent names, most specific first (Edge and Opera also say Chrome and Safari).
const BROWSERS: Array<[string, RegExp]> = [
  ['edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['opera', /\b(?:OPR|Opera)\/(\d+)/],
  ['samsung', /\bSamsungBrowser\/(\d+)/],
  ['firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['chrome', /\b(?:Chrome|CriOS)\/(\d+)/],
  ['safari', /\bVersion\/(\d+)[^)]*\bSafari\//],
  ['msie', /\bMSIE (\d+)/],
  ['msie', /\bTrident\/\d+.*\brv:(\d+)/],
];

/** What a user agent says: whether one was sent, the HTTP library it names (as written), the browser and major version it names ('firefox/5'). */
export interface Agent {
  sent: boolean;
  library: string | null;
  browser: string | null;
}

/** The user agent read once for the check and the learner; null when it is unknown (not recorded). */
export function describeAgent(userAgent: string | null | undefined): Agent | null {
  if (userAgent === undefined) return null;
  const agent = (userAgent ?? '').trim();
  if (agent === '') return { sent: false, library: null, browser: null };
  // Browsers are looked for in the first 512 characters, all the API keeps of a user agent.
  const head = agent.slice(0, 512);
  let browser: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const version = pattern.exec(head)?.[1];
    if (version) {
      browser = `${name}/${version.slice(0, 4)}`;
      break;
    }
  }
  return { sent: true, library: HTTP_LIBRARIES.exec(agent)?.[0] ?? null, browser };
}

export const agentOf = perSubmission((features: Features) => ({ agent: describeAgent(features.userAgent) }));

/** Folded form for matching: compatibility forms (ｆｕｌｌ-width, ligatures) unified, invisible characters dropped, lower case. */
export function fold(text: string): string {
  return (
    text
      .toWellFormed()
      .normalize('NFKC')
      // biome-ignore lint/suspicious/noMisleadingCharacterClass: single invisible code points, each removed alone
      .replace(/[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0]/gu, '')
      .toLowerCase()
  );
}

// Letters that no normalization form maps to the Latin letter they imitate: dotless i and j,
// script g and the small capitals of phonetic notation ('ᴠɪᴀɢʀᴀ').
const LATIN_LOOKALIKES: Record<string, string> = {
  ı: 'i',
  ȷ: 'j',
  ɡ: 'g',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ꞯ: 'q',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
};
// Cyrillic and Greek letters drawn like Latin ones, read as Latin only inside a word that mixes
// them with Latin letters (a homoglyph word, as the shape rule calls it): Russian and Greek words keep theirs.
const SCRIPT_LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  һ: 'h',
  н: 'h',
  і: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  ѵ: 'v',
  ԝ: 'w',
  х: 'x',
  у: 'y',
  α: 'a',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
};
const anyOf = (map: Record<string, string>) => new RegExp(`[${Object.keys(map).join('')}]`, 'gu');
const LATIN_LOOKALIKE = anyOf(LATIN_LOOKALIKES);
const SCRIPT_LOOKALIKE = anyOf(SCRIPT_LOOKALIKES);
// Marks on a Latin, Greek or Cyrillic letter (accents, 'v̇'), once compatibility decomposition has
// taken them apart; other scripts spell words with their marks and keep them.
const MARKS_ON_LETTER = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;
const LETTERS = /[\p{L}\p{M}]+/gu;
const HAS_LATIN = /\p{Script=Latin}/u;
const HAS_CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const ASCII = /^[\0-\x7F]*$/;

/**
 * `fold`, and letters that imitate others read as those: diacritics of Latin, Greek and Cyrillic
 * letters dropped ('v̇iagra', 'vïagra'), dotless i and small capitals as Latin letters ('vıagra',
 * 'ᴠɪᴀɢʀᴀ'), Cyrillic and Greek look-alikes inside a Latin word ('viаgra' with a Cyrillic а).
 * For matching words (lists, the spam vocabularies of the rules); the learner keeps diacritics,
 * which tell languages apart. Linear: each step is one pass over the text.
 */
export function foldConfusables(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase(); // nothing to fold but case (most comments)
  return fold(text)
    .normalize('NFKD')
    .replace(MARKS_ON_LETTER, '$1')
    .replace(LATIN_LOOKALIKE, (ch) => LATIN_LOOKALIKES[ch] ?? ch)
    .replace(LETTERS, (word) =>
      HAS_LATIN.test(word) && HAS_CYRILLIC_OR_GREEK.test(word)
        ? word.replace(SCRIPT_LOOKALIKE, (ch) => SCRIPT_LOOKALIKES[ch] ?? ch)
        : word,
    )
    .normalize('NFC');
}
