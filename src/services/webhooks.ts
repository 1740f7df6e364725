import { iso, type Deps } from '../deps';
import { randomId, toHex } from '../crypto';
import type { CommentRow } from '../db/comments';
import type { NewOutboxRow } from '../db/outbox';
import type { Assessment } from '../spam/types';

/**
 * Webhooks: a JSON event POSTed to each WEBHOOK_URL, signed with WEBHOOK_SECRET (or, for Slack and
 * Discord, a short message they accept). Events are rows of the outbox, written in the batch of the
 * change that causes them (services/outbox.ts), and delivered at least once by its dispatcher: the
 * `Tamis-Event-Id` header (the event's `id`) lets a receiver drop a repeated delivery.
 *
 * The payload carries no email, IP or user agent, and the reasons carry no detail (a list entry
 * quoted there may be an address): a receiver that needs more asks the admin API with a token.
 */

export type EventType = 'comment.created' | 'comment.status_changed' | 'comment.deleted' | 'comment.erased';

export interface WebhookEvent {
  /** Same on every retry of one event: receivers use it to ignore a repeated delivery. */
  id: string;
  type: EventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export type By = { type: 'moderator'; name: string } | { type: 'author' };

/** The public face of the comment, with its status. */
function eventComment(row: CommentRow) {
  return {
    id: row.id,
    articleId: row.articleId,
    parentId: row.parentId,
    status: row.status,
    author: { name: row.author, website: row.website, staff: row.staff },
    content: row.content,
    html: row.html,
    createdAt: iso(row.createdAt)!,
    editedAt: iso(row.editedAt),
  };
}

export function makeEvent(deps: Deps, type: EventType, data: Record<string, unknown>): WebhookEvent {
  return { id: randomId(), type, createdAt: iso(deps.clock.now())!, data };
}

export const createdEvent = (
  deps: Deps,
  row: CommentRow,
  assessment: Pick<Assessment, 'verdict' | 'score' | 'reasons'>,
) =>
  makeEvent(deps, 'comment.created', {
    comment: eventComment(row),
    verdict: {
      verdict: assessment.verdict,
      score: assessment.score,
      reasons: assessment.reasons.map(({ detail: _detail, ...reason }) => reason),
    },
  });

export const statusChangedEvent = (deps: Deps, row: CommentRow, previousStatus: CommentRow['status'], by: By) =>
  makeEvent(deps, 'comment.status_changed', { comment: eventComment(row), previousStatus, by });

export const deletedEvent = (deps: Deps, row: CommentRow, by: By) =>
  makeEvent(deps, 'comment.deleted', { comment: eventComment(row), by });

/**
 * A privacy erasure changed the comment (`row` as it is now): the author's own comment lost its
 * name and website (the author is "Anonyme"/"Anonymous"), or the text of someone else's lost an
 * address it quoted. A receiver replaces its copy with this one. Nothing of what was erased is in it.
 */
export const erasedEvent = (deps: Deps, row: CommentRow, part: 'author' | 'mention', by: By) =>
  makeEvent(deps, 'comment.erased', { comment: eventComment(row), part, by });

// Delivery ----------------------------------------------------------------------------------------

/** Each attempt is abandoned after this long (the outbox tries again later). */
const TIMEOUT_MS = 4_000;

const enc = new TextEncoder();

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
async function signatureHeader(secret: string, body: string, unixSeconds: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${unixSeconds}.${body}`));
  return `t=${unixSeconds},v1=${toHex(mac)}`;
}

export type WebhookFormat = 'json' | 'slack' | 'discord';

/** A WEBHOOK_URL entry: `slack:https://…` chooses its format, a bare URL takes WEBHOOK_FORMAT. */
export function webhookTarget(entry: string, fallback: WebhookFormat): { url: string; format: WebhookFormat } {
  const match = /^(json|slack|discord):(https?:.*)$/.exec(entry);
  return match ? { format: match[1] as WebhookFormat, url: match[2]! } : { format: fallback, url: entry };
}

/** What a chat message may say of the article, beside the event. */
export interface EventContext {
  article?: { title: string | null; url: string | null } | undefined;
  /** Where the desk is (PUBLIC_URL, or the origin of the request that caused the event). */
  base?: string | undefined;
}

/**
 * Outbox rows delivering `events` to every webhook (none without WEBHOOK_URL; none of Tamis's
 * JSON without WEBHOOK_SECRET, which would be sent unsigned).
 */
export function webhookRows(deps: Deps, events: WebhookEvent[], context: EventContext = {}): NewOutboxRow[] {
  const { WEBHOOK_URL: urls, WEBHOOK_SECRET: secret, WEBHOOK_FORMAT: format } = deps.config;
  if (!urls || events.length === 0) return [];
  const targets = urls.filter((entry) => {
    if (webhookTarget(entry, format).format !== 'json' || secret) return true;
    deps.logger.warn('webhook.no_secret', {
      detail: 'WEBHOOK_URL is set without WEBHOOK_SECRET: nothing is sent unsigned.',
    });
    return false;
  });
  const now = deps.clock.now();
  const base = deps.config.PUBLIC_URL ?? deps.origin;
  return targets.flatMap((destination) =>
    events.map((event) => ({
      id: randomId(),
      type: event.type,
      destination,
      payload: { event, ...(context.article ? { article: context.article } : {}), ...(base ? { base } : {}) },
      nextAt: now,
      topic: typeof event.data.comment === 'object' ? (event.data.comment as { articleId?: string }).articleId : null,
      ref: typeof event.data.comment === 'object' ? (event.data.comment as { id?: string }).id : null,
      createdAt: now,
    })),
  );
}

const VERBS: Record<EventType, string> = {
  'comment.created': 'New comment',
  'comment.status_changed': 'Comment',
  'comment.deleted': 'Comment deleted',
  'comment.erased': 'Comment erased (privacy request)',
};

/** The short text a Slack or Discord channel shows: who, where, the verdict, and the desk. */
export function chatText(event: WebhookEvent, context: EventContext): string {
  const data = event.data as {
    comment?: { id: string; articleId: string; status: string; author: { name: string }; content: string };
    verdict?: { verdict: string; reasons: { rule: string }[] };
    previousStatus?: string;
    by?: By;
  };
  const c = data.comment;
  if (!c) return event.type;
  const where = context.article?.title ? `“${context.article.title}” (${c.articleId})` : c.articleId;
  const excerpt = c.content.length > 200 ? `${c.content.slice(0, 200)}…` : c.content;
  const lines = [
    event.type === 'comment.status_changed'
      ? `${VERBS[event.type]} by ${c.author.name} on ${where}: ${data.previousStatus} → ${c.status}${data.by?.type === 'moderator' ? ` (${data.by.name})` : ''}`
      : `${VERBS[event.type]} by ${c.author.name} on ${where}: ${c.status}`,
  ];
  if (data.verdict) {
    const reasons = data.verdict.reasons.map((r) => r.rule).join(', ');
    lines.push(`Verdict: ${data.verdict.verdict}${reasons ? ` (${reasons})` : ''}`);
  }
  if (event.type !== 'comment.deleted') lines.push(`> ${excerpt.replace(/\n/g, '\n> ')}`);
  if (context.base) lines.push(`${context.base}/admin#queue`);
  return lines.join('\n');
}

/**
 * One attempt at delivering an outbox row to its webhook: null when the receiver answered 2xx,
 * otherwise what went wrong (`HTTP 503`, `TimeoutError`…). Signed afresh at each attempt, so that a
 * retry is not refused as stale.
 */
export async function sendWebhook(deps: Deps, destination: string, payload: Record<string, unknown>) {
  const { url, format } = webhookTarget(destination, deps.config.WEBHOOK_FORMAT);
  const event = payload.event as WebhookEvent;
  const context = payload as EventContext;
  let body: string;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'Tamis-Webhook/1',
    'Tamis-Event': event.type,
    'Tamis-Event-Id': event.id,
    'Tamis-Delivery': event.id,
  };
  if (format === 'json') {
    body = JSON.stringify(event);
    const secret = deps.config.WEBHOOK_SECRET;
    if (!secret) return 'WEBHOOK_SECRET is not set';
    headers['Tamis-Signature'] = await signatureHeader(secret, body, Math.floor(deps.clock.now() / 1000));
  } else {
    const text = chatText(event, context);
    body = JSON.stringify(format === 'slack' ? { text } : { content: text.slice(0, 2000) });
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.webhookTiming?.timeoutMs ?? TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (error) {
    return error instanceof Error ? error.name : 'error';
  }
}
