import { z } from 'zod';
import { iso, type Deps } from '../deps';
import { randomId } from '../crypto';
import { getArticle } from '../db/articles';
import type { Statement } from '../db/batch';
import { getComment, insertComment, MAX_PARAMS, removeComment, updateSeen, type CommentRow } from '../db/comments';
import { articleLabels, getCommentsByIds, listQueue, parentExcerpts, writeToThreads } from '../db/moderation';
import { COMMENT_STATUSES, type CommentStatus } from '../db/schema';
import { DomainError, invalid } from '../errors';
import { renderHtml } from '../render';
import { loadSettings } from '../settings';
import { parseIp } from '../spam/net';
import { audit, commentSnapshot, type Actor, type AuditInput } from './audit';
import { conflictAs, contentHash, placeUnder } from './comments';
import { decodeContinuation, encodeContinuation, encodeCursor, type Cursor } from './cursor';
import { authorText, checkLengths, contentText } from './limits';
import { emailHash } from './keys';
import { decisionLesson, editLesson, pruneLearner } from './lessons';
import { articlesOf, replyStatements } from './notifications';
import { outboxStatements, wakeOutbox } from './outbox';
import { createdEvent, deletedEvent, statusChangedEvent, webhookRows } from './webhooks';

export { COMMENT_STATUSES, type CommentStatus } from '../db/schema';

const EXCERPT = 140;

/** A comment as moderators see it: everything, the email and IP decrypted. */
async function adminView(
  deps: Deps,
  row: CommentRow,
  parent: { id: string; author: string; status: CommentStatus; content: string } | undefined | null,
  article: { title: string | null; url: string | null } | undefined,
) {
  const [email, ip] = await Promise.all([
    row.emailEnc ? deps.keys.decrypt(row.emailEnc) : null,
    row.ipEnc ? deps.keys.decrypt(row.ipEnc) : null,
  ]);
  return {
    id: row.id,
    articleId: row.articleId,
    article: { id: row.articleId, title: article?.title ?? null, url: article?.url ?? null },
    parentId: row.parentId,
    rootId: row.rootId,
    depth: row.depth,
    status: row.status,
    author: { name: row.author, email: email || null, website: row.website },
    ip,
    userAgent: row.userAgent,
    content: row.content,
    html: row.html,
    verdict: row.verdict,
    score: row.score,
    reasons: row.reasons,
    trained: row.trained,
    staff: row.staff,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    editedAt: iso(row.editedAt),
    parent: parent
      ? {
          id: parent.id,
          author: parent.author,
          status: parent.status,
          excerpt: parent.content.length > EXCERPT ? `${parent.content.slice(0, EXCERPT)}…` : parent.content,
        }
      : null,
  };
}

export type AdminComment = Awaited<ReturnType<typeof adminView>>;

/** Admin views of many comments, with their parents' excerpts read in one go. */
export async function adminViews(deps: Deps, rows: CommentRow[]): Promise<AdminComment[]> {
  const [parents, articles] = await Promise.all([
    parentExcerpts(
      deps.db,
      rows.flatMap((r) => (r.parentId ? [r.parentId] : [])),
      EXCERPT,
    ),
    articleLabels(
      deps.db,
      rows.map((r) => r.articleId),
    ),
  ]);
  return Promise.all(
    rows.map((r) => adminView(deps, r, r.parentId ? parents.get(r.parentId) : null, articles.get(r.articleId))),
  );
}

export interface QueueQuery {
  status?: CommentStatus | undefined;
  articleId?: string | undefined;
  /** Searched in the author and the content, and when it is a whole email address or IP, the comments sent with it. */
  q?: string | undefined;
  limit: number;
  after?: Cursor | undefined;
}

/** A page of the moderation queue, newest first, and the cursor of the next one. */
export async function moderationQueue(deps: Deps, query: QueueQuery) {
  const { q } = query;
  // Addresses and IPs are stored encrypted: they are found whole, by their keyed hashes.
  const [byEmail, byIp] = await Promise.all([
    q && z.email().safeParse(q).success ? emailHash(deps.keys, q) : undefined,
    q && parseIp(q) ? deps.keys.hash(q) : undefined,
  ]);
  const rows = await listQueue(deps.db, {
    status: query.status,
    articleId: query.articleId,
    text: q,
    emailHash: byEmail,
    ipHash: byIp,
    limit: query.limit + 1,
    after: query.after ?? null,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    comments: await adminViews(deps, page),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

export async function findComment(deps: Deps, id: string) {
  const row = await getComment(deps.db, id);
  if (!row) throw new DomainError('not_found', 'comment_not_found');
  return row;
}

/**
 * Why a moderator cannot move this comment to `status`, or null. Every move among the four
 * statuses is allowed, except to the status it already has, and marking a moderator's own reply
 * as spam (the learner would learn the newsroom's prose as spam).
 */
export function transitionProblem(row: CommentRow, status: CommentStatus): string | null {
  if (row.status === status) return `The comment is already ${status}.`;
  if (row.staff && status === 'spam') return 'A staff reply cannot be marked as spam; move it to the trash instead.';
  return null;
}

const decisionConflict = () =>
  new DomainError('conflict', 'decision_conflict', {
    detail: 'A comment changed since it was read (another decision, or its author): read it again.',
  });

/** What a moderator changes on one comment: its status, its text, or both. */
export interface ModerationChange {
  row: CommentRow;
  status?: CommentStatus | undefined;
  /** Normalized and validated already. */
  content?: string | undefined;
}

/**
 * Applies moderators' decisions in one batch: the comments, their articles' versions (so that
 * public thread ETags change), one audit entry per comment, and what the learner learns from the
 * status changes (`decisionLesson`; the label the comment now holds goes in `trained`). Callers check
 * transitions first. Returns the rows as they are now.
 */
export async function applyDecisions(deps: Deps, actor: Actor, changes: ModerationChange[]): Promise<CommentRow[]> {
  const plan = await planDecisions(deps, actor, changes);
  await writeDecisions(deps, plan);
  if (plan.learned) deps.defer(() => pruneLearner(deps));
  return plan.result;
}

/** Decisions ready to write: their statements (one batch), the threads they change, the rows as they will be. */
interface DecisionPlan {
  statements: Statement[];
  touched: string[];
  result: CommentRow[];
  learned: boolean;
  outboxed: boolean;
}

/** The statements a plan's batch holds, the bumps of its articles' versions (writeToThreads) included. */
const planSize = (plan: DecisionPlan) => plan.statements.length + Math.ceil(new Set(plan.touched).size / MAX_PARAMS);

/** Writes a plan in one batch: all or nothing (409 `decision_conflict` if a comment changed since it was read). */
async function writeDecisions(deps: Deps, plan: DecisionPlan) {
  await conflictAs(writeToThreads(deps.db, plan.touched, plan.statements), decisionConflict);
  if (plan.outboxed) wakeOutbox(deps);
}

async function planDecisions(deps: Deps, actor: Actor, changes: ModerationChange[]): Promise<DecisionPlan> {
  const now = deps.clock.now();
  const statements: Statement[] = [];
  const entries: AuditInput[] = [];
  const changed: Array<{ updated: CommentRow; from: CommentRow['status'] }> = [];
  const touched: string[] = [];
  // Pure status changes with the same outcome are written by one statement per slice of ids.
  const groups = new Map<string, { patch: Partial<CommentRow>; rows: CommentRow[] }>();
  const result: CommentRow[] = [];
  let learned = false;

  // The lessons (which decrypt) and content hashes of every decision at once, then in order.
  const prepared = await Promise.all(
    changes.map(async ({ row, status, content }) => {
      const lesson = status && status !== row.status ? await decisionLesson(deps, row, status, content) : null;
      return {
        lesson,
        // Without a change of status, an edit revises what a trained comment taught.
        revision: !lesson && content !== undefined ? await editLesson(deps, row, content) : [],
        hash: content !== undefined && content !== row.content ? await contentHash(deps.keys, content) : null,
      };
    }),
  );
  for (const [i, { row, status, content }] of changes.entries()) {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const patch: Partial<CommentRow> = {};
    const { lesson: learnt, revision, hash } = prepared[i]!;
    statements.push(...revision);
    learned ||= revision.length > 0;
    if (status && learnt) {
      const { trained, statements: lesson } = learnt;
      statements.push(...lesson);
      learned ||= lesson.length > 0;
      Object.assign(patch, { status, trained });
      Object.assign(before, { status: row.status, trained: row.trained });
      Object.assign(after, { status, trained });
    }
    if (content !== undefined && hash !== null) {
      Object.assign(patch, { content, contentHash: hash, html: renderHtml(content), editedAt: now });
      before.content = row.content;
      after.content = content;
    }
    if (Object.keys(patch).length === 0) {
      result.push(row);
      continue;
    }
    const updated: CommentRow = { ...row, ...patch, updatedAt: now };
    result.push(updated);
    // The public thread changes only when an approved comment comes, goes or changes its text.
    if (row.status === 'approved' || patch.status === 'approved') touched.push(row.articleId);
    entries.push({
      action: 'comment.update',
      target: 'comment',
      targetId: row.id,
      before,
      after,
      subjectHash: row.emailHash,
    });
    if (patch.status) changed.push({ updated, from: row.status });
    if (patch.content !== undefined) {
      statements.push(...updateSeen(deps.db, [row], { ...patch, updatedAt: now }));
    } else {
      const key = `${patch.status}|${patch.trained}`;
      const group = groups.get(key) ?? { patch: { ...patch, updatedAt: now }, rows: [] };
      group.rows.push(row);
      groups.set(key, group);
    }
  }
  // Each comment is written only if it is still as the moderator saw it: the same decision sent
  // twice at once, or an author's edit meanwhile, makes the later batch fail whole (409).
  for (const { patch, rows } of groups.values()) statements.push(...updateSeen(deps.db, rows, patch));
  // The webhook events and the reply emails of these decisions, in their batch (services/outbox.ts).
  const approved = changed.filter(({ updated }) => updated.status === 'approved' && updated.parentId);
  const titles = await articlesOf(
    deps,
    approved.map(({ updated }) => updated.articleId),
  );
  const outboxed = outboxStatements(
    deps,
    webhookRows(
      deps,
      changed.map(({ updated, from }) =>
        statusChangedEvent(deps, updated, from, { type: 'moderator', name: actor.name }),
      ),
    ),
    approved.flatMap(({ updated }) => replyStatements(deps, updated, titles.get(updated.articleId))),
  );
  return {
    statements: [...statements, ...outboxed, ...audit(deps, actor, entries, now)],
    touched,
    result,
    learned,
    outboxed: outboxed.length > 0,
  };
}

/**
 * A moderator's decision on one comment: a new status, a new text (as the route validated it), or
 * both. 409 `invalid_transition` for a move that is not allowed (transitionProblem).
 */
export async function decide(
  deps: Deps,
  actor: Actor,
  id: string,
  change: { status?: CommentStatus | undefined; content?: string | undefined },
) {
  checkLengths(await loadSettings(deps), [contentText(change.content)]);
  const row = await findComment(deps, id);
  const problem = change.status ? transitionProblem(row, change.status) : null;
  if (problem) throw new DomainError('conflict', 'invalid_transition', { detail: problem });
  const [updated] = await applyDecisions(deps, actor, [{ row, status: change.status, content: change.content }]);
  return (await adminViews(deps, [updated!]))[0]!;
}

export type BulkResult =
  | { id: string; ok: true; status: CommentStatus }
  | { id: string; ok: false; code: 'comment_not_found' | 'invalid_transition' };

/**
 * The statements one bulk request writes at most. D1 runs 1,000 per request on the Paid plan (50
 * on Free); the reads, the learner's upkeep and the outbox's first run after the answer (waitUntil,
 * the same invocation) take the rest. Worst case about 35 a comment (a reversed lesson of a long
 * comment), 7 to 10 for most: 500 comments take 4 to 10 requests.
 */
export const BULK_STATEMENTS = 700;
/** Comments planned at once, halved while their batch would cross what is left of the budget. */
const BULK_SLICE = 50;

const BulkRest = z.object({
  status: z.enum(COMMENT_STATUSES),
  ids: z.array(z.string().min(1).max(64)).min(1).max(500),
});

/** What a bulk decision's `continuation` token holds: the status and the ids not yet decided. */
export function bulkRest(token: string) {
  const rest = decodeContinuation(token, BulkRest);
  if (!rest) throw invalid({ continuation: { key: 'invalid_continuation' } });
  return rest;
}

/**
 * One status for many comments (repeated ids count once): a result per id; those that can move move
 * together, one batch per slice of comments, until the request's statement budget is spent. The
 * rest is named by `continuation` (`complete: false`): the caller sends it back and the next request
 * reads those comments again and goes on. A conflict on a slice after others were written stops
 * there, and the rest (that slice included) is left to the continuation.
 */
export async function decideMany(deps: Deps, actor: Actor, ids: string[], status: CommentStatus) {
  const unique = [...new Set(ids)];
  const rows = new Map((await getCommentsByIds(deps.db, unique)).map((r) => [r.id, r]));
  const results: BulkResult[] = [];
  const changes: ModerationChange[] = [];
  for (const id of unique) {
    const row = rows.get(id);
    if (!row) results.push({ id, ok: false, code: 'comment_not_found' });
    else if (transitionProblem(row, status)) results.push({ id, ok: false, code: 'invalid_transition' });
    else changes.push({ row, status });
  }
  const failed = results.length;
  let done = 0;
  let used = 0;
  let learned = false;
  while (done < changes.length) {
    let size = Math.min(BULK_SLICE, changes.length - done);
    let plan = await planDecisions(deps, actor, changes.slice(done, done + size));
    while (size > 1 && used + planSize(plan) > BULK_STATEMENTS) {
      size = Math.ceil(size / 2);
      plan = await planDecisions(deps, actor, changes.slice(done, done + size));
    }
    if (done > 0 && used + planSize(plan) > BULK_STATEMENTS) break;
    try {
      await writeDecisions(deps, plan);
    } catch (error) {
      if (done > 0 && error instanceof DomainError && error.code === 'decision_conflict') break;
      throw error;
    }
    used += planSize(plan);
    learned ||= plan.learned;
    for (const { row } of changes.slice(done, done + size)) results.push({ id: row.id, ok: true, status });
    done += size;
  }
  if (learned) deps.defer(() => pruneLearner(deps));
  const rest = changes.slice(done).map(({ row }) => row.id);
  const order = new Map(unique.map((id, i) => [id, i]));
  return {
    results: results.sort((a, b) => order.get(a.id)! - order.get(b.id)!),
    updated: done,
    failed,
    complete: rest.length === 0,
    continuation: rest.length ? encodeContinuation({ status, ids: rest }) : null,
  };
}

/** Deletes for good; replies move up to the deleted comment's parent (see `removeComment`). */
export async function deleteComment(deps: Deps, actor: Actor, row: CommentRow) {
  const now = deps.clock.now();
  const entry: AuditInput = {
    action: 'comment.delete',
    target: 'comment',
    targetId: row.id,
    before: commentSnapshot(row),
    subjectHash: row.emailHash,
  };
  const outboxed = outboxStatements(
    deps,
    webhookRows(deps, [deletedEvent(deps, row, { type: 'moderator', name: actor.name })]),
  );
  // Deleted twice at once (a double click, the author and a moderator): the second finds nothing.
  await conflictAs(
    removeComment(deps.db, row, now, [...audit(deps, actor, [entry], now), ...outboxed]),
    () => new DomainError('not_found', 'comment_not_found'),
  );
  if (outboxed.length) wakeOutbox(deps);
}

export interface StaffReplyInput {
  /** As the route validated it; the site's length limits are checked here. */
  content: string;
  author?: string | undefined;
  parentId?: string | undefined;
}

/**
 * A moderator's comment: approved at once, marked staff, written under the token's name unless
 * another is given. It may answer any approved comment of the article, even on a closed article.
 */
export async function staffReply(deps: Deps, actor: Actor, articleId: string, input: StaffReplyInput) {
  const { db, clock, keys } = deps;
  checkLengths(await loadSettings(deps), [authorText(input.author), contentText(input.content)]);
  const parent = input.parentId ? await getComment(db, input.parentId) : undefined;
  if (input.parentId && (!parent || parent.articleId !== articleId))
    throw new DomainError('not_found', 'parent_not_found');
  if (parent && parent.status !== 'approved') {
    throw new DomainError('conflict', 'parent_not_approved', {
      detail: `The comment answered is ${parent.status}: approve it first.`,
    });
  }
  const now = clock.now();
  const id = randomId();
  const row = {
    id,
    articleId,
    ...placeUnder(parent, id),
    status: 'approved',
    author: input.author ?? actor.name,
    // No address: the column wants a value, and an empty one decrypts to nothing (no avatar either).
    emailEnc: await keys.encrypt(''),
    emailHash: '',
    website: null,
    ipEnc: null,
    ipHash: null,
    userAgent: null,
    content: input.content,
    contentHash: await contentHash(deps.keys, input.content),
    html: renderHtml(input.content),
    verdict: 'approve',
    score: 0,
    reasons: [],
    staff: true,
    trained: null,
    createdAt: now,
    updatedAt: now,
    editedAt: null,
    source: null,
    sourceId: null,
  } satisfies CommentRow;
  const entry: AuditInput = { action: 'comment.create', target: 'comment', targetId: id, after: commentSnapshot(row) };
  const article = parent ? (await articlesOf(deps, [articleId])).get(articleId) : undefined;
  const outboxed = outboxStatements(
    deps,
    webhookRows(deps, [createdEvent(deps, row, row)]),
    replyStatements(deps, row, article),
  );
  await conflictAs(
    insertComment(db, row, [...audit(deps, actor, [entry], now), ...outboxed]),
    () =>
      new DomainError('conflict', 'parent_not_approved', {
        detail: 'The comment answered is no longer approved (or was deleted).',
      }),
  );
  if (outboxed.length) wakeOutbox(deps);
  return { row, parent };
}

/** The article must exist (a first comment or a PUT creates it). */
export async function findArticle(deps: Deps, articleId: string) {
  const article = await getArticle(deps.db, articleId);
  if (!article) throw new DomainError('not_found', 'article_not_found');
  return article;
}
