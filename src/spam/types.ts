import type { LearnerPrior } from './prior';

/**
 * The vocabulary of the spam checks. Checks are pure: they take plain values
 * (the submission's features, the context the service gathered, the settings)
 * and return signals. They never touch the database or read the clock.
 */

/** What the checks make of a submission: published, held for a moderator, or judged spam. */
export const VERDICTS = ['approve', 'hold', 'spam'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * A class the learner is trained with: what a moderator's decision teaches (marking spam teaches
 * spam; approving what the checks did not approve teaches ham).
 */
export const LABELS = ['spam', 'ham'] as const;
export type Label = (typeof LABELS)[number];

/** One reason that moved the score, as stored with the comment and shown to moderators. */
export interface Signal {
  rule: string;
  score: number;
  detail: string;
}

/** What the submitter sent, already normalized and validated. */
export interface Features {
  articleId: string;
  author: string;
  email: string;
  website: string | null;
  content: string;
  ip: string | null;
  /** null: the client sent none; undefined: unknown (a dry run or a corpus without it), its check is skipped. */
  userAgent: string | null | undefined;
  /** Value of the honeypot field ('' or undefined when left empty). */
  honeypot?: string | undefined;
  /**
   * Invisible characters of the content as submitted. Normalization strips them before `content`
   * is set, so the service counts them in the raw text (invisibleCharacters in checks.ts); when
   * absent (a corpus row, a direct call), the shape check counts them in `content` itself.
   */
  invisible?: InvisibleCharacters | undefined;
}

/** Zero-width and direction characters of a text, as the shape check judges them. */
export interface InvisibleCharacters {
  /** How many, joiners of emoji and of scripts that need them left out. */
  count: number;
  /** One of them sits inside a word (v\u200Biagra), or a joiner between two Latin letters. */
  insideWords: boolean;
}

/** The checks' outcome: the verdict, with the score and the reasons that led to it (verdict.ts). */
export interface Assessment {
  verdict: Verdict;
  /** Sum of the signals' scores, rounded to 0.1. */
  score: number;
  /** The signals that moved the score, strongest first (positive before negative at equal size). */
  reasons: Signal[];
}

/** Facts the service gathers before the checks run (history, clock, lists): what a check knows beyond the submission. */
export interface CheckContext {
  /**
   * Result of verifying the form token, done by the service (it needs the secret and the table of
   * used tokens): `used` when a stored comment was already sent with it (a token serves one comment).
   */
  formToken:
    | { state: 'ok'; ageMs: number }
    | { state: 'used'; ageMs: number }
    | { state: 'shared'; ageMs: number }
    | { state: 'missing' }
    | { state: 'invalid' }
    | { state: 'skipped' };
  /** Language of the article (ISO 639-1, e.g. 'fr'), or null when unknown. */
  articleLanguage: string | null;
  /** Local memory: what moderators decided before about this submitter. */
  memory: {
    spamByIp: number;
    spamByEmail: number;
    spamByWebsiteHost: number;
    approvedByEmail: number;
  };
  /** Same normalized text seen on other articles in the last 24 h. */
  crossPosts: number;
  /** Lists from the moderators. */
  lists: ListEntry[];
}

export interface ListEntry {
  list: 'disallowed' | 'moderation';
  kind: 'word' | 'ip' | 'cidr' | 'email' | 'domain';
  value: string;
}

/** Per-token document counts of the learner, as stored in its table (one row per token). */
export interface TokenCounts {
  spam: number;
  ham: number;
}

/**
 * The learner's totals: trained documents per class, and the sum of their token counts
 * (learnerTokens(...).length) per class, kept in two rows of its token table ('#total', '#tokens').
 * Without the token sums the learner assumes documents of equal length in both classes, and
 * measures worse (docs/spam.md).
 */
export interface LearnerTotals {
  spam: number;
  ham: number;
  spamTokens?: number;
  hamTokens?: number;
}

/** What the service fetched for the learner: counts of this document's tokens only, and the totals. */
export interface LearnerInput {
  /** learnerTokens(features); computed again by runChecks when omitted. */
  tokens?: string[];
  /** Counts of (some of) the tokens; a token absent from the map was never trained. */
  stats: ReadonlyMap<string, TokenCounts>;
  totals: LearnerTotals;
  /**
   * The prior to blend with the site's counts when the `learnerPrior` setting is on: undefined for
   * the one shipped with Tamis (spam/prior.ts), null for none (an evaluation that builds its own).
   */
  prior?: LearnerPrior | null;
}
