import {
  checkAuthor,
  checkCrossPosts,
  checkEmailDomain,
  checkFormToken,
  checkHoneypot,
  checkLinks,
  checkLists,
  checkMemory,
  checkPromotion,
  checkShape,
  checkUserAgent,
  keywordAddress,
  type Check,
} from './checks';
import { checkLanguage } from './language';
import { runLearner } from './learner';
import type { SpamSettings } from '../settings/spam';
import type { CheckContext, Features, LearnerInput, Signal } from './types';

/** Every rule, in the order their signals are listed. */
const checks: ReadonlyArray<readonly [name: string, check: Check]> = [
  ['honeypot', checkHoneypot],
  ['form_token', checkFormToken],
  ['links', checkLinks],
  ['lists', checkLists],
  ['memory', checkMemory],
  ['shape', checkShape],
  ['promotion', checkPromotion],
  ['language', checkLanguage],
  ['email', checkEmailDomain],
  ['cross_post', checkCrossPosts],
  ['author', checkAuthor],
  ['user_agent', checkUserAgent],
];

/**
 * Runs every rule, then the learner when its state is given (and it has seen enough of both
 * classes). Pure: the service gathers `context` and the learner's counts beforehand.
 *
 * A comment in another language than the article's (the language rule spoke): the learner and that
 * rule alone never judge it spam, they hold it. A site whose spam in that language outnumbers its
 * readers' teaches the learner the language along with the spam (words like "and", "the"); its
 * readers writing in it would be judged spam for their language. Any other rule still adds up.
 * The same bound holds a young learner (fewer spam lessons than learnerBlocksFrom): sure of spam
 * from words a few dozen spam happened to share, alone it holds.
 *
 * A website whose address was bought for its keywords (keywordAddress): the learner's certainty of
 * ham does not count against it. Quiet link spam writes a text that reads like a reader's, on
 * purpose; what it is for is the address, which the author rule weighs. The learner's certainty of
 * spam still counts.
 */
export function runChecks(
  features: Features,
  context: CheckContext,
  settings: SpamSettings,
  learnerInput?: LearnerInput,
): Signal[] {
  const signals = checks.flatMap(([, check]) => check(features, context, settings));
  if (!learnerInput) return signals;
  const language = signals.find((s) => s.rule === 'language')?.score ?? 0;
  const bounded =
    language > 0
      ? "another language than the article's"
      : learnerInput.totals.spam < settings.learnerBlocksFrom
        ? `fewer than ${settings.learnerBlocksFrom} spam lessons`
        : null;
  const bound = settings.spamThreshold - language - 1;
  const textOnly = settings.weightAuthorSpamWords > 0 && keywordAddress(features);
  const learned = runLearner(features, learnerInput, settings).map((signal) => {
    if (bounded && signal.score > bound)
      return { ...signal, score: Math.max(0, bound), detail: `${signal.detail}; bounded: ${bounded}` };
    if (textOnly && signal.score < 0)
      return { ...signal, score: 0, detail: `${signal.detail}; not counted against a keyword address` };
    return signal;
  });
  return [...signals, ...learned];
}

export { verdict } from './verdict';
export { learnerTokens, pruneCount } from './learner';
export { invisibleCharacters } from './checks';
export type { LearnerTotals, TokenCounts } from './types';
