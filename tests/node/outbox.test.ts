import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DAY, HOUR } from '../../src/deps';
import { runBatch } from '../../src/db/batch';
import { getComment } from '../../src/db/comments';
import { claimDue, enqueue, settle } from '../../src/db/outbox';
import { outbox } from '../../src/db/schema';
import { applyDecisions } from '../../src/services/moderation';
import { LEASE_MS, dispatch, outboxTick } from '../../src/services/outbox';
import { makeEvent, webhookRows } from '../../src/services/webhooks';
import { adminCall, comment, post, postOk } from '../harness/client';
import { setup, type NodeHarness } from '../harness/node';
import { webhookReceiver } from '../harness/receiver';
import { tempDatabase } from './server';

const SECRET = 'whsec-test-0123456789';
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function receiver(...args: Parameters<typeof webhookReceiver>) {
  const r = await webhookReceiver(...args);
  cleanup.push(r.close);
  return r;
}

const rows = (t: NodeHarness) => t.deps.db.select().from(outbox).all();

describe('the outbox is written in the batch of the change', () => {
  it('a refused change writes no row: a decision on a comment that changed meanwhile, a reply to a hidden parent', async () => {
    const hook = await receiver();
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    const posted = await postOk(t, 'a1');
    const seen = (await getComment(t.deps.db, posted.comment.id))!;
    expect((await adminCall(t, 'PATCH', `/comments/${posted.comment.id}`, { status: 'trash' })).status).toBe(200);
    await t.settled();
    expect((await rows(t)).map((r) => r.type).sort()).toEqual(['comment.created', 'comment.status_changed']);

    // A moderator's decision taken on the comment as it was before: refused (409), no event.
    await expect(
      applyDecisions(t.deps, { id: 'x', name: 'Lent' }, [{ row: seen, status: 'spam' }]),
    ).rejects.toMatchObject({ code: 'decision_conflict' });
    // A reply to a comment that is no longer approved: refused (404), no event.
    expect((await post(t, 'a1', comment({ parentId: posted.comment.id }))).status).toBe(404);
    await t.settled();
    expect(await rows(t)).toHaveLength(2);
    expect(hook.received).toHaveLength(2);
  });

  it('an acknowledged change has its row even when the receiver is down, until it is delivered', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 503));
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    const posted = await postOk(t, 'a1');
    await t.settled();
    const [row] = await rows(t);
    expect(row).toMatchObject({ type: 'comment.created', state: 'pending', attempts: 1, lastError: 'HTTP 503' });
    up = true;
    t.clock.advance(HOUR);
    await outboxTick(t.deps);
    expect([...hook.accepted().keys()]).toEqual([(row!.payload.event as { id: string }).id]);
    expect(hook.received.at(-1)!.body.data.comment.id).toBe(posted.comment.id);
  });
});

describe('dispatchers', () => {
  it('two dispatchers on one database (two connections) never send the same row; every row goes once', async () => {
    const db = tempDatabase('tamis-outbox-');
    cleanup.push(db.remove);
    const hook = await receiver(() => 200, 15);
    const env = { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET };
    const a = await setup(env, db.url);
    const b = await setup(env, db.url);
    const events = Array.from({ length: 40 }, (_, i) =>
      makeEvent(a.deps, 'comment.deleted', { comment: { id: `c${i}` } }),
    );
    await runBatch(a.deps.db, enqueue(a.deps.db, webhookRows(a.deps, events)));

    const [byA, byB] = await Promise.all([dispatch(a.deps), dispatch(b.deps)]);
    expect(byA.sent + byB.sent).toBe(40);
    expect(byA.sent).toBeGreaterThan(0);
    expect(byB.sent).toBeGreaterThan(0);
    expect(hook.received).toHaveLength(40);
    const accepted = hook.accepted();
    expect(accepted.size).toBe(40);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(accepted.keys()));
  });

  it('a dispatcher that dies holding a lease: its rows go after the lease ends, and its late outcome is ignored', async () => {
    const hook = await receiver();
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
    const event = makeEvent(t.deps, 'comment.deleted', { comment: { id: 'c1' } });
    await runBatch(t.deps.db, enqueue(t.deps.db, webhookRows(t.deps, [event])));
    // Claimed by a dispatcher that then died (no outcome written).
    const [claimed] = await claimDue(t.deps.db, t.clock.now(), 'dead-dispatcher', LEASE_MS, 10);
    expect(claimed).toMatchObject({ leaseId: 'dead-dispatcher', attempts: 1 });
    expect(await dispatch(t.deps)).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(LEASE_MS + 1);
    expect(await dispatch(t.deps)).toEqual({ sent: 1, failed: 0 });
    expect(hook.received[0]!.headers['tamis-event-id']).toBe(event.id);
    // The dead dispatcher's outcome, arriving late, changes nothing.
    await settle(t.deps.db, claimed!.id, 'dead-dispatcher', { state: 'dead', error: 'late' });
    const [row] = await rows(t);
    expect(row).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
  });

  it('sent rows are purged after 7 days; dead ones stay for a moderator', async () => {
    let answer = 200;
    const hook = await receiver(() => answer);
    const t = await setup({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET, OUTBOX_RETRY_HOURS: '0.001' });
    await postOk(t, 'a1');
    await t.settled();
    answer = 500;
    await postOk(t, 'a1');
    await t.settled();
    expect((await rows(t)).map((r) => r.state).sort()).toEqual(['dead', 'sent']);
    t.clock.advance(7 * DAY - HOUR);
    await outboxTick(t.deps);
    expect(await rows(t)).toHaveLength(2);
    t.clock.advance(2 * HOUR);
    await outboxTick(t.deps);
    expect((await rows(t)).map((r) => r.state)).toEqual(['dead']);
  });
});

describe('chat webhooks', () => {
  it('WEBHOOK_FORMAT=slack, or discord: for one URL: a short text with the author, the article, the verdict and the desk', async () => {
    const slack = await receiver();
    const discord = await receiver();
    const json = await receiver();
    const t = await setup({
      WEBHOOK_URL: `${slack.url}, discord:${discord.url}, json:${json.url}`,
      WEBHOOK_FORMAT: 'slack',
      WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://commentaires.exemple.fr',
    });
    await adminCall(t, 'PUT', '/articles/a1', { title: 'Le budget 2027', url: 'https://journal.exemple.fr/budget' });
    await postOk(t, 'a1', comment({ author: 'Camille', content: 'Un avis argumenté sur le budget, merci.' }));
    await t.settled();
    expect(slack.received).toHaveLength(1);
    expect(discord.received).toHaveLength(1);
    expect(json.received).toHaveLength(1);
    const text = slack.received[0]!.body.text as string;
    expect(Object.keys(slack.received[0]!.body)).toEqual(['text']);
    expect(text).toContain('New comment by Camille on “Le budget 2027” (a1): approved');
    expect(text).toMatch(/Verdict: approve/);
    expect(text).toContain('> Un avis argumenté sur le budget, merci.');
    expect(text).toContain('https://commentaires.exemple.fr/admin#queue');
    expect(discord.received[0]!.body).toEqual({ content: text });
    // The same event, with the same id, to each; the JSON one signed.
    const id = json.received[0]!.body.id;
    for (const r of [slack, discord, json]) expect(r.received[0]!.headers['tamis-event-id']).toBe(id);
    expect(json.received[0]!.headers['tamis-signature']).toMatch(/^t=\d+,v1=/);
    // Three rows, one per destination; the desk shows where each went, not the Slack URL's secret path.
    const dests = (await rows(t)).map((r) => r.destination);
    expect(dests).toHaveLength(3);
    expect((await t.deps.db.select().from(outbox).where(eq(outbox.state, 'sent')).all()).length).toBe(3);
  });
});
