import type { ArticleRow } from '../db/articles';
import type { FormTokenUse } from '../db/form-tokens';
import { readHistory, type History } from '../db/history';
import { listEntriesForChecks } from '../db/lists';
import { readCache } from '../db/read-cache';
import type { Deps } from '../deps';
import type { SiteSettings } from '../settings';
import { learnerTokens, runChecks, verdict } from '../spam';
import type { Assessment, CheckContext, Features } from '../spam/types';
import { readFormToken } from './form-tokens';
import { memoryKeys } from './keys';

export interface AssessInput {
  features: Features;
  /** The submitted form token; null skips the check (author edits, the admin dry run). */
  formToken: string | undefined | null;
  article: ArticleRow | undefined;
  contentHash: string;
  now: number;
  excludeId?: string;
  /** The history, when the caller has read it already (a new submission reads it for flood control). */
  history?: History;
}

/**
 * Gathers the context (history with the learner's counts, lists), runs the pure checks, returns
 * their assessment, with the form token to use up when the comment is stored (useFormToken in
 * db/form-tokens.ts), when it is fresh and unused.
 */
export async function assess(
  deps: Deps,
  settings: SiteSettings,
  input: AssessInput,
): Promise<Assessment & { formTokenUse?: FormTokenUse }> {
  const { features, now } = input;
  const [token, { memory, crossPosts, learner }, lists] = await Promise.all([
    readFormToken(
      deps,
      input.formToken,
      features.articleId,
      now,
      settings.spam.formTokenMaxAgeSeconds,
      input.history?.submission?.formTokenUsed,
    ),
    input.history ??
      memoryKeys(deps, features).then((keys) =>
        readHistory(deps.db, {
          keys,
          tokens: learnerTokens(features),
          articleId: features.articleId,
          contentHash: input.contentHash,
          now,
          excludeId: input.excludeId,
        }),
      ),
    readCache(deps.db).lists(now, () => listEntriesForChecks(deps.db)),
  ]);
  const context: CheckContext = {
    formToken: token.state,
    articleLanguage: input.article?.language ?? null,
    memory,
    crossPosts,
    lists,
  };
  const signals = runChecks(features, context, settings.spam, learner);
  const assessment: Assessment & { formTokenUse?: FormTokenUse } = verdict(signals, settings.spam);
  if (token.use) assessment.formTokenUse = token.use;
  return assessment;
}
