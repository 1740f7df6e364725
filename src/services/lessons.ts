import { runBatch, type Statement } from '../db/batch';
import type { CommentRow } from '../db/comments';
import { countStatements, CountDeltas, learnerRowCount, pruneRarest } from '../db/learner';
import { memoryStatements, type MemoryKeys } from '../db/spam-memory';
import type { Deps } from '../deps';
import { loadSettings } from '../settings';
import { learnerTokens, pruneCount } from '../spam';
import { MAX_TOKENS } from '../spam/learner';
import { LABELS, type Features, type Label } from '../spam/types';
import { hostHash } from './keys';

/**
 * What the learner and local memory learn from the moderators, and how a lesson follows the
 * comment it came from: a decision teaches (or takes back) a whole comment, an edit, an erasure or
 * the retention purge revise what it taught. The counts are written by db/learner.ts and
 * db/spam-memory.ts, in the same batch as the change they come from.
 */

/** The counts a change of lessons makes, per label. */
type Deltas = Record<Label, CountDeltas>;
const noDeltas = (): Deltas => ({ spam: new CountDeltas(), ham: new CountDeltas() });

const deltaStatements = (deps: Deps, deltas: Deltas) => {
  const now = deps.clock.now();
  return LABELS.flatMap((label) => countStatements(deps.db, label, deltas[label], now));
};

/**
 * The statements that train the learner and the local memory with one decision (delta +1), or
 * take one back (delta −1, when a moderator reverses it); counts never go below zero. They are
 * written in the same batch as the decision they come from. `tokens`: the comment's learnerTokens.
 */
function lessonStatements(deps: Deps, tokens: string[], keys: MemoryKeys, label: Label, delta: 1 | -1): Statement[] {
  const deltas = noDeltas();
  deltas[label].add(tokens, delta, true);
  return [...deltaStatements(deps, deltas), ...memoryStatements(deps.db, keys, label, delta, deps.clock.now())];
}

/** Trains the learner and the local memory with a labelled comment (the feedback endpoint). */
export async function learn(deps: Deps, features: Features, keys: MemoryKeys, label: Label) {
  await runBatch(deps.db, lessonStatements(deps, learnerTokens(features), keys, label, 1));
  deps.defer(() => pruneLearner(deps));
}

/** Keeps the vocabulary under its cap: the rarest, oldest tokens go first. */
export async function pruneLearner(deps: Deps) {
  const [size, settings] = await Promise.all([learnerRowCount(deps.db), loadSettings(deps)]);
  const excess = pruneCount(size, settings.spam);
  if (excess > 0) await pruneRarest(deps.db, excess);
}

/**
 * The features of a stored comment, as the learner reads them: the email decrypted in memory only
 * (for its domain); no IP, which no token is made of (local memory is keyed by the row's hashes).
 */
async function storedFeatures(deps: Deps, row: CommentRow): Promise<Features> {
  return {
    articleId: row.articleId,
    author: row.author,
    email: (await deps.keys.decrypt(row.emailEnc)) ?? '',
    website: row.website,
    content: row.content,
    ip: null,
    // A stored null is ambiguous (sent none, or forgotten by the retention purge): unknown.
    userAgent: row.userAgent ?? undefined,
  };
}

/** What changes in a trained comment's lesson when the comment changes: the tokens it no longer gives, and those it now gives. */
export interface Revision {
  label: Label;
  gone: string[];
  added: string[];
}

/**
 * When a trained comment changes (an edit, an erasure, the retention purge), what its lesson
 * taught is replaced by what the comment now teaches, in the same batch as the change: so the
 * learner keeps no word of an erased name, and a decision reversed later takes back exactly what
 * the lesson then holds. Only the tokens that differ change: the comment stays one document of its
 * class. Local memory is left to the caller (erasure forgets the address and IPs; the purge forgets
 * IPs by age). `change`: the features as storedFeatures will read them from the changed row.
 */
export async function lessonRevision(
  deps: Deps,
  row: CommentRow,
  change: Partial<Pick<Features, 'author' | 'email' | 'website' | 'content' | 'userAgent'>>,
): Promise<Revision | null> {
  if (!row.trained) return null;
  const features = await storedFeatures(deps, row);
  const before = learnerTokens(features);
  // The purge takes only the user agent, so only its token goes; except at the token cap, where the
  // freed place lets another token in and the comment is read again.
  const agentOnly = Object.keys(change).length === 1 && 'userAgent' in change && change.userAgent === undefined;
  const after =
    agentOnly && before.length < MAX_TOKENS
      ? before.filter((token) => !token.startsWith('m:ua:'))
      : learnerTokens({ ...features, ...change });
  const kept = new Set(after);
  const had = new Set(before);
  return {
    label: row.trained,
    gone: before.filter((token) => !kept.has(token)),
    added: after.filter((token) => !had.has(token)),
  };
}

/** The statements of revisions, their counts summed (fifty comments losing one browser: one decrement of fifty). */
export function revisionStatements(deps: Deps, revisions: ReadonlyArray<Revision | null>): Statement[] {
  const deltas = noDeltas();
  for (const revision of revisions) {
    if (!revision) continue;
    deltas[revision.label].add(revision.gone, -1, false);
    deltas[revision.label].add(revision.added, 1, false);
  }
  return deltaStatements(deps, deltas);
}

/**
 * A moderator's decision on a stored comment, as the learner sees it: marking spam trains spam;
 * approving a comment the checks did not approve (held or judged spam) trains ham. A reversed
 * decision first takes the earlier lesson back. Where the label stays, an edit made with the
 * decision revises what a trained comment taught (`editLesson`). Returns the label the comment now
 * holds and the statements to write with the decision (none when there is nothing to learn); the
 * caller prunes the learner afterwards (`pruneLearner`).
 */
export async function decisionLesson(
  deps: Deps,
  row: CommentRow,
  status: CommentRow['status'],
  content: string = row.content,
): Promise<{ trained: Label | null; statements: Statement[] }> {
  const label: Label | null =
    status === 'spam'
      ? 'spam'
      : status === 'approved' && (row.verdict !== 'approve' || row.trained === 'spam')
        ? 'ham'
        : null;
  if (!label || label === row.trained)
    return { trained: row.trained, statements: await editLesson(deps, row, content) };
  const [features, host] = await Promise.all([storedFeatures(deps, row), hostHash(deps.keys, row.website)]);
  const keys: MemoryKeys = { email: row.emailHash, ip: row.ipHash, host };
  const taught = learnerTokens(features);
  return {
    trained: label,
    statements: [
      ...(row.trained ? lessonStatements(deps, taught, keys, row.trained, -1) : []),
      // Taught from the comment as it will be stored, the edit made with the decision included.
      ...lessonStatements(
        deps,
        content === row.content ? taught : learnerTokens({ ...features, content }),
        keys,
        label,
        1,
      ),
    ],
  };
}

/** The revision of a trained comment's lesson when its text is edited (none for an untrained one, or the same text). */
export async function editLesson(deps: Deps, row: CommentRow, content: string): Promise<Statement[]> {
  return content === row.content ? [] : revisionStatements(deps, [await lessonRevision(deps, row, { content })]);
}
