import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boundedText, RAW_LENGTH_FACTOR } from '../../src/http/schemas';
import { hostName, linksInText, webHost } from '../../src/links';
import { renderHtml } from '../../src/render';
import { invisibleCharacters, learnerTokens, runChecks } from '../../src/spam';
import { analyze, fold, foldConfusables } from '../../src/spam/analyze';
import { detectLanguage } from '../../src/spam/language';
import { foldedDomains } from '../../src/spam/lists';
import { domainProblem, inDomainSet, underDomain } from '../../src/spam/net';
import { promotionCategories } from '../../src/spam/promotion';
import type { ListEntry } from '../../src/spam/types';
import { foldForComparison, normalizeLine, normalizeMultiline } from '../../src/text';
import { context, features, settings } from './spam/fixtures';

/**
 * Every text step a request can reach runs in time linear in its input: comments are hostile, and
 * the event loop serves every other request while one is analysed. Each function is timed on 64 KB
 * (the body limit) of the inputs that make backtracking regexes and naive loops blow up, and on
 * 8 KB of the same.
 *
 * The bound, chosen not to be flaky on a loaded two-core machine: a run of 64 KB under 250 ms
 * passes at once (the slowest linear step here takes ~40 ms, so that is six times the margin). Over
 * it, the 64 KB and the 8 KB times are measured again (medians of 3 and 5 runs), and the step fails
 * when 64 KB costs more than 24 times 8 KB: 8 is linear, 64 quadratic, and a load that slows
 * both alike leaves the ratio alone. A step over 2 s on 64 KB fails without more: nothing linear
 * is that slow, and the quadratic steps this test was written against took 1 to 45 s.
 */

const BIG = 64 * 1024;
const SMALL = 8 * 1024;
const FAST_ENOUGH_MS = 250;
const HOPELESS_MS = 2_000;
const MAX_RATIO = 24;

/** Each input at a given length (about `n` characters). */
const INPUTS: Record<string, (n: number) => string> = {
  'x + spaces + x': (n) => `x${' '.repeat(n - 2)}x`,
  'x + tabs + x': (n) => `x${'\t'.repeat(n - 2)}x`,
  'x + no-break spaces + x': (n) => `x${'\u00A0'.repeat(n - 2)}x`,
  'x + newlines + x': (n) => `x${'\n'.repeat(n - 2)}x`,
  'lines of spaces (CRLF)': (n) => '  \r\n'.repeat(n / 4),
  dots: (n) => '.'.repeat(n),
  'one-letter labels': (n) => 'a.'.repeat(n / 2),
  'nested brackets': (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`,
  'nested parentheses': (n) => `${'('.repeat(n / 2)}${')'.repeat(n / 2)}`,
  'markdown openings': (n) => '[a]('.repeat(n / 4),
  'BBCode openings': (n) => '[url='.repeat(n / 5),
  'unclosed <a href=': (n) => `<a href=${'x'.repeat(n - 8)}`,
  'unclosed <a href="': (n) => `<a href="${'x'.repeat(n - 9)}`,
  'href= repeated in one tag': (n) => `<a ${'href='.repeat(n / 5)}`,
  'long host': (n) => `http://${'a'.repeat(n - 11)}.com`,
  'long dotted host': (n) => `http://${'a.'.repeat(n / 2 - 6)}com`,
  'long www host': (n) => `www.${'a.'.repeat(n / 2 - 4)}com`,
  'long bare host': (n) => `${'a.'.repeat(n / 2 - 2)}com`,
  'link + dots + x': (n) => `http://x.example/${'.'.repeat(n - 18)}x`,
  'link + parentheses + x': (n) => `http://x.example/${')'.repeat(n - 18)}x`,
  'bare link + dots + x': (n) => `x.com/${'.'.repeat(n - 7)}x`,
  'scheme fragments': (n) => 'http://'.repeat(n / 7),
  'many links': (n) => 'http://x.example/a '.repeat(n / 19),
  'many 253-character hosts': (n) => `http://${'a.'.repeat(125)}com `.repeat(n / 261),
  'email with a long domain': (n) => `a@${'b.'.repeat(n / 2 - 3)}com`,
  'at signs': (n) => 'a@'.repeat(n / 2),
  'digits and spaces': (n) => '1 '.repeat(n / 2),
  'apostrophes in words': (n) => "a'".repeat(n / 2),
  'combining marks': (n) => 'a\u0301'.repeat(n / 2),
  'zero-width joiners': (n) => 'a\u200D'.repeat(n / 2),
  'promotion words': (n) => 'contact me on free cheap '.repeat(n / 25),
};

const lists: ListEntry[] = [
  { list: 'disallowed', kind: 'word', value: 'cheap pills' },
  { list: 'disallowed', kind: 'domain', value: 'spam.example' },
  { list: 'moderation', kind: 'email', value: 'spam@spam.example' },
];
const shorteners = new Set(['bit.ly', 'tinyurl.com']);

/** The steps, each from one string (a new Features object per call: the analysis is cached per object). */
const STEPS: Record<string, (input: string) => unknown> = {
  normalizeLine,
  normalizeMultiline,
  foldForComparison,
  fold,
  foldConfusables,
  invisibleCharacters,
  renderHtml,
  analyze: (s) => analyze(features({ content: s })),
  runChecks: (s) => runChecks(features({ content: s }), context({ lists }), settings),
  'runChecks, every text field': (s) =>
    runChecks(
      features({ author: s, email: `a@${s}`, website: s, content: s, userAgent: s }),
      context({ lists }),
      settings,
    ),
  learnerTokens: (s) => learnerTokens(features({ content: s })),
  promotionCategories: (s) => promotionCategories(features({ content: s })),
  foldedDomains: (s) => foldedDomains(features({ content: s })),
  detectLanguage: (s) => detectLanguage(s, 'fr'),
  'inDomainSet (domainAndParents)': (s) => inDomainSet(s, shorteners),
  underDomain: (s) => underDomain(s, 'spam.example'),
  domainProblem,
  webHost,
  'linksInText + hostName': (s) => [...linksInText(s)].map((link) => hostName(link.url)),
};

function millis(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function median(run: () => unknown, times: number): number {
  const all = Array.from({ length: times }, () => millis(run)).sort((a, b) => a - b);
  return all[Math.floor(times / 2)]!;
}

describe.each(Object.entries(STEPS))('%s runs in linear time', (_name, step) => {
  it.each(Object.entries(INPUTS))(
    'on %s',
    (_input, make) => {
      const small = make(SMALL);
      const big = make(BIG);
      step(small); // compiled and warm before anything is timed
      const first = millis(() => step(big));
      if (first < FAST_ENOUGH_MS) return;
      expect(first, `64 KB took ${first.toFixed(0)} ms`).toBeLessThan(HOPELESS_MS);
      const t64 = Math.min(
        first,
        median(() => step(big), 3),
      );
      const t8 = median(() => step(small), 5);
      if (t64 >= FAST_ENOUGH_MS) {
        expect(t64 / Math.max(t8, 1), `64 KB ${t64.toFixed(0)} ms, 8 KB ${t8.toFixed(1)} ms`).toBeLessThan(MAX_RATIO);
      }
    },
    30_000,
  );
});

describe('a text field is measured as sent before it is normalized', () => {
  const LIMIT = 5000;
  const content = boundedText(normalizeMultiline, LIMIT);

  it('passes on a text over RAW_LENGTH_FACTOR × the limit as sent, for the length check to refuse, however short it would be once normalized', () => {
    const raw = `x${' '.repeat(RAW_LENGTH_FACTOR * LIMIT)}`; // normalized: 'x'
    expect(content(raw)).toBe(raw);
    expect(z.string().max(LIMIT).safeParse(content(raw)).success).toBe(false);
    expect(content(raw.slice(0, -1))).toBe('x'); // at the bound, normalized as usual
  });

  it('normalizes a comment over the limit as sent only because of CRLF line endings and trailing spaces', () => {
    const raw = 'abcd  \r\n'.repeat(1000); // 8,000 characters sent, 4,999 kept
    expect(content(raw)).toHaveLength(4999);
  });
});
