import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import worker, { type WorkerEnv } from '../../src/entry/worker';
import { BROWSER_UA, comment, path } from '../harness/client';
import { TEST_ENV } from '../harness/types';
import { resetDatabase } from '../harness/worker';

/**
 * The outbox and its dispatcher in workerd on D1, through the real Workers entry: webhooks sent with
 * waitUntil after the response, email over TCP (cloudflare:sockets, worker-mailer) to the SMTP server
 * that tests/workers/peers.global.ts runs in Node, retries by the Cron Trigger.
 */

const peers = inject('peers');
const bindings: WorkerEnv = {
  ...env,
  ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN,
  SECRET: TEST_ENV.SECRET,
  LOG_LEVEL: 'silent',
  WEBHOOK_URL: peers.webhook,
  WEBHOOK_SECRET: 'whsec-edge-0123456789',
  SMTP_URL: peers.smtp,
  MAIL_FROM: 'tamis@exemple.fr',
  MODERATOR_EMAILS: 'moderation@exemple.fr',
  PUBLIC_URL: 'https://tamis.example.com',
};

async function call(pathname: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://tamis.example.com${pathname}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const post = (articleId: string, body: Record<string, unknown>, ip: string) =>
  call(path(articleId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'CF-Connecting-IP': ip },
    body: JSON.stringify(body),
  });

const admin = (pathname: string, init: RequestInit = {}) =>
  call(`/api/v1/admin${pathname}`, {
    ...init,
    headers: { Authorization: `Bearer ${TEST_ENV.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
  });

interface Seen {
  webhook: { headers: Record<string, string>; body: any }[];
  smtp: { to: string[]; subject: string; text: string; raw: string }[];
}
const seen = async (reset = false): Promise<Seen> => (await fetch(`${peers.window}${reset ? '/reset' : '/'}`)).json();

describe('the outbox in workerd on D1', () => {
  beforeEach(async () => {
    await resetDatabase();
    await seen(true);
  });

  it('a webhook event and a moderator email, sent after the response (waitUntil), over fetch and TCP', async () => {
    expect(
      (await admin('/articles/edge-1', { method: 'PUT', body: JSON.stringify({ moderation: 'all' }) })).status,
    ).toBe(200);
    const res = await post(
      'edge-1',
      comment({ author: 'Zoé', content: 'Un commentaire venu du bord du réseau.' }),
      '203.0.113.50',
    );
    expect(res.status).toBe(201);
    const { comment: created } = (await res.json()) as { comment: { id: string; status: string } };
    expect(created.status).toBe('pending');
    const got = await seen();
    expect(got.webhook.map((d) => [d.body.type, d.body.data.comment.id])).toEqual([['comment.created', created.id]]);
    expect(got.webhook[0]!.headers['tamis-event-id']).toBe(got.webhook[0]!.body.id);
    expect(got.smtp).toHaveLength(1);
    expect(got.smtp[0]!.to).toEqual(['moderation@exemple.fr']);
    expect(got.smtp[0]!.subject).toBe('Commentaire en attente : Zoé sur edge-1');
    expect(got.smtp[0]!.text).toContain('Un commentaire venu du bord du réseau.');
    expect(got.smtp[0]!.text).toContain('https://tamis.example.com/admin#queue');
    const pending = (await (await admin('/outbox?state=pending')).json()) as { items: unknown[] };
    expect(pending.items).toEqual([]);
  });

  it('reply notifications: opt-in, confirm, reply → one email with List-Unsubscribe; the cron retries what failed', async () => {
    const lea = 'lea.edge@exemple.fr';
    const first = await post('edge-2', comment({ email: lea, notify: true }), '203.0.113.51');
    const { comment: mine } = (await first.json()) as { comment: { id: string } };
    let got = await seen();
    const confirm = got.smtp.find((m) => m.to.includes(lea))!;
    expect(confirm.subject).toBe('Confirmez les notifications de réponses');
    const link = /https:\/\/tamis\.example\.com(\/api\/v1\/subscriptions\/confirm\?token=\S+)/.exec(confirm.text)![1]!;
    expect((await call(link)).status).toBe(200);

    const reply = await post('edge-2', comment({ parentId: mine.id, author: 'Jules' }), '203.0.113.52');
    expect(reply.status).toBe(201);
    got = await seen();
    const notices = got.smtp.filter((m) => m.to.includes(lea));
    expect(notices).toHaveLength(2);
    expect(notices[1]!.subject).toBe('Jules vous a répondu sur edge-2');
    expect(notices[1]!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);

    // A row that failed (its webhook answered 503) waits for its retry, which the Cron Trigger sends once due.
    const down: WorkerEnv = { ...bindings, WEBHOOK_URL: `${peers.window}/down` };
    const ctx = createExecutionContext();
    await worker.fetch(
      new Request(`https://tamis.example.com${path('edge-3')}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'CF-Connecting-IP': '203.0.113.53' },
        body: JSON.stringify(comment()),
      }),
      down,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const waiting = (await (await admin('/outbox?state=pending')).json()) as { items: { attempts: number }[] };
    expect(waiting.items).toHaveLength(1);
    expect(waiting.items[0]!.attempts).toBe(1);
    const cron = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), bindings, cron);
    await waitOnExecutionContext(cron);
    // Not due yet (15–30 s away): still pending, not tried again.
    const still = (await (await admin('/outbox?state=pending')).json()) as { items: { attempts: number }[] };
    expect(still.items.map((i) => i.attempts)).toEqual([1]);
    // The receiver is back and the retry is due (moved by hand: the Worker's clock is the real one).
    await env.DB.prepare('UPDATE outbox SET next_at = 0, destination = ?').bind(peers.webhook).run();
    await seen(true);
    const later = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }),
      bindings,
      later,
    );
    await waitOnExecutionContext(later);
    expect((await seen()).webhook.map((d) => d.body.type)).toEqual(['comment.created']);
    expect(((await (await admin('/outbox?state=pending')).json()) as { items: unknown[] }).items).toEqual([]);
  });
});
