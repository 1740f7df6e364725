import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { expectChanges, type Statement } from './batch';
import { chunk } from './comments';
import { articles, comments, meta, outbox, subscriptions, type OutboxState } from './schema';

/** Queries of the outbox (services/outbox.ts) and of readers' subscriptions (services/notifications.ts). */

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;
export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** Statements that add rows to the outbox (5 rows a statement: D1 binds at most 100 parameters). */
export const enqueue = (db: Db, rows: NewOutboxRow[]): Statement[] =>
  chunk(rows, 5).map((slice) => db.insert(outbox).values(slice));

/** Pending, its time come, and not leased by a live dispatcher. */
const due = (now: number) =>
  and(eq(outbox.state, 'pending'), lte(outbox.nextAt, now), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now)));

/**
 * Claims up to `limit` rows that are due and not leased by a live dispatcher, in one statement (so
 * two dispatchers never get the same row): each gets the lease `leaseId` until `now + leaseMs` and
 * one more attempt. A dispatcher that dies holding a lease leaves its rows to the next claim after
 * the lease ends.
 */
export function claimDue(db: Db, now: number, leaseId: string, leaseMs: number, limit: number) {
  const candidates = db.select({ id: outbox.id }).from(outbox).where(due(now)).orderBy(asc(outbox.nextAt)).limit(limit);
  return db
    .update(outbox)
    .set({ leaseUntil: now + leaseMs, leaseId, attempts: sql`${outbox.attempts} + 1` })
    .where(and(inArray(outbox.id, candidates), due(now)))
    .returning()
    .all();
}

/** The end of an attempt, written only while the lease is still this dispatcher's. */
export function settle(
  db: Db,
  id: string,
  leaseId: string,
  outcome: { state: OutboxState; nextAt?: number; error?: string | null; sentAt?: number | null },
) {
  return db
    .update(outbox)
    .set({
      state: outcome.state,
      ...(outcome.nextAt !== undefined ? { nextAt: outcome.nextAt } : {}),
      lastError: outcome.error ?? null,
      sentAt: outcome.sentAt ?? null,
      leaseUntil: null,
      leaseId: null,
    })
    .where(and(eq(outbox.id, id), eq(outbox.leaseId, leaseId)))
    .run();
}

/** Rows in one state, newest first, keyset-paginated on (createdAt, id). */
export function listOutbox(db: Db, state: OutboxState, limit: number, after: { createdAt: number; id: string } | null) {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.state, state),
        after ? sql`(${outbox.createdAt}, ${outbox.id}) < (${after.createdAt}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit)
    .all();
}

export const getOutboxRow = (db: Db, id: string) => db.select().from(outbox).where(eq(outbox.id, id)).get();

/** A dead (or pending) row goes again now, with a fresh schedule; a row being sent or sent is left alone. */
export function retryRow(db: Db, id: string, now: number) {
  return db
    .update(outbox)
    .set({ state: 'pending', attempts: 0, nextAt: now, leaseUntil: null, leaseId: null })
    .where(
      and(
        eq(outbox.id, id),
        or(
          eq(outbox.state, 'dead'),
          and(eq(outbox.state, 'pending'), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now))),
        ),
      ),
    )
    .returning()
    .all();
}

/** Sent rows older than `before` go. Returns how many. */
export async function purgeSent(db: Db, before: number): Promise<number> {
  const gone = await db
    .delete(outbox)
    .where(and(eq(outbox.state, 'sent'), lt(outbox.sentAt, before)))
    .returning({ id: outbox.id })
    .all();
  return gone.length;
}

/** How many rows wait, and how many are dead (the health of deliveries). */
export async function outboxCounts(db: Db) {
  const rows = await db
    .select({ state: outbox.state, n: sql<number>`count(*)` })
    .from(outbox)
    .where(inArray(outbox.state, ['pending', 'dead']))
    .groupBy(outbox.state)
    .all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Partial<Record<OutboxState, number>>;
}

// Subscriptions ------------------------------------------------------------------------------------

export const getSubscription = (db: Db, id: string) =>
  db.select().from(subscriptions).where(eq(subscriptions.id, id)).get();

/** Confirms every subscription of the address (its keyed hash): the reader proved it is theirs. */
export function confirmSubscriptions(db: Db, emailHash: string, now: number) {
  return db
    .update(subscriptions)
    .set({ confirmedAt: now })
    .where(and(eq(subscriptions.emailHash, emailHash), isNull(subscriptions.confirmedAt)))
    .run();
}

/** Statements that forget an address: its subscriptions and every email for it still in the outbox. */
export const forgetSubscriber = (db: Db, emailHash: string): Statement[] => [
  db.delete(subscriptions).where(eq(subscriptions.emailHash, emailHash)),
  db.delete(outbox).where(eq(outbox.subjectHash, emailHash)),
];

/** Whether any row is due: a read, so that an idle dispatcher takes no write lock. */
export async function anyDue(db: Db, now: number) {
  const row = await db.select({ id: outbox.id }).from(outbox).where(due(now)).limit(1).get();
  return row !== undefined;
}

/** The email columns of an outbox row written by INSERT … SELECT (all of them, in the table's order). */
interface EmailSelect {
  type: string;
  payload: Record<string, unknown>;
  subscriptionId: unknown;
  subjectHash: unknown;
  topic: string;
  ref: string;
}

function emailRowSelect(values: EmailSelect, now: number) {
  return sql`SELECT lower(hex(randomblob(16))), ${values.type}, 'email', ${JSON.stringify(values.payload)}, 'pending', 0, ${now}, NULL, NULL, NULL, ${values.subscriptionId}, ${values.subjectHash}, ${values.topic}, ${values.ref}, ${now}, NULL`;
}

/**
 * A new subscription, confirmed at once when the address (its keyed hash) confirmed one already;
 * otherwise it waits, with a confirmation email unless one went to the address within `confirmGapMs`.
 * Neither depends on what the caller read: the batch decides.
 */
export function subscribe(
  db: Db,
  sub: Omit<SubscriptionRow, 'confirmedAt'>,
  confirmation: Omit<EmailSelect, 'subscriptionId' | 'subjectHash' | 'type'>,
  confirmGapMs: number,
): Statement[] {
  const now = sub.createdAt;
  const confirmed = sql`EXISTS (SELECT 1 FROM ${subscriptions} WHERE ${subscriptions.emailHash} = ${sub.emailHash} AND ${subscriptions.confirmedAt} IS NOT NULL)`;
  return [
    db
      .insert(outbox)
      .select(
        sql`${emailRowSelect({ ...confirmation, type: 'email.confirm', subscriptionId: sub.id, subjectHash: sub.emailHash }, now)} WHERE NOT ${confirmed} AND NOT EXISTS (SELECT 1 FROM ${outbox} WHERE ${outbox.subjectHash} = ${sub.emailHash} AND ${outbox.type} = 'email.confirm' AND ${outbox.createdAt} > ${now - confirmGapMs})`,
      ),
    db
      .insert(subscriptions)
      .select(
        sql`SELECT ${sub.id}, ${sub.commentId}, ${sub.articleId}, ${sub.emailEnc}, ${sub.emailHash}, ${sub.language}, CASE WHEN ${confirmed} THEN ${now} ELSE NULL END, ${now}`,
      ),
  ];
}

/**
 * An email to each confirmed subscriber of `parentId`, except the address `exceptHash` (the reply's
 * author) and a reader who had one about this topic within `gapMs` (or about this `ref` already).
 */
export function notifySubscribers(
  db: Db,
  parentId: string,
  exceptHash: string,
  email: Omit<EmailSelect, 'subscriptionId' | 'subjectHash'>,
  now: number,
  gapMs: number,
): Statement {
  const s = subscriptions;
  return db
    .insert(outbox)
    .select(
      sql`${emailRowSelect({ ...email, subscriptionId: sql`${s.id}`, subjectHash: sql`${s.emailHash}` }, now)} FROM ${s} WHERE ${s.commentId} = ${parentId} AND ${s.confirmedAt} IS NOT NULL AND ${s.emailHash} <> ${exceptHash} AND NOT EXISTS (SELECT 1 FROM ${outbox} o WHERE o.subject_hash = ${s.emailHash} AND o.type = ${email.type} AND ((o.topic = ${email.topic} AND o.created_at > ${now - gapMs}) OR o.ref = ${email.ref}))`,
    );
}

/** An unsubscription: every subscription of the address, and the emails for it still waiting. */
export const unsubscribeStatements = (db: Db, emailHash: string): Statement[] => [
  db.delete(subscriptions).where(eq(subscriptions.emailHash, emailHash)),
  db
    .delete(outbox)
    .where(
      and(
        eq(outbox.subjectHash, emailHash),
        eq(outbox.state, 'pending'),
        inArray(outbox.type, ['email.reply', 'email.confirm']),
      ),
    ),
];

/** Titles and URLs of articles (emails and chat messages name them). */
export async function articleTitles(db: Db, ids: string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map<string, { title: string | null; url: string | null }>();
  const parts = await Promise.all(
    chunk(unique, 90).map((slice) =>
      db
        .select({ id: articles.id, title: articles.title, url: articles.url })
        .from(articles)
        .where(inArray(articles.id, slice))
        .all(),
    ),
  );
  return new Map(parts.flat().map((r) => [r.id, { title: r.title, url: r.url }]));
}

/** Comments created in (since, until] still held for a moderator, oldest first (the hourly digest). */
export function heldBetween(db: Db, since: number, until: number, limit: number) {
  return db
    .select()
    .from(comments)
    .where(and(eq(comments.status, 'pending'), gt(comments.createdAt, since), lte(comments.createdAt, until)))
    .orderBy(asc(comments.createdAt))
    .limit(limit)
    .all();
}

/** Sets a `meta` marker only if it still holds `expected` (null: no row yet); a guard fails the batch otherwise. */
export function moveMarker(db: Db, key: string, expected: string | null, value: string): Statement[] {
  return [
    expected === null
      ? db.insert(meta).values({ key, value }).onConflictDoNothing()
      : db
          .update(meta)
          .set({ value })
          .where(and(eq(meta.key, key), eq(meta.value, expected))),
    expectChanges(db, 1),
  ];
}

/**
 * Statements that take back the webhook events about these comments still in the outbox, sent or
 * not (an erasure: they hold what is erased; the `comment.erased` events written after replace them).
 */
export const forgetEvents = (db: Db, commentIds: string[]): Statement[] =>
  chunk([...new Set(commentIds)], 90).map((slice) =>
    db.delete(outbox).where(and(inArray(outbox.ref, slice), sql`${outbox.type} LIKE 'comment.%'`)),
  );
