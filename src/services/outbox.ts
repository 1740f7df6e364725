import { randomId } from '../crypto';
import { DAY, HOUR, iso, type Db, type Deps } from '../deps';
import type { Statement } from '../db/batch';
import {
  anyDue,
  claimDue,
  enqueue,
  getOutboxRow,
  getSubscription,
  listOutbox,
  purgeSent,
  retryRow,
  settle,
  type NewOutboxRow,
  type OutboxRow,
} from '../db/outbox';
import type { OutboxState } from '../db/schema';
import { DomainError } from '../errors';
import { encodeCursor, type Cursor } from './cursor';
import { loadSettings } from '../settings';
import {
  confirmMail,
  digestMail,
  mailLang,
  moderatorMail,
  replyMail,
  type ArticleRef,
  type HeldComment,
  type RenderedMail,
} from './emails';
import { digestIfDue, subscriptionLink } from './notifications';
import { sendWebhook, webhookTarget, type WebhookFormat } from './webhooks';

/**
 * The outbox's dispatcher. Rows are written in the batch of the change that causes them (webhook
 * events: services/webhooks.ts webhookRows; emails: services/notifications.ts) and sent here at
 * least once: claimed with a lease in one statement (db/outbox.ts claimDue), so that two
 * dispatchers (two processes, two isolates) never send the same row at the same time; a failure is
 * tried again after an exponential delay with jitter (30 s, 1, 2, 4… min, then hourly) until
 * OUTBOX_RETRY_HOURS of delays have passed (24 h by default), then the row is dead: moderators see
 * it (GET /api/v1/admin/outbox?state=dead) and may send it again (POST …/outbox/{id}/retry).
 *
 * Who runs it: on Node, a loop in the server process, woken after each write that queued a row and
 * every OUTBOX_POLL_MS; on Workers, `waitUntil` after the response and the Cron Trigger.
 */

/** A claimed row is this dispatcher's for this long; after it, another may take it (the first died). */
export const LEASE_MS = 2 * 60_000;
/** Rows claimed at once (sent concurrently). */
const CLAIM = 8;
/** The Node loop's period: retries come due between writes. */
export const OUTBOX_POLL_MS = 15_000;
/** Sent rows are kept this long (what was delivered, for a moderator's question), then purged. */
export const SENT_KEPT_MS = 7 * DAY;

const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = HOUR;

/** The delay before the attempt after attempt `n` (1-based), before jitter. */
export const nominalDelay = (n: number) => Math.min(FIRST_DELAY_MS * 2 ** (n - 1), MAX_DELAY_MS);

/**
 * After `attempts` failed attempts: dead when the delays so far reach the retry period; otherwise
 * the next delay, between half and all of the nominal one ("equal jitter": dispatchers that failed
 * together do not come back together).
 */
export function nextAttempt(attempts: number, retryMs: number, random: () => number) {
  let waited = 0;
  for (let n = 1; n <= attempts; n++) waited += nominalDelay(n);
  if (waited >= retryMs) return { dead: true as const };
  const nominal = nominalDelay(attempts);
  return { dead: false as const, delay: Math.round(nominal / 2 + (nominal / 2) * random()) };
}

/** Addresses never go to the log nor to the outbox's `lastError` (an SMTP refusal often quotes one). */
const scrub = (message: string) => message.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]').slice(0, 300);

/** Sends one email row: null when the SMTP server accepted it, else why not. */
async function sendEmail(deps: Deps, row: OutboxRow): Promise<string | null> {
  const { mailer } = deps;
  const from = deps.config.MAIL_FROM;
  if (!mailer || !from) return 'email is off (no SMTP_URL)';
  const p = row.payload as {
    base?: string;
    lang?: string;
    comment?: HeldComment;
    comments?: HeldComment[];
    article?: ArticleRef;
    reply?: { id: string; author: string; content: string };
  };
  const base = p.base || deps.config.PUBLIC_URL || deps.origin || '';
  const headers: Record<string, string> = { 'Message-ID': `<${row.id}@tamis>` };
  let to: string[];
  let mail: RenderedMail;
  if (row.type === 'email.moderator' || row.type === 'email.digest') {
    to = deps.config.MODERATOR_EMAILS;
    const lang = mailLang(p.lang);
    mail =
      row.type === 'email.digest' ? digestMail(p.comments ?? [], base, lang) : moderatorMail(p.comment!, base, lang);
  } else {
    const sub = row.subscriptionId ? await getSubscription(deps.db, row.subscriptionId) : undefined;
    // Unsubscribed or erased since: nothing to send (the row is done).
    if (!sub || (row.type === 'email.reply' && sub.confirmedAt === null)) return null;
    const address = await deps.keys.decrypt(sub.emailEnc);
    if (!address) return null;
    to = [address];
    const lang = mailLang(sub.language);
    if (row.type === 'email.confirm') {
      mail = confirmMail(p.article!, await subscriptionLink(deps, 'confirm', sub.id, base, lang), lang);
    } else {
      const unsubscribe = await subscriptionLink(deps, 'unsubscribe', sub.id, base, lang);
      mail = replyMail(p.reply!, p.article!, base, unsubscribe, lang);
      headers['List-Unsubscribe'] = `<${unsubscribe}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
  }
  if (to.length === 0) return null;
  try {
    await mailer.send({ from, to, ...mail, headers });
    return null;
  } catch (error) {
    return scrub(error instanceof Error ? error.message : String(error));
  }
}

/** One attempt at one claimed row, and its outcome written (while the lease is still ours). */
async function attempt(deps: Deps, row: OutboxRow, leaseId: string) {
  let error: string | null;
  try {
    error =
      row.destination === 'email' ? await sendEmail(deps, row) : await sendWebhook(deps, row.destination, row.payload);
  } catch (thrown) {
    error = scrub(thrown instanceof Error ? thrown.message : String(thrown));
  }
  const now = deps.clock.now();
  if (error === null) {
    await settle(deps.db, row.id, leaseId, { state: 'sent', sentAt: now });
    return true;
  }
  const next = nextAttempt(row.attempts, deps.config.OUTBOX_RETRY_HOURS * HOUR, deps.random ?? Math.random);
  await settle(deps.db, row.id, leaseId, {
    state: next.dead ? 'dead' : 'pending',
    nextAt: next.dead ? now : now + next.delay,
    error,
  });
  deps.logger.warn(next.dead ? 'outbox.dead' : 'outbox.retry', {
    id: row.id,
    type: row.type,
    attempt: row.attempts,
    error,
  });
  return false;
}

/**
 * Sends what is due, a claim of a few rows at a time, until nothing is due or `max` rows were tried.
 * Safe to run in any number of places at once. Returns the rows sent and failed.
 */
export async function dispatch(deps: Deps, max = 200) {
  const leaseId = randomId();
  let sent = 0;
  let failed = 0;
  while (sent + failed < max) {
    const now = deps.clock.now();
    if (!(await anyDue(deps.db, now))) break;
    const rows = await claimDue(deps.db, now, leaseId, LEASE_MS, CLAIM);
    if (rows.length === 0) break;
    for (const ok of await Promise.all(rows.map((row) => attempt(deps, row, leaseId)))) ok ? sent++ : failed++;
  }
  return { sent, failed };
}

/** Per database in this process: a run is going, and whether a write asked for another after it. */
const running = new WeakMap<Db, { again: boolean }>();

/**
 * Rows a write's wake-up tries at most. On Workers its run belongs to the invocation of the write that
 * woke it (waitUntil), which may make 1,000 D1 queries (and, on the Free plan, 50 subrequests); a
 * bulk decision already writes up to ~700. What is left goes with the next wake-up or the cron (a
 * minute later at most; on Node, the loop's timer).
 */
const WAKE_ROWS = 40;

/**
 * One run at a time in a process; a wake-up during a run makes it look again before it ends, until
 * `max` rows were tried (a run never grows with the writes that keep coming).
 */
export async function drainOutbox(deps: Deps, max = 200) {
  const current = running.get(deps.db);
  if (current) {
    current.again = true;
    return;
  }
  const state = { again: false };
  running.set(deps.db, state);
  try {
    let tried = 0;
    do {
      state.again = false;
      const { sent, failed } = await dispatch(deps, max - tried);
      tried += sent + failed;
    } while (state.again && tried < max);
  } finally {
    running.delete(deps.db);
  }
}

/**
 * After a write that queued rows: the dispatcher runs after the response (Workers: waitUntil; Node: a
 * macrotask later, once the answer is written), so that no answer waits for, or tells of, what was
 * queued (whether a confirmation email went, for one).
 */
export function wakeOutbox(deps: Deps) {
  deps.defer(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await drainOutbox(deps, WAKE_ROWS);
  });
}

/**
 * The outbox rows of a change, to be written in its batch, and the dispatcher woken once it is.
 * `statements` are the conditional ones (INSERT … SELECT) of services/notifications.ts.
 */
export function outboxStatements(deps: Deps, rows: NewOutboxRow[], statements: Statement[] = []): Statement[] {
  return [...enqueue(deps.db, rows), ...statements];
}

const lastPurge = new WeakMap<Db, number>();

/**
 * The timer's and the cron's turn: the hourly digest when due, what is due, and (at most hourly per
 * process) the purge of rows sent more than 7 days ago.
 */
export async function outboxTick(deps: Deps) {
  const now = deps.clock.now();
  if (now - (lastPurge.get(deps.db) ?? 0) >= HOUR) {
    lastPurge.set(deps.db, now);
    const purged = await purgeSent(deps.db, now - SENT_KEPT_MS);
    if (purged) deps.logger.info('outbox.purged', { rows: purged });
  }
  await digestIfDue(deps, await loadSettings(deps));
  await drainOutbox(deps);
}

// Moderators' view ----------------------------------------------------------------------------------

/** Where a row goes, as moderators see it: `email`, or the webhook's format and origin (a Slack URL is a secret). */
function destinationView(destination: string, fallback: WebhookFormat) {
  if (destination === 'email') return 'email';
  const { url, format } = webhookTarget(destination, fallback);
  let origin = url;
  try {
    origin = new URL(url).origin;
  } catch {}
  return `webhook ${format} ${origin}`;
}

/** A row as GET /api/v1/admin/outbox shows it: no address (readers' are in their subscriptions, sealed). */
export function outboxView(deps: Deps, row: OutboxRow) {
  const event = row.payload.event as { id?: string } | undefined;
  return {
    id: row.id,
    type: row.type,
    eventId: event?.id ?? null,
    destination: destinationView(row.destination, deps.config.WEBHOOK_FORMAT),
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? iso(row.nextAt) : null,
    lastError: row.lastError,
    articleId: row.topic,
    commentId: row.ref,
    createdAt: iso(row.createdAt)!,
    sentAt: iso(row.sentAt),
  };
}

export type OutboxView = ReturnType<typeof outboxView>;

/** A page of the outbox in one state, newest first. */
export async function outboxPage(deps: Deps, query: { state: OutboxState; limit: number; after?: Cursor | undefined }) {
  const rows = await listOutbox(deps.db, query.state, query.limit + 1, query.after ?? null);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => outboxView(deps, row)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

/**
 * Sends a row again now, with a fresh retry schedule: a dead one, or a pending one waiting for its
 * next attempt. 404 if there is no such row, 409 if it was sent or is being sent right now.
 */
export async function retryOutbox(deps: Deps, id: string) {
  const now = deps.clock.now();
  const [row] = await retryRow(deps.db, id, now);
  if (!row) {
    const existing = await getOutboxRow(deps.db, id);
    if (!existing) throw new DomainError('not_found', 'outbox_not_found');
    throw new DomainError('conflict', 'outbox_not_retryable', {
      detail: existing.state === 'sent' ? 'It was sent already.' : 'It is being sent right now.',
    });
  }
  wakeOutbox(deps);
  return outboxView(deps, row);
}
