import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema';
import { dispatch, nextAttempt } from '../../src/services/outbox';
import { BROWSER_UA, adminCall, comment, post, postOk } from '../harness/client';
import { setup } from '../harness/node';
import { webhookReceiver } from '../harness/receiver';

const SECRET = 'whsec-test-0123456789';

const receivers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

/** A receiver closed after the test. */
async function receiver(answer: (n: number) => number | 'hang' = () => 200) {
  const r = await webhookReceiver(answer);
  receivers.push(r);
  return r;
}

/** What a receiver does: recompute the HMAC over "<t>.<raw body>" and compare in constant time. */
function verify(header: string | undefined, raw: string, secret = SECRET) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return null;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')) ? Number(match[1]) : null;
}

describe('webhooks against a real receiver', () => {
  it('comment.created with the verdict, signed; no email, IP or user agent in it', async () => {
    const hook = await receiver();
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    const posted = await postOk(
      t,
      'a1',
      comment({ email: 'secret.person@exemple.fr', website: 'https://site.example.org' }),
      { ip: '192.0.2.99' },
    );
    await t.settled();

    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['tamis-event']).toBe('comment.created');
    expect(delivery!.headers['tamis-event-id']).toBe(delivery!.body.id);
    expect(delivery!.headers['tamis-delivery']).toBe(delivery!.body.id);
    expect(verify(delivery!.headers['tamis-signature'] as string, delivery!.raw)).toBe(
      Math.floor(t.clock.now() / 1000),
    );
    expect(verify(delivery!.headers['tamis-signature'] as string, delivery!.raw, 'another-secret')).toBeNull();
    expect(verify(delivery!.headers['tamis-signature'] as string, delivery!.raw.replace('a1', 'a2'))).toBeNull();

    expect(delivery!.body).toMatchObject({
      type: 'comment.created',
      createdAt: new Date(t.clock.now()).toISOString(),
      data: {
        comment: {
          id: posted.comment.id,
          articleId: 'a1',
          status: 'approved',
          author: { name: 'Camille Martin', website: 'https://site.example.org', staff: false },
        },
        verdict: { verdict: 'approve', score: expect.any(Number), reasons: expect.any(Array) },
      },
    });
    for (const secret of ['secret.person', '192.0.2.99', BROWSER_UA, 'emailHash', 'detail'])
      expect(delivery!.raw).not.toContain(secret);
  });

  it('a spam submission is announced with its verdict and reasons (rule and score only)', async () => {
    const hook = await receiver();
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    await post(t, 'a1', comment({ hp: 'bot' }));
    await t.settled();
    const { data } = hook.received[0]!.body;
    expect(data.comment.status).toBe('spam');
    expect(data.verdict.verdict).toBe('spam');
    expect(data.verdict.reasons).toContainEqual(
      expect.objectContaining({ rule: 'honeypot', score: expect.any(Number) }),
    );
    for (const reason of data.verdict.reasons) expect(reason).not.toHaveProperty('detail');
  });

  it('comment.status_changed from a moderator (one per comment in a bulk decision), comment.deleted', async () => {
    const hook = await receiver();
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    const a = await postOk(t, 'a1');
    const b = await postOk(t, 'a1');
    await adminCall(t, 'PATCH', `/comments/${a.comment.id}`, { status: 'spam' });
    await adminCall(t, 'POST', '/comments/bulk', { ids: [a.comment.id, b.comment.id], status: 'trash' });
    await adminCall(t, 'DELETE', `/comments/${b.comment.id}`);
    await t.settled();

    // Each request delivers its own events in the background: they may arrive in any order.
    const events = hook.received.map((r) => r.body).filter((e) => e.type !== 'comment.created');
    const seen = events.map((e) =>
      [e.type, e.data.comment.id, e.data.previousStatus ?? null, e.data.comment.status].join(' '),
    );
    expect(seen.sort()).toEqual(
      [
        `comment.status_changed ${a.comment.id} approved spam`,
        `comment.status_changed ${a.comment.id} spam trash`,
        `comment.status_changed ${b.comment.id} approved trash`,
        `comment.deleted ${b.comment.id}  trash`,
      ].sort(),
    );
    for (const e of events) expect(e.data.by).toEqual({ type: 'moderator', name: 'ADMIN_TOKEN' });
    for (const r of hook.received) expect(verify(r.headers['tamis-signature'] as string, r.raw)).not.toBeNull();
  });

  it('comment.erased for each comment an erasure changed, as it is now: nothing of what was erased', async () => {
    const hook = await receiver();
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    const person = {
      author: 'Zéphyrin Quastelbaum',
      email: 'zephyrin.q@exemple.fr',
      website: 'https://quastelbaum.example.org',
    };
    const own = [await postOk(t, 'a1', comment(person)), await postOk(t, 'a2', comment(person))];
    const quoting = await postOk(t, 'a1', comment({ content: `Écrivez à ${person.email} pour en savoir plus.` }));
    await postOk(t, 'a1', comment({ content: 'Un autre avis, sans rapport.' }));
    await t.settled();
    // What the receiver holds before: the name, the website, the quoted address.
    expect(hook.received.map((r) => r.raw).join('\n')).toContain(person.author);
    hook.received.length = 0;

    expect((await adminCall(t, 'POST', '/privacy/erase', { email: person.email })).status).toBe(200);
    await t.settled();
    const events = hook.received.map((r) => r.body);
    expect(events.map((e) => e.type)).toEqual(['comment.erased', 'comment.erased', 'comment.erased']);
    const byId = new Map(events.map((e) => [e.data.comment.id, e.data]));
    expect([...byId.keys()].sort()).toEqual([...own.map((o) => o.comment.id), quoting.comment.id].sort());
    for (const o of own) {
      expect(byId.get(o.comment.id)).toMatchObject({
        part: 'author',
        comment: { author: { name: 'Anonyme', website: null, staff: false } },
      });
    }
    expect(byId.get(quoting.comment.id)).toMatchObject({
      part: 'mention',
      comment: { author: { name: 'Camille Martin' }, content: 'Écrivez à [erased] pour en savoir plus.' },
    });
    for (const e of events) expect(e.data.by).toEqual({ type: 'moderator', name: 'ADMIN_TOKEN' });
    // The outbox keeps no earlier event that carried what was erased (sent rows stay 7 days).
    const kept = JSON.stringify(await t.deps.db.select().from(outbox).all());
    for (const erased of ['Quastelbaum', 'zephyrin.q', 'quastelbaum.example.org']) expect(kept).not.toContain(erased);
    for (const r of hook.received) {
      expect(verify(r.headers['tamis-signature'] as string, r.raw)).not.toBeNull();
      for (const erased of ['Quastelbaum', 'zephyrin.q', 'quastelbaum.example.org'])
        expect(r.raw).not.toContain(erased);
    }
  });

  it('a failure is tried again later (backoff with jitter) with the same event id and a fresh signature', async () => {
    const hook = await receiver((n) => (n === 1 ? 500 : 200));
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    t.deps.random = () => 0.5;
    await postOk(t, 'a1');
    await t.settled();
    expect(hook.received).toHaveLength(1);
    const [waiting] = (await adminCall(t, 'GET', '/outbox?state=pending')).body.items;
    expect(waiting).toMatchObject({ type: 'comment.created', attempts: 1, lastError: 'HTTP 500', state: 'pending' });
    // 30 s nominal, jitter between half and all of it: 22.5 s with random() = 0.5.
    expect(Date.parse(waiting.nextAttemptAt) - t.clock.now()).toBe(22_500);
    expect(await dispatch(t.deps)).toEqual({ sent: 0, failed: 0 }); // not due yet
    t.clock.advance(22_500);
    expect(await dispatch(t.deps)).toEqual({ sent: 1, failed: 0 });
    expect(hook.received).toHaveLength(2);
    const [first, second] = hook.received;
    expect(second!.headers['tamis-event-id']).toBe(first!.headers['tamis-event-id']);
    expect(second!.headers['tamis-event-id']).toBe(first!.body.id);
    expect(second!.raw).toBe(first!.raw);
    expect(second!.headers['tamis-signature']).not.toBe(first!.headers['tamis-signature']);
    expect(verify(second!.headers['tamis-signature'] as string, second!.raw)).toBe(Math.floor(t.clock.now() / 1000));
    expect((await adminCall(t, 'GET', '/outbox?state=pending')).body.items).toEqual([]);
  });

  it('the schedule: 30 s, 1, 2, 4… min, then hourly, each with jitter, until OUTBOX_RETRY_HOURS; then dead', () => {
    const day = 24 * 3_600_000;
    expect(nextAttempt(1, day, () => 0)).toEqual({ dead: false, delay: 15_000 });
    expect(nextAttempt(1, day, () => 0.999999)).toEqual({ dead: false, delay: 30_000 });
    expect(nextAttempt(2, day, () => 0)).toEqual({ dead: false, delay: 30_000 });
    expect(nextAttempt(8, day, () => 1)).toEqual({ dead: false, delay: 3_600_000 });
    let attempts = 1;
    let waited = 0;
    for (let next = nextAttempt(attempts, day, () => 1); !next.dead; next = nextAttempt(++attempts, day, () => 1))
      waited += next.delay;
    expect(waited).toBeGreaterThanOrEqual(day - 3_600_000);
    expect(waited).toBeLessThan(day);
    expect(attempts).toBe(30);
  });

  it('dead after OUTBOX_RETRY_HOURS; moderators list it and send it again; a hanging receiver counts as a failure', async () => {
    let answer: number | 'hang' = 'hang';
    const hook = await receiver(() => answer);
    // 0.02 h = 72 s: a first failure waits 30 s at most, the second makes 90 s of delays: dead.
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET, OUTBOX_RETRY_HOURS: '0.02' });
    t.deps.webhookTiming = { timeoutMs: 200 };
    t.deps.random = () => 1;
    const started = Date.now();
    const posted = await postOk(t, 'a1');
    await t.settled();
    expect(Date.now() - started).toBeLessThan(2000);
    answer = 503;
    t.clock.advance(30_000);
    expect(await dispatch(t.deps)).toEqual({ sent: 0, failed: 1 });
    expect((await adminCall(t, 'GET', '/outbox?state=pending')).body.items).toEqual([]);
    const dead = await adminCall(t, 'GET', '/outbox?state=dead');
    expect(dead.status).toBe(200);
    expect(dead.body.items).toHaveLength(1);
    const [row] = dead.body.items;
    expect(row).toMatchObject({
      type: 'comment.created',
      state: 'dead',
      attempts: 2,
      lastError: 'HTTP 503',
      commentId: posted.comment.id,
      articleId: 'a1',
      nextAttemptAt: null,
      sentAt: null,
    });
    expect(row.destination).toBe(`webhook json ${new URL(hook.url).origin}`);
    expect(row.eventId).toBe(hook.received[0]!.body.id);
    t.clock.advance(3_600_000);
    expect(await dispatch(t.deps)).toEqual({ sent: 0, failed: 0 }); // dead rows are not tried

    answer = 200;
    const retried = await adminCall(t, 'POST', `/outbox/${row.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: row.id, state: 'pending', attempts: 0 });
    await t.settled();
    expect(hook.received).toHaveLength(3);
    expect(hook.received[2]!.headers['tamis-event-id']).toBe(row.eventId);
    expect((await adminCall(t, 'GET', '/outbox?state=dead')).body.items).toEqual([]);
    // Sent: it cannot be retried; an unknown id is 404; state is checked.
    expect((await adminCall(t, 'POST', `/outbox/${row.id}/retry`)).body.code).toBe('outbox_not_retryable');
    expect((await adminCall(t, 'POST', '/outbox/nope/retry')).status).toBe(404);
    expect((await adminCall(t, 'GET', '/outbox?state=sent')).status).toBe(422);
    expect((await t.request('/api/v1/admin/outbox')).status).toBe(401);
  });

  it('a slow or dead receiver never slows a submission', async () => {
    const hanging = await receiver(() => 'hang');
    const t = await setup({ WEBHOOK_URL: hanging.url, WEBHOOK_SECRET: SECRET });
    t.deps.webhookTiming = { timeoutMs: 700 };
    const started = Date.now();
    const res = await post(t, 'a1', comment());
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
    // The delivery is still waiting on the receiver in the background.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hanging.received).toHaveLength(1);
    await t.settled();
    expect((await adminCall(t, 'GET', '/outbox?state=pending')).body.items[0].lastError).toBe('TimeoutError');
  }, 10_000);

  it('a refused connection neither fails nor slows a submission', async () => {
    const gone = await receiver();
    const t = await setup({ WEBHOOK_URL: gone.url, WEBHOOK_SECRET: SECRET });
    t.deps.webhookTiming = { timeoutMs: 500 };
    for (const r of receivers.splice(0)) await r.close();
    const started = Date.now();
    expect((await post(t, 'a1', comment())).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
    await t.settled();
  });

  it('sends nothing without WEBHOOK_URL, nor unsigned without WEBHOOK_SECRET', async () => {
    const hook = await receiver();
    const none = await setup();
    await postOk(none, 'a1');
    await none.settled();
    const unsigned = await setup({ WEBHOOK_URL: hook.url });
    await postOk(unsigned, 'a1');
    await unsigned.settled();
    expect(hook.received).toEqual([]);
  });
});
