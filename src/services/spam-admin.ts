import type { Deps } from '../deps';
import { getArticle } from '../db/articles';
import { loadSettings } from '../settings';
import { invisibleCharacters } from '../spam';
import type { Features, Label } from '../spam/types';
import { contentHash } from './comments';
import { authorText, checkLengths, contentText } from './limits';
import { assess } from './assess';
import { memoryKeys } from './keys';
import { learn } from './lessons';

/**
 * The spam defence's admin endpoints. `check` is a dry run (like Akismet's comment-check): it
 * stores nothing and trains nothing. `feedback` trains exactly as a moderator's decision does.
 */

/** A comment given to the checks: a submission's fields (as the route validated them), and what a stored comment would also know. */
export interface Candidate {
  author: string;
  email: string;
  website?: string | undefined;
  content: string;
  ip?: string | undefined;
  /** Omitted: unknown (a corpus without it); an empty string: the client sent none. */
  userAgent?: string | undefined;
  articleId?: string | undefined;
  honeypot?: string | undefined;
}

/** The candidate's features; `sentContent` is its content as sent, whose invisible characters count (validation stripped them). */
function featuresOf(candidate: Candidate, sentContent: unknown): Features {
  return {
    articleId: candidate.articleId ?? '',
    author: candidate.author,
    email: candidate.email.toLowerCase(),
    website: candidate.website ?? null,
    content: candidate.content,
    ip: candidate.ip ?? null,
    userAgent: candidate.userAgent === undefined ? undefined : candidate.userAgent.trim() || null,
    honeypot: candidate.honeypot,
    invisible: invisibleCharacters(String(sentContent)),
  };
}

/** The site's length limits, named as the body has them (`prefix`: where the candidate sits in it). */
const lengths = (candidate: Candidate, prefix = '') => [
  authorText(candidate.author, `${prefix}author`),
  contentText(candidate.content, `${prefix}content`),
];

/** The verdict, score and reasons the checks give the candidate now. */
export async function checkCandidate(deps: Deps, candidate: Candidate, sentContent: unknown) {
  const settings = await loadSettings(deps);
  checkLengths(settings, lengths(candidate));
  const features = featuresOf(candidate, sentContent);
  const [article, hash] = await Promise.all([
    features.articleId ? getArticle(deps.db, features.articleId) : undefined,
    contentHash(deps.keys, features.content),
  ]);
  const { verdict, score, reasons } = await assess(deps, settings, {
    features,
    formToken: null,
    article,
    contentHash: hash,
    now: deps.clock.now(),
  });
  return { verdict, score, reasons };
}

/** Trains the learner and the local memory with a labelled candidate, as a moderator's decision would. */
export async function teach(deps: Deps, label: Label, candidate: Candidate, sentContent: unknown) {
  checkLengths(await loadSettings(deps), lengths(candidate, 'comment.'));
  const features = featuresOf(candidate, sentContent);
  await learn(deps, features, await memoryKeys(deps, features), label);
}
