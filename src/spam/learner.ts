import { agentOf, analyze, describeAgent, fold, WORD, type Agent } from './analyze';
import { countedLinks, obfuscatedLink, phoneNumbers, spintax } from './checks';
import { priorShare, shippedPrior, type LearnerPrior } from './prior';
import { promotionCategories } from './promotion';
import type { SpamSettings } from '../settings/spam';
import type { Features, LearnerInput, LearnerTotals, Signal, TokenCounts } from './types';

/**
 * A learner trained from the moderators' decisions, stored as one table row per token:
 * `token → { spam, ham }`, the number of trained documents of each class that held the token,
 * and two rows of totals (LearnerTotals: documents and tokens per class). Scoring a comment needs
 * only the rows of its own tokens (one `WHERE token IN (…)` query); training adds 1 to the rows of
 * its tokens for one class, 1 to that class's documents and the token count to its tokens
 * (db/learner.ts).
 *
 * Tokens: words, word bigrams, character n-grams inside words (which survive misspellings and
 * obfuscation: "subscr1be", "chanel"), metadata (link domains, TLDs, email domain, website, the
 * browser of the user agent…, and the promotion categories the promotion rule found:
 * 'm:promo:subscription_begging'), and the words of the author's name.
 * Every token is at most MAX_TOKEN_LENGTH characters and a document gives at most MAX_TOKENS of them,
 * so a submitter cannot make one request cost more, nor grow the table faster, than that.
 *
 * Classifier: multinomial naive Bayes with per-kind weights (see classify). Why this one, and what
 * was measured and kept out: docs/spam.md.
 */

export const MAX_TOKENS = 320;
export const MAX_TOKEN_LENGTH = 32;
/** Longest word kept whole; longer ones (hashes, garbage) are cut. */
const MAX_WORD_LENGTH = 20;
const CHAR_NGRAM_SIZES = [3, 4, 5] as const;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Lower case, compatibility forms unified, diacritics kept (they tell languages apart). */
function words(text: string): string[] {
  return (fold(text).match(WORD) ?? []).map((word) =>
    word.replace(/’/g, "'").replace(/\d/g, '0').slice(0, MAX_WORD_LENGTH),
  );
}

/** The registrable part of a host, roughly: the last two labels, or three under a two-letter second level ('co.uk'). */
function siteOf(host: string): string {
  const labels = host.replace(/^www\d*\./, '').split('.');
  const keep =
    labels.length >= 3 &&
    (labels[labels.length - 2] ?? '').length <= 3 &&
    (labels[labels.length - 1] ?? '').length === 2
      ? 3
      : 2;
  return labels.slice(-keep).join('.');
}

const bucket = (n: number, edges: number[]) => {
  let i = 0;
  while (i < edges.length && n >= (edges[i] ?? Infinity)) i++;
  return i;
};

/**
 * A coarse token of the user agent: browser and major version ('firefox/5'), else the HTTP
 * library it names ('curl'), else 'other'; 'none' when none was sent; null when unknown. Spam bots
 * reuse a few agents, often old; people's browsers vary. Never more of the string than that: the
 * learner's table outlives the retention of user agents, so it keeps nothing a person could be
 * told apart by.
 */
function agentToken(agent: Agent | null): string | null {
  if (!agent) return null;
  if (!agent.sent) return 'none';
  if (agent.browser) return agent.browser;
  return agent.library
    ? agent.library
        .toLowerCase()
        .replace(/[^a-z0-9:.-]+/g, '')
        .replace(/[.:-]+$/, '')
    : 'other';
}

/** agentToken of a user agent as written. */
export const userAgentToken = (userAgent: string | null | undefined) => agentToken(describeAgent(userAgent));

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
  // A source (countedLinks) is one token, not a link: readers cite them where spammers advertise.
  const { counted, sources } = countedLinks(features);
  const contentLinks = counted.filter((link) => link.kind !== 'website');
  if (sources > 0) add('m:ref');
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
  const { all: letters, upper } = analysis.letters;
  add(`m:words:${bucket(analysis.words.length, [1, 3, 6, 12, 25, 50, 100])}`);
  if (letters >= 6) add(`m:caps:${bucket(upper / letters, [0.05, 0.3, 0.7])}`);
  if (/[!?]{2,}/.test(text)) add('m:shout');
  if (/\p{Extended_Pictographic}/u.test(text)) add('m:emoji');
  if (/\d/.test(text)) add('m:digits');
  // What the shape and link rules see, in any language: a number to call, an address spelled to
  // dodge filters, spintax left unexpanded.
  if (phoneNumbers(text).length > 0) add('m:phone');
  if (obfuscatedLink(text)) add('m:obfuscated');
  if (spintax(features.content) > 0) add('m:spintax');
  // What the promotion rule saw, one token per category ('m:promo:subscription_begging'): the rule
  // adds fixed points everywhere, the learner learns from this site's decisions how much each
  // category really tells (begging for likes is spam on one site, a harmless habit on another).
  for (const category of promotionCategories(features).keys()) add(`m:promo:${category.replace(/\s+/g, '_')}`);

  const agent = agentToken(agentOf(features).agent);
  if (agent) add(`m:ua:${agent}`);

  // Words of the author's name: where blog spam puts its anchor text ("Cheap Jerseys").
  for (const word of words(features.author).slice(0, 6)) add(`a:${word}`);

  // Words and bigrams of the content.
  const contentWords = words(text);
  for (const word of contentWords) add(`w:${word}`);
  for (let i = 1; i < contentWords.length; i++) add(`b:${contentWords[i - 1]} ${contentWords[i]}`);

  // Character n-grams inside words, with word boundaries marked.
  // Cut by code points: a word without surrogates (nearly every one) by its indices, others through
  // their array of characters. Building every n-gram from an array was a quarter of the bytes a
  // post allocated, and twice the time.
  const marked = [...new Set(contentWords)].map((word) =>
    SURROGATE.test(word) ? Array.from(`^${word}$`) : `^${word}$`,
  );
  const gram = (chars: string | string[], i: number, size: number) =>
    typeof chars === 'string' ? chars.slice(i, i + size) : chars.slice(i, i + size).join('');
  for (const size of CHAR_NGRAM_SIZES) {
    for (const chars of marked) {
      for (let i = 0; i + size <= chars.length; i++) add(`c:${gram(chars, i, size)}`);
      if (out.size >= MAX_TOKENS) return [...out];
    }
  }
  return [...out];
}

export interface Classification {
  /** Probability of spam, 0–1 (0.5 when the learner knows nothing telling). */
  pSpam: number;
  /** Evidence for spam in nats (log-odds, before any prior): what the signal's score derives from. */
  logOdds: number;
  /** The most telling known tokens, strongest first: weight > 0 leans spam. */
  top: Array<{ token: string; weight: number; spam: number; ham: number }>;
}

/**
 * The author's name and the user agent count once per comment, whatever its length: their evidence
 * compares the share of spam and of ham comments that had them (with multinomial evidence, an agent
 * every comment shares would lean each one towards the shorter class, ham). And they only ever
 * count towards spam: a name is public and an agent is easy to copy, so a spammer could borrow a
 * regular's, while the names and bots that spam uses are its own (measured: docs/spam.md).
 *
 * A lesson taken back is derived again from the stored comment. The retention purge and erasure
 * revise the lessons of the comments they change (lessonRevision in services/lessons.ts), so a
 * reversal takes back what the lesson holds; only tokens pruned meanwhile can be taken back twice
 * (counts stop at zero).
 */
const perDocument = (token: string) => token.startsWith('a:') || token.startsWith('m:ua:');

/** Additive smoothing of the counts. */
const ALPHA = 1;
/**
 * Smoothing mass spread over an assumed vocabulary of this many tokens (the real vocabulary size
 * would need a COUNT over the table; a constant of the same order measured the same).
 */
const PSEUDO_VOCABULARY = 10_000;
/**
 * Weight of a token's evidence by kind. A word gives three sizes of character n-grams that say
 * nearly the same thing, so they count a third; metadata (links, domains, shape) is few tokens
 * against many words and counts double.
 */
export const KIND_WEIGHT: Record<string, number> = { c: 1 / 3, m: 2, w: 1, b: 1, a: 1 };
/**
 * Token count assumed per document when the totals lack spamTokens/hamTokens (a table that only
 * counted documents). It loses the length correction: provide the token totals.
 */
const ASSUMED_TOKENS_PER_DOCUMENT = 80;
/** No single token moves the log-odds by more than this (nats), whatever its counts. */
const MAX_TOKEN_EVIDENCE = 4;
/**
 * The same bound for the prior, much lower: what other sites taught counts only when several
 * tokens agree. A single word of its corpora ("bonjour", which their spam says more than their
 * readers) reached p(spam) 1.00 alone with the bound of 4; cross-corpus, 1 nat published the
 * least spam and held the least ham (README, Spam defence).
 */
const PRIOR_TOKEN_EVIDENCE = 1;
/**
 * Only the strongest tokens of a comment count, as SpamBayes' max_discriminators (150) or
 * Graham's "most interesting" tokens (15). A long comment holds hundreds of weak, overlapping
 * tokens (a word, its pairs, its character n-grams); summed, ordinary words outweighed what made
 * it spam ("if I reach 100 subscribers…" written at length). Comments with fewer known tokens than
 * this are scored as before. How 80 was chosen: docs/spam.md.
 */
const MAX_DISCRIMINATORS = 80;

/**
 * Multinomial naive Bayes over the document's distinct tokens, with per-class token totals (so a
 * class whose documents are longer, usually spam, does not win on rare tokens), evidence clipped
 * per token, weighted by token kind, and summed over the MAX_DISCRIMINATORS strongest tokens. No prior: the share of spam among trained examples says
 * how moderators trained, not how likely the next comment is spam.
 *
 * `stats` needs to hold only this document's tokens (it may hold more); a token missing from it
 * was never trained and tells nothing. Never throws, whatever the counts.
 */
export function classify(
  tokens: readonly string[],
  stats: ReadonlyMap<string, TokenCounts>,
  totals: LearnerTotals,
  maxTokenEvidence = MAX_TOKEN_EVIDENCE,
): Classification {
  const spamTokens = totals.spamTokens ?? totals.spam * ASSUMED_TOKENS_PER_DOCUMENT;
  const hamTokens = totals.hamTokens ?? totals.ham * ASSUMED_TOKENS_PER_DOCUMENT;
  const spamN = Number.isFinite(spamTokens) ? Math.max(0, spamTokens) : 0;
  const hamN = Number.isFinite(hamTokens) ? Math.max(0, hamTokens) : 0;
  // Smoothing in proportion to each class's size: with the same pseudo-count for both, a site with
  // a dozen spam examples and two hundred ham saw every common token ("le", no link) lean ham by
  // the ratio of the smoothing masses alone, and its spam went through. Balanced classes: unchanged.
  const mean = Math.max(1, (spamN + hamN) / 2);
  const spamAlpha = (ALPHA * Math.max(1, spamN)) / mean;
  const hamAlpha = (ALPHA * Math.max(1, hamN)) / mean;
  const normalizer = Math.log((spamN + spamAlpha * PSEUDO_VOCABULARY) / (hamN + hamAlpha * PSEUDO_VOCABULARY));
  const spamDocs = Number.isFinite(totals.spam) ? Math.max(0, totals.spam) : 0;
  const hamDocs = Number.isFinite(totals.ham) ? Math.max(0, totals.ham) : 0;
  const scored: Classification['top'] = [];
  for (const token of new Set(tokens)) {
    const counts = stats.get(token);
    if (!counts) continue;
    const spam = Number.isFinite(counts.spam) ? Math.max(0, counts.spam) : 0;
    const ham = Number.isFinite(counts.ham) ? Math.max(0, counts.ham) : 0;
    if (spam + ham === 0) continue;
    const evidence = perDocument(token)
      ? Math.max(0, Math.log((spam + ALPHA) / (spamDocs + 2 * ALPHA)) - Math.log((ham + ALPHA) / (hamDocs + 2 * ALPHA)))
      : Math.log((spam + spamAlpha) / (ham + hamAlpha)) - normalizer;
    const clipped = Math.max(-maxTokenEvidence, Math.min(maxTokenEvidence, evidence));
    const weight = clipped * (KIND_WEIGHT[token[0] ?? ''] ?? 1);
    scored.push({ token, weight, spam: counts.spam, ham: counts.ham });
  }
  scored.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.token < b.token ? -1 : 1));
  let logOdds = 0;
  for (const { weight } of scored.slice(0, MAX_DISCRIMINATORS)) logOdds += weight;
  if (!Number.isFinite(logOdds)) logOdds = 0;
  const pSpam = 1 / (1 + Math.exp(-logOdds));
  return { pSpam, logOdds, top: scored.slice(0, 8) };
}

/**
 * Has the learner seen enough of both classes to be heard? With a prior, always: the prior stands
 * for examples of both. Without, once the site has learnerMinExamples of each.
 */
function learnerReady(
  totals: Pick<LearnerTotals, 'spam' | 'ham'>,
  settings: SpamSettings,
  prior: LearnerPrior | null = null,
): boolean {
  if (prior && prior.totals.spam > 0 && prior.totals.ham > 0 && settings.learnerPriorDocuments > 0) return true;
  return totals.spam >= settings.learnerMinExamples && totals.ham >= settings.learnerMinExamples;
}

const readable = (token: string) => {
  const [kind, ...rest] = token.split(':');
  const value = rest.join(':');
  switch (kind) {
    case 'w':
    case 'b':
      return JSON.stringify(value);
    case 'c':
      return `~${value}`;
    case 'a':
      return `author ${JSON.stringify(value)}`;
    case 'm':
      return value.startsWith('promo:') ? value.slice(6).replace(/_/g, ' ') : value;
    default:
      return token.slice(2);
  }
};

/**
 * The learner's signal: learnerScale points per nat of evidence, bounded by +learnerWeight (sure of
 * spam) and −learnerHamWeight (sure of ham); nothing until both classes have learnerMinExamples.
 */
export function learnerSignal(
  result: Classification,
  totals: Pick<LearnerTotals, 'spam' | 'ham'>,
  settings: SpamSettings,
): Signal[] {
  if (!learnerReady(totals, settings)) return [];
  const raw = settings.learnerScale * result.logOdds;
  const score = Math.max(-settings.learnerHamWeight, Math.min(settings.learnerWeight, Number.isFinite(raw) ? raw : 0));
  const rounded = Math.round(score * 10) / 10;
  if (rounded === 0) return [];
  const telling = [
    ...new Set(result.top.filter((t) => (rounded > 0 ? t.weight > 0 : t.weight < 0)).map((t) => readable(t.token))),
  ].slice(0, 5);
  return [
    {
      rule: 'learner',
      score: rounded,
      detail: `p(spam) ${result.pSpam.toFixed(2)} (site lessons)${telling.length ? `: ${telling.join(', ')}` : ''}`,
    },
  ];
}

/**
 * Runs the learner for runChecks: tokens (given or computed), classification, signal. With the
 * prior (the `learnerPrior` setting; `input.prior`, else the one shipped with Tamis), the prior's
 * points are added to the site's (withPrior): the prior alone until the site has learnerMinExamples
 * of each class, then less and less of it as the site's lessons grow (its share, prior.ts). The
 * site's lessons count by their scarcer class: two hundred ham and a dozen spam tell little of
 * what this site's spam looks like.
 */
export function runLearner(features: Features, input: LearnerInput, settings: SpamSettings): Signal[] {
  const prior = settings.learnerPrior ? (input.prior === undefined ? shippedPrior() : input.prior) : null;
  if (!learnerReady(input.totals, settings, prior)) return [];
  const tokens = input.tokens ?? learnerTokens(features);
  const site = learnerReady(input.totals, settings) ? classify(tokens, input.stats, input.totals) : null;
  if (!prior) return site ? learnerSignal(site, input.totals, settings) : [];
  const fromPrior = classify(tokens, prior.counts, prior.totals, PRIOR_TOKEN_EVIDENCE);
  const share = site
    ? priorShare(
        2 * Math.min(input.totals.spam, input.totals.ham),
        settings.learnerPriorDocuments,
        settings.learnerPriorHalfLife,
      )
    : 1;
  return withPrior(site, fromPrior, share, settings);
}

/**
 * The learner's signal with the prior: the site's points (its evidence, bounded by learnerWeight and
 * learnerHamWeight, once it has learnerMinExamples of each class) plus the prior's, its evidence
 * times its share, bounded by learnerPriorWeight and learnerPriorHamWeight. Added rather than
 * averaged: a site with a dozen spam examples still speaks with its own voice (averaged by the
 * share, its evidence was muffled and it judged less of its spam), and the prior's voice fades as
 * the site's lessons grow. The detail says who spoke.
 */
function withPrior(
  site: Classification | null,
  fromPrior: Classification,
  share: number,
  settings: SpamSettings,
): Signal[] {
  const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Number.isFinite(x) ? x : 0));
  const sitePoints = site
    ? clamp(settings.learnerScale * site.logOdds, -settings.learnerHamWeight, settings.learnerWeight)
    : 0;
  const priorPoints = clamp(
    settings.learnerScale * share * fromPrior.logOdds,
    -Math.min(settings.learnerHamWeight, settings.learnerPriorHamWeight),
    Math.min(settings.learnerWeight, settings.learnerPriorWeight),
  );
  const score = clamp(sitePoints + priorPoints, -settings.learnerHamWeight, settings.learnerWeight);
  const rounded = Math.round(score * 10) / 10;
  if (rounded === 0) return [];
  const top = [...fromPrior.top, ...(site?.top ?? [])].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const telling = [
    ...new Set(top.filter((t) => (rounded > 0 ? t.weight > 0 : t.weight < 0)).map((t) => readable(t.token))),
  ].slice(0, 5);
  const logOdds = score / (settings.learnerScale || 1);
  const spoke = !site
    ? 'prior'
    : Math.abs(priorPoints) < 0.05
      ? 'site lessons'
      : `site lessons ${sitePoints.toFixed(1)}, prior ${priorPoints.toFixed(1)}`;
  return [
    {
      rule: 'learner',
      score: rounded,
      detail: `p(spam) ${(1 / (1 + Math.exp(-logOdds))).toFixed(2)} (${spoke})${telling.length ? `: ${telling.join(', ')}` : ''}`,
    },
  ];
}

// Pruning ----------------------------------------------------------------------------------------

/**
 * Pruning policy: once the table holds more than learnerVocabularyCap tokens, delete down to 90 %
 * of the cap, the tokens seen in the fewest documents first and, among those, the least recently
 * updated (one-off tokens of old comments): db/learner.ts deletes that many, in that order.
 */
export function pruneCount(vocabularySize: number, settings: SpamSettings): number {
  const cap = settings.learnerVocabularyCap;
  return vocabularySize > cap ? vocabularySize - Math.floor(cap * 0.9) : 0;
}
