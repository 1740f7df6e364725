import { DAY, HOUR, type Deps } from '../deps';
import { randomId, type Keys } from '../crypto';
import { cachedArticle, getArticle, type ArticleRow } from '../db/articles';
import { getComment, insertComment, removeComment, updateComment, type CommentRow } from '../db/comments';
import { WriteConflict } from '../db/batch';
import { isFormTokenReuse, useFormToken } from '../db/form-tokens';
import type { CommentStatus } from '../db/schema';
import { DomainError, rateLimited } from '../errors';
import { renderHtml } from '../render';
import { loadSettings, type SiteSettings } from '../settings';
import type { Verdict } from '../spam/types';
import { invisibleCharacters, learnerTokens } from '../spam';
import { foldForComparison } from '../text';
import { authorText, checkLengths, contentText } from './limits';
import { purgeIfDue } from './retention';
import { readHistory, type History } from '../db/history';
import { assess } from './assess';
import { formTokenId } from './form-tokens';
import { memoryKeys } from './keys';
import { editLesson } from './lessons';
import { articleRef, heldRows, replyStatements, subscribeStatements } from './notifications';
import { outboxStatements, wakeOutbox } from './outbox';
import { createdEvent, deletedEvent, statusChangedEvent, webhookRows } from './webhooks';

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
export function closesAt(
  article: Pick<ArticleRow, 'firstCommentAt'> | undefined,
  settings: SiteSettings,
): number | null {
  return settings.closeAfterDays && article?.firstCommentAt
    ? article.firstCommentAt + settings.closeAfterDays * DAY
    : null;
}

export function acceptsComments(
  article: Pick<ArticleRow, 'closed' | 'firstCommentAt'> | undefined,
  settings: SiteSettings,
  now: number,
) {
  const closing = closesAt(article, settings);
  return !article?.closed && (closing === null || now <= closing);
}

export async function issueEditToken(deps: Deps, id: string, createdAt: number, settings: SiteSettings) {
  const editableUntil = createdAt + settings.editWindowMinutes * 60_000;
  return { editToken: await deps.keys.sign(`edit.${id}.${editableUntil}`), editableUntil };
}

/** A submission as the route validated it: normalized, its texts within LENGTH_CAPS. */
export interface Submission {
  author: string;
  email: string;
  website?: string | undefined;
  content: string;
  parentId?: string | undefined;
  token?: string | undefined;
  /** Email me replies (double opt-in): services/notifications.ts. */
  notify?: boolean | undefined;
}

/**
 * Posts a comment. Refusals come in this order: validation (422: the route's, then the site's
 * length limits), the article's state (404 parent, 403 closed), flood control by IP (429), then the
 * same client sending the same text again (409); then the spam checks decide. Nothing before flood
 * control depends on the email, and no answer depends on whether an address has posted: a text
 * already on the article from another client is held for a moderator (like any pending comment),
 * whoever wrote it. `sent` is the body as sent: the honeypot field (named by a setting) and the
 * content before normalization, whose invisible characters count.
 */
export async function createComment(
  deps: Deps,
  articleId: string,
  input: Submission,
  sent: Record<string, unknown>,
  meta: RequestMeta,
) {
  const { db, clock, keys } = deps;
  const settings = await loadSettings(deps);
  checkLengths(settings, [authorText(input.author), contentText(input.content)]);
  const now = clock.now();

  const [article, parent] = await Promise.all([
    cachedArticle(db, articleId, now),
    input.parentId ? getComment(db, input.parentId) : undefined,
  ]);
  if (input.parentId && (!parent || parent.articleId !== articleId || parent.status !== 'approved')) {
    throw new DomainError('not_found', 'parent_not_found');
  }
  if (!acceptsComments(article, settings, now)) throw new DomainError('forbidden', 'comments_closed');

  const features = {
    articleId,
    author: input.author,
    email: input.email.toLowerCase(),
    website: input.website ?? null,
    content: input.content,
    ip: meta.ip,
    userAgent: meta.userAgent,
    honeypot:
      typeof sent[settings.spam.honeypotField] === 'string' ? (sent[settings.spam.honeypotField] as string) : undefined,
    invisible: invisibleCharacters(String(sent.content)), // counted before normalization strips them
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
    submission: {
      floodSince: now - floodSeconds * 1000,
      hourSince: now - HOUR,
      maxPerHour: maxPerHourPerIp,
      formTokenId: input.token ? formTokenId(input.token) : null,
    },
  });
  const recent = history.submission!; // read, since the windows were given
  floodControl(recent, floodSeconds, now);
  if (recent.duplicate) throw new DomainError('conflict', 'duplicate_comment');

  const assessment = await assess(deps, settings, {
    features,
    formToken: input.token,
    article,
    contentHash: hashOfContent,
    now,
    history,
  });
  if (recent.copy && assessment.verdict === 'approve') {
    assessment.verdict = 'hold';
    assessment.reasons = [
      ...assessment.reasons,
      { rule: 'copy', score: 0, detail: 'the same text is already on this article' },
    ];
  }
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
    source: null,
    sourceId: null,
  } satisfies CommentRow;
  // A reply whose parent was removed or hidden meanwhile is refused as if it had been already.
  // The form token is used up in the same batch (single use; see db/form-tokens.ts).
  // Its webhook events and emails are written with it (services/outbox.ts), or not at all.
  const outboxed = outboxStatements(
    deps,
    [
      ...webhookRows(deps, [createdEvent(deps, row, assessment)], { article: articleRef(articleId, article) }),
      ...heldRows(deps, row, settings, article),
    ],
    [
      ...(input.notify ? subscribeStatements(deps, row, input.email, settings, article, emailEnc) : []),
      ...replyStatements(deps, row, article),
    ],
  );
  await conflictAs(
    insertComment(db, row, [...useFormToken(db, assessment.formTokenUse, id), ...outboxed]),
    () => new DomainError('not_found', 'parent_not_found'),
  ).catch((error: unknown) => {
    // Sent twice at once with one form token: the other copy was stored.
    throw isFormTokenReuse(error) ? new DomainError('conflict', 'form_token_used') : error;
  });
  deps.logger.info('comment.created', { id, articleId, status, verdict: assessment.verdict, score: assessment.score });
  // Old IPs and user agents go (at most once an hour, after the answer): see services/retention.ts.
  deps.defer(() => purgeIfDue(deps, 'submission'));
  if (outboxed.length) wakeOutbox(deps);
  return { row, settings, ...(await issueEditToken(deps, id, now, settings)) };
}

/** A write that lost a race (WriteConflict) is answered with `refusal()`. */
export async function conflictAs<T>(write: Promise<T>, refusal: () => DomainError): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw error instanceof WriteConflict ? refusal() : error;
  }
}

/** 429 with Retry-After: the same IP within `floodSeconds`, or the IP's hourly limit reached. */
function floodControl(recent: NonNullable<History['submission']>, floodSeconds: number, now: number) {
  if (recent.lastByIp !== null && now - recent.lastByIp < floodSeconds * 1000)
    throw rateLimited(recent.lastByIp + floodSeconds * 1000 - now);
  if (recent.limitByIp !== null) throw rateLimited(recent.limitByIp + HOUR - now);
}

/** The shortest time between two edits of one comment (each edit is analysed again, like a new comment). */
export const EDIT_INTERVAL_MS = 5_000;

/**
 * Reads an author's edit token: 401 when it is missing or forged, 403 when it is for another
 * comment or too old (by the token's own limit, or by the edit window as the settings say now).
 */
export async function authorizeEdit(deps: Deps, id: string, bearer: string | undefined) {
  const payload = bearer ? await deps.keys.verify(bearer) : null;
  const [kind, tokenId, until] = payload?.split('.') ?? [];
  if (kind !== 'edit' || !tokenId || !until) throw new DomainError('unauthenticated', 'unauthorized');
  if (tokenId !== id) throw new DomainError('forbidden', 'forbidden');
  const now = deps.clock.now();
  if (now > Number(until)) throw new DomainError('forbidden', 'edit_window_closed');
  const [row, settings] = await Promise.all([getComment(deps.db, id), loadSettings(deps)]);
  if (!row) throw new DomainError('not_found', 'comment_not_found');
  if (now > row.createdAt + settings.editWindowMinutes * 60_000)
    throw new DomainError('forbidden', 'edit_window_closed');
  if (row.status !== 'approved' && row.status !== 'pending') throw new DomainError('forbidden', 'not_editable');
  return row;
}

/** A comment its author may change now (authorizeEdit). */
export type EditableComment = Awaited<ReturnType<typeof authorizeEdit>>;

const editConflict = () =>
  new DomainError('conflict', 'edit_conflict', {
    detail: 'The comment changed since it was read (another edit, or a moderator): read it again.',
  });

/**
 * The author's edit, checked for spam again (clean text first, links later is a known trick).
 * `content` as the route validated it; `sentContent` as sent (its invisible characters count).
 */
export async function editComment(
  deps: Deps,
  row: CommentRow,
  content: string,
  sentContent: unknown,
  meta: RequestMeta,
) {
  const settings = await loadSettings(deps);
  checkLengths(settings, [contentText(content)]);
  const now = deps.clock.now();
  if (row.editedAt !== null && now - row.editedAt < EDIT_INTERVAL_MS)
    throw rateLimited(row.editedAt + EDIT_INTERVAL_MS - now);
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
      invisible: invisibleCharacters(String(sentContent)),
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
  // Written only if the comment is still as read: a moderator's decision or another edit meanwhile wins.
  const visible = row.status === 'approved' || status === 'approved';
  const edited = { ...row, ...patch, updatedAt: now };
  const outboxed =
    status !== row.status
      ? outboxStatements(deps, [
          ...webhookRows(deps, [statusChangedEvent(deps, edited, row.status, { type: 'author' })], {
            article: articleRef(row.articleId, article),
          }),
          ...heldRows(deps, edited, settings, article),
        ])
      : [];
  await conflictAs(
    updateComment(deps.db, row, patch, now, visible, [...(await editLesson(deps, row, content)), ...outboxed]),
    editConflict,
  );
  if (outboxed.length) wakeOutbox(deps);
  return { row: edited, settings };
}

/** The author withdraws the comment as read: 404 if it is gone meanwhile, 409 if it changed. */
export async function withdrawComment(deps: Deps, row: CommentRow) {
  const outboxed = outboxStatements(deps, webhookRows(deps, [deletedEvent(deps, row, { type: 'author' })]));
  await removeComment(deps.db, row, deps.clock.now(), outboxed, row).catch(async (error) => {
    if (!(error instanceof WriteConflict)) throw error;
    throw (await getComment(deps.db, row.id)) ? editConflict() : new DomainError('not_found', 'comment_not_found');
  });
  if (outboxed.length) wakeOutbox(deps);
}
