import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setup, type NodeHarness } from '../harness/node';
import { admin, adminCall, comment, postOk } from '../harness/client';
import { comments, meta, spamMemory } from '../../src/db/schema';
import { PURGE_MARKER, purgeClientData, purgeIfDue } from '../../src/services/retention';
import { saveSettings } from '../../src/settings';
import type { InStatement } from '@libsql/client';
import { clientOf } from './server';

/**
 * IPs and user agents are erased from comments older than `ipRetentionDays` (30 by default), by a
 * purge that runs at most once an hour after a submission (and from the Node entry's timer).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function clientData(t: NodeHarness, id: string) {
  const row = await t.deps.db
    .select({ ipEnc: comments.ipEnc, ipHash: comments.ipHash, userAgent: comments.userAgent })
    .from(comments)
    .where(eq(comments.id, id))
    .get();
  return row!;
}
const kept = (d: { ipEnc: string | null; ipHash: string | null; userAgent: string | null }) =>
  d.ipEnc !== null && d.ipHash !== null && d.userAgent !== null;
const erased = (d: { ipEnc: string | null; ipHash: string | null; userAgent: string | null }) =>
  d.ipEnc === null && d.ipHash === null && d.userAgent === null;

describe('retention of IPs and user agents', () => {
  it('a submission 30 days on erases them from the older comments, and only from those', async () => {
    const t = await setup();
    const old = await postOk(t, 'a', comment({ content: 'Un vieux commentaire.' }));
    await t.settled();
    t.clock.advance(10 * DAY);
    const recent = await postOk(t, 'a', comment({ content: 'Un commentaire récent.' }));
    await t.settled();
    expect(kept(await clientData(t, old.comment.id))).toBe(true);

    t.clock.advance(20 * DAY + HOUR); // the old one is now 30 days and an hour old
    const trigger = await postOk(t, 'b');
    await t.settled();
    expect(erased(await clientData(t, old.comment.id))).toBe(true);
    expect(kept(await clientData(t, recent.comment.id))).toBe(true);
    expect(kept(await clientData(t, trigger.comment.id))).toBe(true);

    // The comment itself is untouched and still public.
    const thread = (await (await t.request('/api/v1/articles/a/comments')).json()) as {
      comments: { id: string; content: string }[];
    };
    expect(thread.comments.map((c) => c.content)).toEqual(['Un vieux commentaire.', 'Un commentaire récent.']);
  });

  it('runs at most once an hour, whatever the number of submissions: the marker lives in the database', async () => {
    const t = await setup();
    await postOk(t, 'a');
    await t.settled();
    const marker = async () =>
      Number((await t.deps.db.select().from(meta).where(eq(meta.key, PURGE_MARKER)).get())!.value);
    const first = await marker();
    expect(first).toBe(t.clock.now());

    // A comment now 31 days old appears (written directly, as an old row would be).
    const stale = await postOk(t, 'a');
    await t.settled();
    await t.deps.db
      .update(comments)
      .set({ createdAt: t.clock.now() - 31 * DAY })
      .where(eq(comments.id, stale.comment.id));

    t.clock.advance(30 * 60_000);
    await postOk(t, 'b');
    await t.settled();
    expect(await marker()).toBe(first); // not due: half an hour
    expect(kept(await clientData(t, stale.comment.id))).toBe(true);

    t.clock.advance(31 * 60_000);
    await postOk(t, 'c');
    await t.settled();
    expect(await marker()).toBe(t.clock.now());
    expect(erased(await clientData(t, stale.comment.id))).toBe(true);
  });

  it('submissions do not read the marker while this process knows the purge is not due; the schedule always does', async () => {
    const t = await setup();
    await postOk(t, 'a');
    await t.settled();
    const client = clientOf(t);
    const execute = client.execute.bind(client);
    const read: string[] = [];
    client.execute = ((stmt: InStatement) => {
      const sql = typeof stmt === 'string' ? stmt : stmt.sql;
      if (/"meta"/.test(sql)) read.push(sql);
      return execute(stmt);
    }) as typeof client.execute;
    t.clock.advance(30 * 60_000);
    await postOk(t, 'a');
    await t.settled();
    expect(read).toEqual([]);
    expect(await purgeIfDue(t.deps)).toBeNull();
    expect(read.length).toBeGreaterThan(0);
    client.execute = execute;
  });

  it('the spam memory forgets an IP not marked again within ipRetentionDays; emails stay', async () => {
    const t = await setup();
    const feedback = (ip: string) =>
      admin(t, '/spam/feedback', {
        method: 'POST',
        body: JSON.stringify({
          label: 'spam',
          comment: { ...comment(), email: `${ip}@exemple.fr`, ip, content: 'Casino gratuit, cliquez ici pour gagner' },
        }),
      });
    expect((await feedback('203.0.113.7')).status).toBeLessThan(300);
    t.clock.advance(20 * DAY);
    expect((await feedback('203.0.113.8')).status).toBeLessThan(300);
    const remembered = async () =>
      (await t.deps.db.select({ kind: spamMemory.kind }).from(spamMemory).all()).map((r) => r.kind).sort();
    expect(await remembered()).toEqual(['email', 'email', 'ip', 'ip']);
    t.clock.advance(11 * DAY); // the first IP was marked 31 days ago, the second 11
    expect(await purgeIfDue(t.deps)).not.toBeNull();
    expect(await remembered()).toEqual(['email', 'email', 'ip']);
  });

  it('two callers at once: exactly one runs the purge', async () => {
    const t = await setup();
    t.clock.advance(2 * HOUR);
    const results = await Promise.all(Array.from({ length: 8 }, () => purgeIfDue(t.deps)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('follows the ipRetentionDays setting', async () => {
    const t = await setup();
    await saveSettings(t.deps.db, t.deps.config, { ipRetentionDays: 7 }, t.clock.now());
    const c = await postOk(t, 'a');
    await t.settled();
    t.clock.advance(6 * DAY);
    expect(await purgeClientData(t.deps, t.clock.now(), 7)).toBe(0);
    t.clock.advance(1 * DAY + 1);
    expect(await purgeIfDue(t.deps)).toBe(1);
    expect(erased(await clientData(t, c.comment.id))).toBe(true);
    // Nothing left to do the next time.
    t.clock.advance(2 * HOUR);
    expect(await purgeIfDue(t.deps)).toBe(0);
  });

  it('clears every IP at once, even when the user agents of trained comments take more than one run', async () => {
    const t = await setup();
    const c = await postOk(t, 'a');
    await t.settled();
    expect((await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'spam' })).status).toBe(200);
    const row = (await t.deps.db.select().from(comments).where(eq(comments.id, c.comment.id)).get())!;
    // 1,000 more trained comments like it: more user agents than one run revises (20 batches of 50).
    const copies = Array.from({ length: 1_000 }, (_, i) => ({
      ...row,
      id: `copy-${i}`,
      contentHash: `${row.contentHash}-${i}`,
    }));
    for (let i = 0; i < copies.length; i += 20) await t.deps.db.insert(comments).values(copies.slice(i, i + 20));
    t.clock.advance(31 * DAY);

    expect(await purgeClientData(t.deps, t.clock.now(), 30)).toBe(1_001);
    const left = await t.deps.db
      .select({ ipEnc: comments.ipEnc, ipHash: comments.ipHash, userAgent: comments.userAgent })
      .from(comments)
      .all();
    expect(left).toHaveLength(1_001);
    expect(left.filter((d) => d.ipEnc !== null || d.ipHash !== null)).toEqual([]);
    expect(left.filter((d) => d.userAgent !== null)).toHaveLength(1);
    // The next run takes the last user agent, and counts only that comment.
    expect(await purgeClientData(t.deps, t.clock.now(), 30)).toBe(1);
    expect(
      (await t.deps.db.select({ userAgent: comments.userAgent }).from(comments).all()).every(
        (d) => d.userAgent === null,
      ),
    ).toBe(true);
  }, 30_000);

  it('a marker in the future (the clock went back) does not stall the purge', async () => {
    const t = await setup();
    await t.deps.db.insert(meta).values({ key: PURGE_MARKER, value: String(t.clock.now() + 365 * DAY) });
    expect(await purgeIfDue(t.deps)).toBe(0);
    expect(await purgeIfDue(t.deps)).toBeNull(); // and then once an hour again
  });
});
