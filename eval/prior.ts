import { KIND_WEIGHT, learnerTokens } from '../src/spam/learner';
import type { LearnerPrior, PriorData } from '../src/spam/prior';
import type { TokenCounts } from '../src/spam/types';
import type { EvalRow } from './evaluate';
import { rowToFeatures } from './local-engine';
import { train } from './memory-learner';

/**
 * The learner's prior, built from labelled corpora (their 'train' rows): what a site would have
 * learned from those comments, pruned to the tokens that tell most. scripts/build-prior.ts writes
 * the one shipped with Tamis (src/spam/prior.generated.ts); the evaluation builds others, leaving out the
 * corpus it tests on.
 */

export interface PriorOptions {
  /** How many tokens to keep. */
  keep: number;
  /** Fewest trained documents a token must appear in (so that no one's name or address is kept). */
  minDocuments: number;
  /**
   * Tokens in more than this share of the ham documents, of all the corpora or of any one site with
   * 30 ham or more, are left out: common words and shapes ("my", "thanks", "moi") lean one way on one
   * site and the other way on the next.
   */
  maxHamShare: number;
  /** Keep only tokens that lean towards spam: what ham looks like is each site's own. */
  spamOnly: boolean;
}

export const DEFAULT_PRIOR_OPTIONS: PriorOptions = { keep: 1400, minDocuments: 3, maxHamShare: 0.02, spamOnly: false };

/**
 * Metadata that describes a site's habits rather than spam: how many links and of which kind, which
 * domains and mail providers, how long, how many capitals, which browser. On YouTube a link is
 * usually spam; under a news article it is often a source. Left out of the prior (each site's
 * learner learns them from its own lessons); what the rules saw stays (promotion categories, a
 * phone number, an address in the text, an obfuscated address, spintax). Character n-grams too:
 * they follow a corpus's language and style, and the dozen a word gives made one word of the
 * corpora ("bonjour", which their spam says more than their readers) worth the prior's whole
 * score; words and word pairs stay. The self-promotion category too: on YouTube, naming one's own
 * channel is the spam's own sentence; under an article or a blog, it is how readers point to what
 * they wrote ("j'en parle sur mon blog"), and the promotion rule already weighs it. Added to that
 * rule and to a reader's website and source, the prior's belief judged such readers spam. The contact
 * solicitation category as well ("appelez le…", "me contacter par mail"): the promotion rule weighs
 * it in full (5) and the shape rule the number or address it gives (2); the prior counted it a third
 * time and judged readers spam who give a shop's number or their address to collect a pushchair. The
 * number and the address themselves stay: without them, spam that gives a number and nothing else
 * the rules read was published.
 */
const siteHabit = (token: string) =>
  /^m:(?:links|kind|site|tld|website|wsite|wtld|email:|etld|words|caps|shout|emoji|digits|ua):?/.test(token) ||
  token === 'm:promo:self-promotion' ||
  token === 'm:promo:contact_solicitation' ||
  token.startsWith('a:') ||
  token.startsWith('c:');

/**
 * Counts of every token of the rows (the same tokens and counts as the moderators' feedback would
 * give), then the `keep` most telling: the log ratio of their share of spam and of ham documents,
 * weighted as the learner weighs their kind, times the log of how often they were seen. The
 * document totals stay those of all the rows; the token totals are those of the tokens kept.
 */
export function buildPrior(rows: readonly EvalRow[], overrides: Partial<PriorOptions> = {}): LearnerPrior {
  const options = { ...DEFAULT_PRIOR_OPTIONS, ...overrides };
  const table = new Map<string, TokenCounts>();
  const totals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
  // Ham documents per site, and in how many of them each token appears: a word common in any one
  // site's ham ("moi" under French articles) is common, however rare across all the corpora together.
  const hamBySite = new Map<string, { documents: number; tokens: Map<string, number> }>();
  for (const row of rows) {
    if (row.split !== 'train') continue;
    const tokens = learnerTokens(rowToFeatures(row));
    train(table, totals, tokens, row.label);
    if (row.label !== 'ham') continue;
    const site = hamBySite.get(row.site) ?? { documents: 0, tokens: new Map<string, number>() };
    site.documents++;
    for (const token of new Set(tokens)) site.tokens.set(token, (site.tokens.get(token) ?? 0) + 1);
    hamBySite.set(row.site, site);
  }
  const common = (token: string) =>
    [...hamBySite.values()].some(
      (site) => site.documents >= 30 && (site.tokens.get(token) ?? 0) > options.maxHamShare * site.documents,
    );
  const ranked = [...table]
    .filter(
      ([token, c]) =>
        c.spam + c.ham >= options.minDocuments &&
        c.ham <= options.maxHamShare * totals.ham &&
        !common(token) &&
        !siteHabit(token),
    )
    .map(([token, c]) => {
      const ratio = Math.log((c.spam + 1) / (totals.spam + 2)) - Math.log((c.ham + 1) / (totals.ham + 2));
      if (options.spamOnly && ratio <= 0) return { token, c, usefulness: -1 };
      const usefulness = Math.abs(ratio) * (KIND_WEIGHT[token[0] ?? ''] ?? 1) * Math.log2(1 + c.spam + c.ham);
      return { token, c, usefulness };
    })
    .filter(({ usefulness }) => usefulness >= 0)
    .sort((a, b) => b.usefulness - a.usefulness || (a.token < b.token ? -1 : 1))
    .slice(0, options.keep);
  // The token totals of what is kept: the prior's classifier normalizes by the mass it knows.
  const kept = ranked.filter(({ token }) => !token.startsWith('a:') && !token.startsWith('m:ua:'));
  return {
    counts: new Map(ranked.map(({ token, c }) => [token, c])),
    totals: {
      spam: totals.spam,
      ham: totals.ham,
      spamTokens: kept.reduce((sum, { c }) => sum + c.spam, 0),
      hamTokens: kept.reduce((sum, { c }) => sum + c.ham, 0),
    },
  };
}

/** The prior as prior.generated.ts stores it (tokens sorted, so that the file changes only with the corpora). */
export function encodePrior(prior: LearnerPrior): PriorData {
  const entries = [...prior.counts]
    .filter(([token]) => !/[\t\n]/.test(token))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([token, c]) => `${token}\t${c.spam}\t${c.ham}`)
    .join('\n');
  return { totals: prior.totals, entries };
}
