import { DAY, HOUR, type Deps } from '../deps';
import { randomId, type Keys } from '../crypto';
import { cachedArticle, getArticle, type ArticleRow } from '../db/articles';
import {
  getComment,
  insertComment,
  removeComment,
  updateComment,
  type CommentRow,
} from '../db/comments';
import type { CommentStatus } from '../db/schema';
import { ApiError, parseOrThrow } from '../http/errors';
import { editSchema, submissionSchema } from '../http/schemas';
import { renderHtml } from '../render';
import { loadSettings, type SiteSettings } from '../settings';
import type { Verdict } from '../spam/types';
import { invisibleCharacters, learnerTokens } from '../spam';
import { foldForComparison } from '../text';
import { purgeIfDue } from './retention';
import { assess, editLesson, memoryKeys, readHistory, type History } from './spam';
import { createdEvent, deletedEvent, emit, statusChangedEvent } from './webhooks';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export const contentHash = (keys: Keys, content: string) => keys.fingerprint(foldForComparison(content));

/** Where a verdict puts a comment, under the site's (or the article's) moderation mode. */
export function statusFor(verdict: Verdict, mode: SiteSettings['moderation']): CommentStatus {
  if (verdict === 'spam') return 'spam';
  if (mode === 'all') return 'pending';
  if (mode === 'none') return 'approved';
  return verdict === 'approve' ? 'approved' : 'pending';
}

/** Where a new comment sits in its thread: under its parent (same root, one level deeper), or at the top. */
export function placeUnder(parent: Pick<CommentRow, 'id' | 'rootId' | 'depth'> | undefined, id: string) {
  return { parentId: parent?.id ?? null, rootId: parent?.rootId ?? id, depth: parent ? parent.depth + 1 : 1 };
}

/** When comments close on an article: null (only if closed by hand), or N days after its first comment. */
export function closesAt(article: Pick<ArticleRow, 'firstCommentAt'> | undefined, settings: SiteSettings): number | null {
  return settings.closeAfterDays && article?.firstCommentAt ? article.firstCommentAt + settings.closeAfterDays * DAY : null;
}

export function acceptsComments(article: Pick<ArticleRow, 'closed' | 'firstCommentAt'> | undefined, settings: SiteSettings, now: number) {
  const closing = closesAt(article, settings);
  return !article?.closed && (closing === null || now <= closing);
}

export async function issueEditToken(deps: Deps, id: string, createdAt: number, settings: SiteSettings) {
  const editableUntil = createdAt + settings.editWindowMinutes * 60_000;
  return { editToken: await deps.keys.sign(`edit.${id}.${editableUntil}`), editableUntil };
}

/**
 * Posts a comment. Refusals come in WordPress's order: validation (422), the article's state
 * (404 parent, 403 closed), duplicate (409), flood control (429); then the spam checks decide.
 */
export async function createComment(deps: Deps, articleId: string, raw: Record<string, unknown>, meta: RequestMeta) {
  const { db, clock, keys } = deps;
  const settings = await loadSettings(db, deps.config);
  const input = parseOrThrow(submissionSchema(settings), raw);
  const now = clock.now();

  const [article, parent] = await Promise.all([
    cachedArticle(db, articleId),
    input.parentId ? getComment(db, input.parentId) : undefined,
  ]);
  if (input.parentId && (!parent || parent.articleId !== articleId || parent.status !== 'approved')) {
    throw new ApiError(404, 'parent_not_found');
  }
  if (!acceptsComments(article, settings, now)) throw new ApiError(403, 'comments_closed');

  const features = {
    articleId,
    author: input.author,
    email: input.email.toLowerCase(),
    website: input.website ?? null,
    content: input.content,
    ip: meta.ip,
    userAgent: meta.userAgent,
    honeypot: typeof raw[settings.spam.honeypotField] === 'string' ? (raw[settings.spam.honeypotField] as string) : undefined,
    invisible: invisibleCharacters(String(raw.content)), // counted before normalization strips them
  };
  const [hashes, hashOfContent] = await Promise.all([memoryKeys(deps, features), contentHash(keys, input.content)]);
  const { email: emailHash, ip: ipHash } = hashes;
  const { floodSeconds, maxPerHourPerIp } = settings.spam;
  const history = await readHistory(db, {
    keys: hashes,
    tokens: learnerTokens(features),
    articleId,
    contentHash: hashOfContent,
    now,
    submission: { floodSince: now - floodSeconds * 1000, hourSince: now - HOUR, maxPerHour: maxPerHourPerIp },
  });
  const recent = history.submission!; // read, since the windows were given
  if (recent.duplicate) throw new ApiError(409, 'duplicate_comment');
  floodControl(recent, floodSeconds, now);

  const assessment = await assess(deps, settings, { features, formToken: input.token, article, contentHash: hashOfContent, now, history });
  const status = statusFor(assessment.verdict, article?.moderation ?? settings.moderation);

  const id = randomId();
  const [emailEnc, ipEnc] = await Promise.all([keys.encrypt(input.email), meta.ip ? keys.encrypt(meta.ip) : null]);
  const row = {
    id,
    articleId,
    ...placeUnder(parent, id),
    status,
    author: input.author,
    emailEnc,
    emailHash,
    website: input.website ?? null,
    ipEnc,
    ipHash,
    userAgent: meta.userAgent,
    content: input.content,
    contentHash: hashOfContent,
    html: renderHtml(input.content),
    verdict: assessment.verdict,
    score: assessment.score,
    reasons: assessment.reasons,
    staff: false,
    trained: null,
    createdAt: now,
    updatedAt: now,
    editedAt: null,
  } satisfies CommentRow;
  await insertComment(db, row);
  deps.logger.info('comment.created', { id, articleId, status, verdict: assessment.verdict, score: assessment.score });
  // Old IPs and user agents go (at most once an hour, after the answer): see services/retention.ts.
  deps.defer(() => purgeIfDue(deps, 'submission'));
  emit(deps, () => [createdEvent(deps, row, assessment)]);
  return { row, settings, ...(await issueEditToken(deps, id, now, settings)) };
}

/** 429 with Retry-After: the same email or IP within `floodSeconds`, or the IP's hourly limit reached. */
function floodControl(recent: NonNullable<History['submission']>, floodSeconds: number, now: number) {
  const retry = (ms: number) => {
    throw new ApiError(429, 'too_many_requests', { headers: { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) } });
  };
  const last = Math.max(recent.lastByEmail ?? -Infinity, recent.lastByIp ?? -Infinity);
  if (now - last < floodSeconds * 1000) retry(last + floodSeconds * 1000 - now);
  if (recent.limitByIp !== null) retry(recent.limitByIp + HOUR - now);
}

/** Reads an author's edit token: 401 when it is missing or forged, 403 when it is for another comment or too old. */
export async function authorizeEdit(deps: Deps, id: string, bearer: string | undefined) {
  const payload = bearer ? await deps.keys.verify(bearer) : null;
  const [kind, tokenId, until] = payload?.split('.') ?? [];
  if (kind !== 'edit' || !tokenId || !until) throw new ApiError(401, 'unauthorized', { headers: { 'WWW-Authenticate': 'Bearer' } });
  if (tokenId !== id) throw new ApiError(403, 'forbidden');
  if (deps.clock.now() > Number(until)) throw new ApiError(403, 'edit_window_closed');
  const row = await getComment(deps.db, id);
  if (!row) throw new ApiError(404, 'comment_not_found');
  if (row.status !== 'approved' && row.status !== 'pending') throw new ApiError(403, 'not_editable');
  return row;
}

/** The author's edit: validated and checked for spam again (clean text first, links later is a known trick). */
export async function editComment(deps: Deps, row: CommentRow, raw: Record<string, unknown>, meta: RequestMeta) {
  const settings = await loadSettings(deps.db, deps.config);
  const { content } = parseOrThrow(editSchema(settings.maxContentLength), raw);
  const now = deps.clock.now();
  const [email, hashOfContent, article] = await Promise.all([
    deps.keys.decrypt(row.emailEnc),
    contentHash(deps.keys, content),
    getArticle(deps.db, row.articleId),
  ]);
  const assessment = await assess(deps, settings, {
    features: {
      articleId: row.articleId,
      author: row.author,
      email: (email ?? '').toLowerCase(),
      website: row.website,
      content,
      invisible: invisibleCharacters(String(raw.content)),
      ip: meta.ip,
      userAgent: meta.userAgent ?? row.userAgent,
    },
    formToken: null,
    article,
    contentHash: hashOfContent,
    now,
    excludeId: row.id,
  });
  // An edit can hold or bury a comment, never promote one a moderator is still to see.
  const decided = statusFor(assessment.verdict, article?.moderation ?? settings.moderation);
  const status: CommentStatus = decided === 'approved' ? row.status : decided;
  const patch = {
    content,
    contentHash: hashOfContent,
    html: renderHtml(content),
    status,
    verdict: assessment.verdict,
    score: assessment.score,
    reasons: assessment.reasons,
    editedAt: now,
  };
  await updateComment(deps.db, row.id, row.articleId, patch, now, await editLesson(deps, row, content));
  const edited = { ...row, ...patch, updatedAt: now };
  if (status !== row.status) emit(deps, () => [statusChangedEvent(deps, edited, row.status, { type: 'author' })]);
  return { row: edited, settings };
}

export async function withdrawComment(deps: Deps, row: CommentRow) {
  await removeComment(deps.db, row, deps.clock.now());
  emit(deps, () => [deletedEvent(deps, row, { type: 'author' })]);
}
