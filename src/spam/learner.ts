import { analyze, fold } from './analyze';
import type { SpamSettings } from './settings';
import type { Features, LearnerInput, Signal, TokenCounts } from './types';

/**
 * A learner trained from the moderators' decisions, stored as one table row per token:
 * `token → { spam, ham }`, the number of trained documents of each class that held the token,
 * plus the two totals. Scoring a comment needs only the rows of its own tokens (one
 * `WHERE token IN (…)` query); training adds 1 to the rows of its tokens for one class.
 *
 * Tokens: words, word bigrams, character n-grams inside words (which survive misspellings and
 * obfuscation: "subscr1be", "chanel"), and metadata (link domains, TLDs, email domain, website…).
 * Every token is at most MAX_TOKEN_LENGTH characters and a document gives at most MAX_TOKENS of them,
 * so a submitter cannot make one request cost more, nor grow the table faster, than that.
 *
 * Classifier: Robinson's per-token probabilities with Fisher's chi-square combining (as in
 * SpamBayes), over the most telling tokens. Measured against multinomial/Bernoulli naive Bayes
 * with clipped log-odds on the development corpus, it separated the classes as well and gives
 * calibrated, bounded probabilities (naive Bayes over overlapping n-grams is overconfident).
 */

export const MAX_TOKENS = 320;
export const MAX_TOKEN_LENGTH = 32;
/** Longest word kept whole; longer ones (hashes, garbage) are cut. */
const MAX_WORD_LENGTH = 20;
const CHAR_NGRAM_SIZES = [3, 4, 5] as const;

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

/** Lower case, compatibility forms unified, diacritics kept (they tell languages apart). */
function words(text: string): string[] {
  return (fold(text).match(WORD) ?? []).map((word) => word.replace(/’/g, "'").replace(/\d/g, '0').slice(0, MAX_WORD_LENGTH));
}

/** The registrable part of a host, roughly: the last two labels, or three under a two-letter second level ('co.uk'). */
function siteOf(host: string): string {
  const labels = host.replace(/^www\d*\./, '').split('.');
  const keep = labels.length >= 3 && (labels[labels.length - 2] ?? '').length <= 3 && (labels[labels.length - 1] ?? '').length === 2 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

const bucket = (n: number, edges: number[]) => {
  let i = 0;
  while (i < edges.length && n >= (edges[i] ?? Infinity)) i++;
  return i;
};

/**
 * Tokens of a submission, deduplicated, in priority order (metadata, words, bigrams, character
 * n-grams), at most MAX_TOKENS of at most MAX_TOKEN_LENGTH characters each.
 */
export function learnerTokens(features: Features): string[] {
  const out = new Set<string>();
  const add = (token: string) => {
    if (out.size < MAX_TOKENS) out.add(token.length > MAX_TOKEN_LENGTH ? token.slice(0, MAX_TOKEN_LENGTH) : token);
  };
  const analysis = analyze(features);
  const text = analysis.textWithoutLinks;

  // Metadata.
  const contentLinks = analysis.links.filter((link) => link.kind !== 'website');
  add(`m:links:${Math.min(contentLinks.length, 3)}`);
  for (const link of contentLinks.slice(0, 8)) {
    add(`m:kind:${link.kind}`);
    if (link.host) {
      add(`m:site:${siteOf(link.host)}`);
      add(`m:tld:${link.host.slice(link.host.lastIndexOf('.') + 1)}`);
    }
  }
  if (analysis.websiteHost) {
    add('m:website');
    add(`m:wsite:${siteOf(analysis.websiteHost)}`);
    add(`m:wtld:${analysis.websiteHost.slice(analysis.websiteHost.lastIndexOf('.') + 1)}`);
  } else if (features.website) {
    add('m:website:unreadable');
  }
  if (analysis.emailDomain) {
    add(`m:email:${analysis.emailDomain}`);
    add(`m:etld:${analysis.emailDomain.slice(analysis.emailDomain.lastIndexOf('.') + 1)}`);
  }
  if (analysis.emails.length > 0) add('m:email-in-text');
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const upper = (text.match(/\p{Lu}/gu) ?? []).length;
  add(`m:words:${bucket(analysis.words.length, [1, 3, 6, 12, 25, 50, 100])}`);
  if (letters >= 6) add(`m:caps:${bucket(upper / letters, [0.05, 0.3, 0.7])}`);
  if (/[!?]{2,}/.test(text)) add('m:shout');
  if (/\p{Extended_Pictographic}/u.test(text)) add('m:emoji');
  if (/\d/.test(text)) add('m:digits');

  // Words and bigrams of the content.
  const contentWords = words(text);
  for (const word of contentWords) add(`w:${word}`);
  for (let i = 1; i < contentWords.length; i++) add(`b:${contentWords[i - 1]} ${contentWords[i]}`);

  // Character n-grams inside words, with word boundaries marked.
  const distinct = [...new Set(contentWords)];
  for (const size of CHAR_NGRAM_SIZES) {
    for (const word of distinct) {
      const marked = `^${word}$`;
      const chars = Array.from(marked);
      for (let i = 0; i + size <= chars.length; i++) add(`c:${chars.slice(i, i + size).join('')}`);
      if (out.size >= MAX_TOKENS) return [...out];
    }
  }
  return [...out];
}

export interface Classification {
  /** Probability of spam, 0–1 (0.5 when the learner knows nothing telling). */
  pSpam: number;
  /** The most telling tokens, strongest first: f > 0.5 leans spam. */
  top: Array<{ token: string; f: number; spam: number; ham: number }>;
}

/** Robinson's unknown-token prior: strength S and assumed probability X. */
const STRENGTH = 0.45;
const PRIOR = 0.5;
/** Tokens closer to 0.5 than this are ignored. */
const MIN_DEVIATION = 0.1;
/** Most telling tokens used (SpamBayes' max_discriminators). */
const MAX_DISCRIMINATORS = 150;
const CLAMP = 0.0001;

/** Upper tail of the chi-square distribution with an even number of degrees of freedom (2·n). */
function chi2Q(x2: number, degrees: number): number {
  const m = x2 / 2;
  let sum = Math.exp(-m);
  let term = sum;
  for (let i = 1; i < degrees / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/**
 * Probability of spam from the counts of this document's tokens. `stats` may hold other tokens
 * too; tokens missing from it count as never seen. Never throws, whatever the counts.
 */
export function classify(
  tokens: readonly string[],
  stats: ReadonlyMap<string, TokenCounts>,
  totals: TokenCounts,
  _settings?: SpamSettings,
): Classification {
  const nSpam = Math.max(1, totals.spam);
  const nHam = Math.max(1, totals.ham);
  const scored: Classification['top'] = [];
  const seen = new Set<string>();
  for (const token of tokens) {
    if (seen.has(token)) continue;
    seen.add(token);
    const counts = stats.get(token);
    if (!counts) continue;
    const spam = Math.max(0, Math.min(counts.spam, nSpam));
    const ham = Math.max(0, Math.min(counts.ham, nHam));
    const n = spam + ham;
    if (!(n > 0)) continue;
    const spamRatio = spam / nSpam;
    const hamRatio = ham / nHam;
    const p = spamRatio / (spamRatio + hamRatio);
    const f = (STRENGTH * PRIOR + n * p) / (STRENGTH + n);
    if (Math.abs(f - 0.5) >= MIN_DEVIATION) scored.push({ token, f, spam: counts.spam, ham: counts.ham });
  }
  scored.sort((a, b) => Math.abs(b.f - 0.5) - Math.abs(a.f - 0.5) || (a.token < b.token ? -1 : 1));
  const used = scored.slice(0, MAX_DISCRIMINATORS);
  if (used.length === 0) return { pSpam: 0.5, top: [] };

  let logHam = 0;
  let logSpam = 0;
  for (const { f } of used) {
    const clamped = Math.min(1 - CLAMP, Math.max(CLAMP, f));
    logSpam += Math.log(1 - clamped);
    logHam += Math.log(clamped);
  }
  const h = chi2Q(-2 * logHam, 2 * used.length); // near 0 when the tokens lean spam
  const s = chi2Q(-2 * logSpam, 2 * used.length); // near 0 when the tokens lean ham
  const pSpam = (1 + h - s) / 2;
  return { pSpam: Number.isFinite(pSpam) ? pSpam : 0.5, top: used.slice(0, 8) };
}

/** Has the learner seen enough of both classes to be heard? */
export function learnerReady(totals: TokenCounts, settings: SpamSettings): boolean {
  return totals.spam >= settings.learnerMinExamples && totals.ham >= settings.learnerMinExamples;
}

const readable = (token: string) => {
  const [kind, ...rest] = token.split(':');
  const value = rest.join(':');
  switch (kind) {
    case 'w':
      return JSON.stringify(value);
    case 'b':
      return JSON.stringify(value);
    case 'c':
      return `~${JSON.stringify(value.replace(/\^|\$/g, ''))}`;
    default:
      return token.slice(2);
  }
};

/**
 * The learner's signal: a score from −learnerHamWeight to +learnerWeight, growing with the
 * distance of pSpam from 0.5, and nothing until both classes have learnerMinExamples examples.
 */
export function learnerSignal(result: Classification, totals: TokenCounts, settings: SpamSettings): Signal[] {
  if (!learnerReady(totals, settings)) return [];
  const lean = 2 * result.pSpam - 1; // −1 (ham) … +1 (spam)
  const score = lean >= 0 ? settings.learnerWeight * lean : settings.learnerHamWeight * lean;
  const rounded = Math.round(score * 10) / 10;
  if (rounded === 0) return [];
  const side = rounded > 0 ? (t: { f: number }) => t.f > 0.5 : (t: { f: number }) => t.f < 0.5;
  const telling = result.top.filter(side).slice(0, 5).map((t) => readable(t.token));
  return [
    {
      rule: 'learner',
      score: rounded,
      detail: `p(spam) ${result.pSpam.toFixed(2)}${telling.length ? `: ${telling.join(', ')}` : ''}`,
    },
  ];
}

/** Runs the learner for runChecks: tokens (given or computed), classification, signal. */
export function runLearner(features: Features, input: LearnerInput, settings: SpamSettings): Signal[] {
  if (!learnerReady(input.totals, settings)) return [];
  const tokens = input.tokens ?? learnerTokens(features);
  return learnerSignal(classify(tokens, input.stats, input.totals, settings), input.totals, settings);
}

// Training and pruning ----------------------------------------------------------------------------

/**
 * Adds (delta +1) or removes (delta −1, when a moderator reverses a decision) one document of a
 * class to an in-memory table: what the service does with
 * `INSERT … ON CONFLICT(token) DO UPDATE SET spam = spam + 1` and the totals in `meta`.
 */
export function train(
  table: Map<string, TokenCounts>,
  totals: TokenCounts,
  tokens: readonly string[],
  label: 'spam' | 'ham',
  delta: 1 | -1 = 1,
): void {
  for (const token of new Set(tokens)) {
    const row = table.get(token) ?? { spam: 0, ham: 0 };
    row[label] = Math.max(0, row[label] + delta);
    if (row.spam === 0 && row.ham === 0) table.delete(token);
    else table.set(token, row);
  }
  totals[label] = Math.max(0, totals[label] + delta);
}

/**
 * Pruning policy: once the table holds more than learnerVocabularyCap tokens, delete down to 90 %
 * of the cap, the tokens seen in the fewest documents first and, among those, the least recently
 * updated (one-off tokens of old comments). In SQL:
 * `DELETE FROM learner_tokens WHERE token IN (SELECT token FROM learner_tokens
 *  ORDER BY spam + ham, updated_at LIMIT ?)` with the count from this function.
 */
export function pruneCount(vocabularySize: number, settings: SpamSettings): number {
  const cap = settings.learnerVocabularyCap;
  return vocabularySize > cap ? vocabularySize - Math.floor(cap * 0.9) : 0;
}

/** The same policy on an in-memory table (updatedAt per token supplied by the caller). */
export function pruneOrder(a: TokenCounts & { updatedAt: number }, b: TokenCounts & { updatedAt: number }): number {
  return a.spam + a.ham - (b.spam + b.ham) || a.updatedAt - b.updatedAt;
}
