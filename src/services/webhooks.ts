import { iso, type Deps } from '../deps';
import { randomId, toHex } from '../crypto';
import type { CommentRow } from '../db/comments';
import type { Assessment } from '../spam/types';

/**
 * Webhooks: a JSON event POSTed to WEBHOOK_URL, signed with WEBHOOK_SECRET, delivered in the
 * background (`deps.defer`, `waitUntil` on Workers) so that a slow or dead receiver never slows a
 * request. Failed deliveries are retried with backoff inside the same background task; nothing is
 * kept in memory between requests.
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

export interface DeliveryOptions {
  /** Waits before each retry: 3 retries over 13 s, so that a delivery ends within Workers' 30 s of `waitUntil`. */
  retryDelaysMs: number[];
  /** Each attempt is abandoned after this long. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

const defaultDelivery: DeliveryOptions = {
  retryDelaysMs: [1_000, 3_000, 9_000],
  timeoutMs: 4_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Deliveries of one request run at most this many at a time (a bulk decision makes one event per comment). */
const CONCURRENCY = 4;

const enc = new TextEncoder();

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
async function signatureHeader(secret: string, body: string, unixSeconds: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${unixSeconds}.${body}`));
  return `t=${unixSeconds},v1=${toHex(mac)}`;
}

/**
 * Queues events for delivery after the response. Without WEBHOOK_URL, does nothing, and the events
 * are not even built (`events` is called only when they will be sent).
 */
export function emit(deps: Deps, events: () => WebhookEvent[]) {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret } = deps.config;
  if (!url) return;
  const queue = events();
  if (queue.length === 0) return;
  if (!secret) {
    deps.logger.warn('webhook.no_secret', {
      detail: 'WEBHOOK_URL is set without WEBHOOK_SECRET: nothing is sent unsigned.',
    });
    return;
  }
  deps.defer(async () => {
    const worker = async () => {
      for (let event = queue.shift(); event; event = queue.shift())
        await deliver(deps, url, secret, event, { ...defaultDelivery, ...deps.webhookTiming });
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  });
}

/**
 * POSTs one event until the receiver answers 2xx, retrying after each delay of `retryDelaysMs`.
 * Every attempt is signed afresh, so that a retry is not refused as stale.
 */
export async function deliver(
  deps: Deps,
  url: string,
  secret: string,
  event: WebhookEvent,
  opts: DeliveryOptions = defaultDelivery,
) {
  const body = JSON.stringify(event);
  const attempts = opts.retryDelaysMs.length + 1;
  for (let attempt = 1; ; attempt++) {
    let outcome: string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Tamis-Webhook/1',
          'Tamis-Event': event.type,
          'Tamis-Delivery': event.id,
          'Tamis-Signature': await signatureHeader(secret, body, Math.floor(deps.clock.now() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return { ok: true as const, attempts: attempt };
      outcome = `HTTP ${res.status}`;
    } catch (error) {
      outcome = error instanceof Error ? error.name : 'error';
    }
    const last = attempt >= attempts;
    deps.logger.warn(last ? 'webhook.gave_up' : 'webhook.retry', {
      event: event.id,
      type: event.type,
      attempt,
      outcome,
    });
    if (last) return { ok: false as const, attempts: attempt };
    await opts.sleep(opts.retryDelaysMs[attempt - 1]!);
  }
}
