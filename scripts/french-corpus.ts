/**
 * Builds the JSONL corpora written by hand for Tamis from their text sources:
 *
 *   npx tsx scripts/french-corpus.ts
 *
 * - eval/corpora/fr-news.txt → eval/corpora/fr-news.jsonl: French comments under the articles of
 *   one news site (politics, economy, tech, sport, culture, local news). The source gives label,
 *   section, author and text; each row gets what a browser posting the site's form would send: an
 *   address made from the name at a common French-speaking provider, an IP and a current browser's
 *   user agent, chosen by a hash of the row, the same way for ham and spam (so that they tell the
 *   learner nothing). Split: per class, a seeded shuffle, 70 % train (shuffledSplit, seed 1).
 * - eval/corpora/held-out.txt → eval/corpora/held-out.jsonl: blog and WordPress-style comments
 *   with full metadata as the source gives it (user agents by key, below). Never used to tune
 *   anything: a cross-corpus check only.
 * - eval/corpora/fr-outlets.txt → eval/corpora/fr-outlets.jsonl: comments under fourteen more French-
 *   speaking outlets, in the same format, each written apart and measured blind first (README).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { EvalRow } from '../eval/evaluate';
import { shuffledSplit } from './corpus';

const USER_AGENTS: Record<string, string> = {
  'chrome-win':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'chrome-mac':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'chrome-linux':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'chrome-android':
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'firefox-win': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'firefox-mac': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0',
  'firefox-linux': 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'safari-mac':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'safari-iphone':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'safari-ipad':
    'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'edge-win':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'old-firefox': 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1',
  'old-chrome':
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36',
  none: '',
  python: 'python-requests/2.31.0',
  curl: 'curl/8.5.0',
};
const BROWSERS = Object.keys(USER_AGENTS).slice(0, 11);
const PROVIDERS = [
  'gmail.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'hotmail.fr',
  'yahoo.fr',
  'sfr.fr',
  'outlook.fr',
  'wanadoo.fr',
  'bluewin.ch',
  'skynet.be',
  'videotron.ca',
];

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const char of text) {
    h ^= char.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const slug = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '') || 'lecteur';

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));

const label = (code: string): EvalRow['label'] => (code === 's' ? 'spam' : 'ham');
const toJsonl = (rows: readonly EvalRow[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;

// The French news site.
const news: EvalRow[] = lines('eval/corpora/fr-news.txt').map((line, i) => {
  const [code = '', section = '', author = '', website = '', ...text] = line.split('|');
  const h = hash(`${i}|${author}`);
  return {
    id: `${section}-${String(i + 1).padStart(3, '0')}`,
    site: 'fr-news',
    author,
    email: `${slug(author)}${h % 3 === 0 ? String(h % 97) : ''}@${PROVIDERS[h % PROVIDERS.length]}`,
    website: website || null,
    ip: `${[82, 90, 86, 78, 92, 176, 109, 88][h % 8]}.${(h >>> 8) % 256}.${(h >>> 16) % 256}.${1 + ((h >>> 24) % 254)}`,
    userAgent: USER_AGENTS[BROWSERS[h % BROWSERS.length] ?? 'chrome-win'] ?? '',
    content: text.join('|'),
    label: label(code),
    split: 'test',
    articleLanguage: 'fr',
  };
});
const split = shuffledSplit(news, 1);
const splitOf = new Map(split.map(({ index, row }) => [index, row.split]));
writeFileSync(
  'eval/corpora/fr-news.jsonl',
  toJsonl(news.map((row, index) => ({ ...row, split: splitOf.get(index) ?? 'test' }))),
);

/** Rows of a source with its metadata as written (label | site | author | email | website | ip | user agent key | text). */
const withMetadata = (file: string, articleLanguage?: string): EvalRow[] =>
  lines(file).map((line, i) => {
    const [code = '', site = '', author = '', email = '', website = '', ip = '', agent = '', ...text] = line.split('|');
    return {
      id: `${site}-${String(i + 1).padStart(3, '0')}`,
      site,
      author,
      email,
      website: website || null,
      ip,
      userAgent: USER_AGENTS[agent] ?? agent,
      content: text.join('|'),
      label: label(code),
      split: 'test',
      ...(articleLanguage ? { articleLanguage } : {}),
    };
  });

/** Split 70/30 per site and class (shuffledSplit, seed 1), written as JSONL. */
function writeSplit(file: string, rows: EvalRow[]) {
  const splitOf = new Map(shuffledSplit(rows, 1).map(({ index, row }) => [index, row.split]));
  writeFileSync(file, toJsonl(rows.map((row, index) => ({ ...row, split: splitOf.get(index) ?? 'test' }))));
}

// The held-out blog and WordPress-style comments: metadata as written.
const heldOut = withMetadata('eval/corpora/held-out.txt');
writeSplit('eval/corpora/held-out.jsonl', heldOut);
// French outlets written apart, each measured blind before any rule was written from it (README).
// The site of a row is its outlet ('fr-a'), its section is in its id.
const outlets = withMetadata('eval/corpora/fr-outlets.txt', 'fr').map((row) => ({
  ...row,
  site: row.site.split('-').slice(0, 2).join('-'),
}));
writeSplit('eval/corpora/fr-outlets.jsonl', outlets);
console.log(
  `fr-news.jsonl: ${news.length} rows; held-out.jsonl: ${heldOut.length} rows; fr-outlets.jsonl: ${outlets.length} rows`,
);
