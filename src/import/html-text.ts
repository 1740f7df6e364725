/**
 * Comments imported from WordPress and Disqus hold HTML: WordPress keeps what the reader typed with
 * the tags it allowed (a, abbr, acronym, b, blockquote, cite, code, del, em, i, q, s, strike,
 * strong), Disqus wraps paragraphs in <p>. Tamis stores plain text and renders it itself, so that
 * no markup from a file is ever rendered: tags become their text (a link keeps its address),
 * paragraphs and line breaks become blank lines and line breaks, a quotation gets "> " before each
 * line, entities become their characters. Hand-written (a few regular expressions, linear) rather
 * than an HTML parser library: it also runs in the Worker, whose bundle has a size budget.
 */

/** Named character references met in comments: XML's, Latin-1's (accented letters) and common punctuation. */
const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

export const NAMED_ENTITIES: Record<string, string> = Object.assign(
  Object.create(null) as Record<string, string>,
  Object.fromEntries(LATIN1.split(' ').map((name, i) => [name, String.fromCodePoint(160 + i)])),
  {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    OElig: 'Œ',
    oelig: 'œ',
    Scaron: 'Š',
    scaron: 'š',
    Yuml: 'Ÿ',
    circ: 'ˆ',
    tilde: '˜',
    ensp: '\u2002',
    emsp: '\u2003',
    thinsp: '\u2009',
    ndash: '–',
    mdash: '—',
    lsquo: '‘',
    rsquo: '’',
    sbquo: '‚',
    ldquo: '“',
    rdquo: '”',
    bdquo: '„',
    dagger: '†',
    Dagger: '‡',
    bull: '•',
    hellip: '…',
    permil: '‰',
    prime: '′',
    Prime: '″',
    lsaquo: '‹',
    rsaquo: '›',
    euro: '€',
    trade: '™',
    larr: '←',
    rarr: '→',
    hearts: '♥',
  },
);

/** Decodes character references; an unknown name or an impossible code point stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (whole, dec, hex, name) => {
      if (name !== undefined) return NAMED_ENTITIES[name] ?? whole;
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    },
  );
}

/** A tag: its name and its attributes as written (quoted values may hold ">"). */
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--[\s\S]*?-->/g;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
/** Elements whose content is not text a reader typed. */
const DROPPED = new Set(['script', 'style', 'iframe', 'object', 'template']);
const BLOCKS = new Set(['p', 'div', 'blockquote', 'pre', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** The text of a comment's HTML (see the module's comment); not yet normalized (text.ts does that). */
export function htmlToText(html: string): string {
  let out = '';
  let quote = 0;
  let dropping: string | null = null;
  let link: { href: string; start: number } | null = null;
  let last = 0;
  const text = (raw: string) => {
    if (dropping !== null) return;
    const decoded = decodeEntities(raw);
    out += quote > 0 ? decoded.replace(/\n/g, `\n${'> '.repeat(quote)}`) : decoded;
  };
  const paragraph = () => {
    out = out.replace(/[ \t]*\n?[ \t]*$/, '');
    if (out !== '') out += `\n\n${'> '.repeat(quote)}`;
  };
  for (const match of html.matchAll(TAG)) {
    text(html.slice(last, match.index));
    last = match.index + match[0].length;
    const [, closing, rawName, attributes] = match;
    if (rawName === undefined) continue; // an HTML comment
    const name = rawName.toLowerCase();
    if (dropping !== null) {
      if (closing && name === dropping) dropping = null;
      continue;
    }
    if (DROPPED.has(name) && !closing && !attributes?.trimEnd().endsWith('/')) {
      dropping = name;
      continue;
    }
    if (name === 'br') {
      out += `\n${'> '.repeat(quote)}`;
    } else if (name === 'a' && !closing) {
      const href = HREF.exec(attributes ?? '');
      link = href ? { href: decodeEntities((href[1] ?? href[2] ?? href[3] ?? '').trim()), start: out.length } : null;
    } else if (name === 'a' && link) {
      const label = out.slice(link.start).trim();
      // The address stays where a reader sees it: in place of a label that is (part of) it, else after the label.
      if (/^https?:\/\//i.test(link.href)) {
        if (label === '' || link.href.includes(label)) out = out.slice(0, link.start) + link.href;
        else out += ` (${link.href})`;
      }
      link = null;
    } else if (BLOCKS.has(name)) {
      if (name === 'blockquote') {
        paragraph();
        quote = Math.max(0, quote + (closing ? -1 : 1));
        out = out.replace(/(\n\n)(?:> )*$/, `$1${'> '.repeat(quote)}`);
        if (out === '' && quote > 0) out = '> '.repeat(quote);
      } else paragraph();
    }
  }
  text(html.slice(last));
  return out;
}
