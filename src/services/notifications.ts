import { randomId } from '../crypto';
import { DAY, HOUR, type Deps } from '../deps';
import type { ArticleRow } from '../db/articles';
import { runBatch, WriteConflict, type Statement } from '../db/batch';
import type { CommentRow } from '../db/comments';
import { getMeta } from '../db/meta';
import {
  articleTitles,
  confirmSubscriptions,
  enqueue,
  getSubscription,
  heldBetween,
  moveMarker,
  notifySubscribers,
  subscribe,
  unsubscribeStatements,
  type NewOutboxRow,
} from '../db/outbox';
import type { SiteSettings } from '../settings';
import { mailLang, type ArticleRef, type HeldComment, type MailLang } from './emails';

/**
 * What email a change causes, as outbox rows written in the batch of that change (so that an
 * acknowledged change always has its emails, and a refused one never does):
 * - a comment held for moderation: an email to MODERATOR_EMAILS (or, with the setting
 *   `moderatorDigest: "hourly"`, a place in the next hourly digest);
 * - a reader who ticked `notify`: a subscription, and one confirmation email (double opt-in) unless
 *   the address confirmed another subscription already;
 * - an approved reply: an email to each confirmed subscriber of the comment it answers (not to its
 *   own author, at most one per reader and article an hour).
 * No statement depends on what was read of a subscription, and the answer to the request is the
 * same whether an address is subscribed or not.
 */

export const emailOn = (deps: Pick<Deps, 'config'>) => !!deps.config.SMTP_URL;

/** Where links in emails start: PUBLIC_URL, else the origin of the request that caused the email. */
export const linkBase = (deps: Pick<Deps, 'config' | 'origin'>) => deps.config.PUBLIC_URL ?? deps.origin ?? '';

export const articleRef = (id: string, article: Pick<ArticleRow, 'title' | 'url'> | undefined | null): ArticleRef => ({
  id,
  title: article?.title ?? null,
  url: article?.url ?? null,
});

const langOf = (settings: SiteSettings, article?: Pick<ArticleRow, 'language'> | null): MailLang =>
  mailLang(article?.language ?? settings.spam.siteLanguage);

/**
 * Addresses and IPs that a reason's detail may quote (a list entry that matched): an email travels
 * through mail servers, so they stay in the desk.
 */
const unquoted = (detail: string) =>
  detail
    .replace(/[^\s'"<>()]+@[^\s'"<>()]+/g, '[address]')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?\b|\b[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(\/\d{1,3})?/gi, '[IP]');

/** A held comment as the moderators' email shows it: the reasons with their detail, addresses and IPs left out. */
export const heldComment = (row: CommentRow, article: ArticleRef): HeldComment => ({
  id: row.id,
  articleId: row.articleId,
  author: row.author,
  content: row.content,
  verdict: row.verdict,
  score: row.score,
  reasons: row.reasons.map((r) => ({ rule: r.rule, detail: unquoted(r.detail) })),
  article,
});

/** The email to moderators about a comment just held for them (none with the hourly digest). */
export function heldRows(
  deps: Deps,
  row: CommentRow,
  settings: SiteSettings,
  article: Pick<ArticleRow, 'title' | 'url' | 'language'> | undefined,
): NewOutboxRow[] {
  if (!emailOn(deps) || row.status !== 'pending' || deps.config.MODERATOR_EMAILS.length === 0) return [];
  if (settings.moderatorDigest === 'hourly') return [];
  const now = deps.clock.now();
  return [
    {
      id: randomId(),
      type: 'email.moderator',
      destination: 'email',
      payload: {
        comment: heldComment(row, articleRef(row.articleId, article)),
        base: linkBase(deps),
        lang: langOf(settings, article),
      },
      nextAt: now,
      // An erasure of the author takes it back while it waits.
      subjectHash: row.emailHash || null,
      topic: row.articleId,
      ref: row.id,
      createdAt: now,
    },
  ];
}

/**
 * A reader ticked `notify`: their subscription to replies to `row`, confirmed at once if the address
 * confirmed another one already, and otherwise one confirmation email (at most one a day per address).
 * Written whatever the address's state, so that nothing in the answer tells.
 */
export function subscribeStatements(
  deps: Deps,
  row: CommentRow,
  email: string,
  settings: SiteSettings,
  article: Pick<ArticleRow, 'title' | 'url' | 'language'> | undefined,
  emailEnc: string,
): Statement[] {
  // A comment judged spam subscribes no one: no confirmation email for a robot's victim.
  if (!emailOn(deps) || !email || row.status === 'spam') return [];
  const lang = langOf(settings, article);
  return subscribe(
    deps.db,
    {
      id: randomId(),
      commentId: row.id,
      articleId: row.articleId,
      emailEnc,
      emailHash: row.emailHash,
      language: lang,
      createdAt: deps.clock.now(),
    },
    {
      payload: { article: articleRef(row.articleId, article), base: linkBase(deps), lang },
      topic: row.articleId,
      ref: row.id,
    },
    DAY,
  );
}

/**
 * An approved reply: an email to each confirmed subscriber of the comment it answers, except its own
 * author, and except a reader who had one for this article within the hour (or for this reply already).
 */
export function replyStatements(
  deps: Deps,
  reply: CommentRow,
  article: Pick<ArticleRow, 'title' | 'url'> | undefined | null,
): Statement[] {
  if (!emailOn(deps) || !reply.parentId || reply.status !== 'approved') return [];
  const payload = {
    reply: { id: reply.id, author: reply.author, content: reply.content },
    article: articleRef(reply.articleId, article),
    base: linkBase(deps),
  };
  return [
    notifySubscribers(
      deps.db,
      reply.parentId,
      reply.emailHash,
      { type: 'email.reply', payload, topic: reply.articleId, ref: reply.id },
      deps.clock.now(),
      HOUR,
    ),
  ];
}

/** Articles' titles and URLs, for the replies a moderator approves (only read when email is on). */
export const articlesOf = (deps: Deps, ids: string[]) =>
  emailOn(deps) ? articleTitles(deps.db, ids) : Promise.resolve(new Map<string, Pick<ArticleRow, 'title' | 'url'>>());

// Links ----------------------------------------------------------------------------------------------

export const CONFIRM_TTL_MS = 7 * DAY;
export const UNSUBSCRIBE_TTL_MS = 90 * DAY;

/** A signed link that names the subscription (an opaque id), never the address; it expires. */
export async function subscriptionLink(
  deps: Deps,
  action: 'confirm' | 'unsubscribe',
  subscriptionId: string,
  base: string,
  lang: MailLang,
) {
  const until = deps.clock.now() + (action === 'confirm' ? CONFIRM_TTL_MS : UNSUBSCRIBE_TTL_MS);
  const token = await deps.keys.sign(`sub.${action}.${subscriptionId}.${until}`);
  return `${base}/api/v1/subscriptions/${action}?token=${encodeURIComponent(token)}&lang=${lang}`;
}

export type LinkOutcome = 'done' | 'expired' | 'invalid';

async function readLink(deps: Deps, action: 'confirm' | 'unsubscribe', token: string) {
  const payload = await deps.keys.verify(token);
  const [kind, what, id, until] = payload?.split('.') ?? [];
  if (kind !== 'sub' || what !== action || !id || !until) return { outcome: 'invalid' as const };
  if (deps.clock.now() > Number(until)) return { outcome: 'expired' as const };
  return { outcome: 'done' as const, id };
}

/** The reader clicked the confirmation link: every subscription of the address is confirmed. */
export async function confirmLink(deps: Deps, token: string): Promise<LinkOutcome> {
  const link = await readLink(deps, 'confirm', token);
  if (link.outcome !== 'done') return link.outcome;
  const sub = await getSubscription(deps.db, link.id);
  // Unsubscribed (or erased) meanwhile: the link no longer does anything.
  if (!sub) return 'invalid';
  await confirmSubscriptions(deps.db, sub.emailHash, deps.clock.now());
  return 'done';
}

/**
 * One-click unsubscription (the link, or RFC 8058's POST): every subscription of the address goes,
 * with the emails for it still waiting. Done again, it answers the same.
 */
export async function unsubscribeLink(deps: Deps, token: string): Promise<LinkOutcome> {
  const link = await readLink(deps, 'unsubscribe', token);
  if (link.outcome === 'invalid') return link.outcome;
  // An old link still unsubscribes (it is the reader's way out), but only what it names.
  const sub = link.outcome === 'done' ? await getSubscription(deps.db, link.id) : undefined;
  if (link.outcome === 'expired') return 'expired';
  if (!sub) return 'done';
  await runBatch(deps.db, unsubscribeStatements(deps.db, sub.emailHash));
  return 'done';
}

// The hourly digest --------------------------------------------------------------------------------

export const DIGEST_MARKER = 'notifications.lastDigestAt';

/**
 * With `moderatorDigest: "hourly"`: once an hour, one email to MODERATOR_EMAILS listing the comments
 * held since the last digest that are still held. The marker and the email are written in one batch,
 * the marker only if it still holds what was read: of two dispatchers, one sends the digest.
 * Returns the number of comments in it, or null when none was due.
 */
export async function digestIfDue(deps: Deps, settings: SiteSettings): Promise<number | null> {
  if (!emailOn(deps) || settings.moderatorDigest !== 'hourly' || deps.config.MODERATOR_EMAILS.length === 0) return null;
  const { db } = deps;
  const now = deps.clock.now();
  const last = await getMeta(db, DIGEST_MARKER);
  const since = last === null ? now - HOUR : Number(last);
  if (last !== null && since <= now && now - since < HOUR) return null;
  const held = await heldBetween(db, since, now, 200);
  const titles = await articleTitles(
    db,
    held.map((c) => c.articleId),
  );
  const rows: NewOutboxRow[] = held.length
    ? [
        {
          id: randomId(),
          type: 'email.digest',
          destination: 'email',
          payload: {
            comments: held.map((c) => heldComment(c, articleRef(c.articleId, titles.get(c.articleId)))),
            base: linkBase(deps),
            lang: langOf(settings),
          },
          nextAt: now,
          createdAt: now,
        },
      ]
    : [];
  try {
    await runBatch(db, [...moveMarker(db, DIGEST_MARKER, last, String(now)), ...enqueue(db, rows)]);
  } catch (error) {
    if (error instanceof WriteConflict) return null; // another dispatcher took this turn
    throw error;
  }
  return held.length;
}
