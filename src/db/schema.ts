import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { LABELS, VERDICTS } from '../spam/types';

/** Timestamps are Unix milliseconds. Emails and IPs are kept encrypted, with a keyed hash beside them. */

export const COMMENT_STATUSES = ['pending', 'approved', 'spam', 'trash'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

export const comments = sqliteTable(
  'comments',
  {
    id: text('id').primaryKey(),
    articleId: text('article_id').notNull(),
    parentId: text('parent_id'),
    /** The top-level ancestor (itself for a top-level comment): one indexed read loads a whole sub-thread. */
    rootId: text('root_id').notNull(),
    depth: integer('depth').notNull(),
    status: text('status', { enum: COMMENT_STATUSES }).notNull(),
    author: text('author').notNull(),
    emailEnc: text('email_enc').notNull(),
    emailHash: text('email_hash').notNull(),
    website: text('website'),
    ipEnc: text('ip_enc'),
    ipHash: text('ip_hash'),
    userAgent: text('user_agent'),
    content: text('content').notNull(),
    /** Hash of the content folded for comparison: duplicates and cross-posting. */
    contentHash: text('content_hash').notNull(),
    html: text('html').notNull(),
    verdict: text('verdict', { enum: VERDICTS }).notNull(),
    score: real('score').notNull().default(0),
    reasons: text('reasons', { mode: 'json' })
      .$type<{ rule: string; score: number; detail: string }[]>()
      .notNull()
      .default(sql`'[]'`),
    staff: integer('staff', { mode: 'boolean' }).notNull().default(false),
    /** The class the learner was trained with from this comment, so a reversed decision can be undone. */
    trained: text('trained', { enum: LABELS }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    editedAt: integer('edited_at'),
    /** Where an imported comment came from ('wordpress', 'disqus', 'tamis') and its id there: a re-run skips it. */
    source: text('source'),
    sourceId: text('source_id'),
  },
  (t) => [
    index('comments_thread_idx').on(t.articleId, t.status, t.depth, t.createdAt, t.id),
    index('comments_root_idx').on(t.rootId, t.status, t.createdAt),
    index('comments_status_idx').on(t.status, t.createdAt),
    index('comments_email_idx').on(t.emailHash, t.createdAt),
    index('comments_ip_idx').on(t.ipHash, t.createdAt),
    index('comments_content_idx').on(t.contentHash, t.createdAt),
    // The retention purge: comments still holding an IP or a user agent, by age.
    index('comments_retention_idx')
      .on(t.createdAt)
      .where(sql`${t.ipEnc} IS NOT NULL OR ${t.ipHash} IS NOT NULL OR ${t.userAgent} IS NOT NULL`),
    /** The moderation queue without a status filter, and the statistics per day. */
    index('comments_created_idx').on(t.createdAt, t.id),
    /** One comment per imported source id: an import run twice inserts nothing the second time. */
    uniqueIndex('comments_source_idx').on(t.source, t.sourceId).where(sql`${t.source} IS NOT NULL`),
  ],
);

export const articles = sqliteTable('articles', {
  id: text('id').primaryKey(),
  closed: integer('closed', { mode: 'boolean' }).notNull().default(false),
  language: text('language'),
  moderation: text('moderation', { enum: ['auto', 'all', 'none'] }),
  /** Bumped whenever the public thread changes: the thread ETag is derived from it. */
  version: integer('version').notNull().default(0),
  firstCommentAt: integer('first_comment_at'),
  createdAt: integer('created_at').notNull(),
  /** The article's title and absolute http(s) URL, as an admin or an importer set them. */
  title: text('title'),
  url: text('url'),
});

/** Site settings changed at run time (one JSON document per key). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Form tokens a stored comment was sent with: a token serves one comment. A row stays until the
 * token has expired anyway (`formTokenMaxAgeSeconds` after it was issued), then goes.
 * `id`: the first 16 bytes of the token's signature, base64url.
 */
export const usedFormTokens = sqliteTable(
  'used_form_tokens',
  {
    id: text('id').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('used_form_tokens_expiry_idx').on(t.expiresAt)],
);

/**
 * Server-held values: the retention purge's marker (services/retention.ts) and, from earlier
 * releases, a generated secret, which start-up moves out of the database (bootstrap.ts).
 */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const adminTokens = sqliteTable(
  'admin_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('admin_tokens_hash_idx').on(t.tokenHash),
    // One live token per name: the audit log records actions by name.
    uniqueIndex('admin_tokens_live_name_idx').on(t.name).where(sql`${t.revokedAt} IS NULL`),
  ],
);

export const listEntries = sqliteTable(
  'list_entries',
  {
    id: text('id').primaryKey(),
    list: text('list', { enum: ['disallowed', 'moderation'] }).notNull(),
    kind: text('kind', { enum: ['word', 'ip', 'cidr', 'email', 'domain'] }).notNull(),
    value: text('value').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('list_entries_unique_idx').on(t.list, t.kind, t.value)],
);

/**
 * The learner's counts, one row per token: trained documents of each class that held it. Two rows
 * hold the totals: '#total' (documents per class) and '#tokens' (their tokens per class).
 */
export const learnerCounts = sqliteTable(
  'learner_tokens',
  {
    token: text('token').primaryKey(),
    spam: integer('spam').notNull().default(0),
    ham: integer('ham').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('learner_tokens_prune_idx').on(t.updatedAt)],
);

/** Local memory: moderators' decisions per keyed hash of an IP, an email or a website host. */
export const spamMemory = sqliteTable(
  'spam_memory',
  {
    kind: text('kind', { enum: ['ip', 'email', 'host'] }).notNull(),
    hash: text('hash').notNull(),
    spam: integer('spam').notNull().default(0),
    ham: integer('ham').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.hash] })],
);

/**
 * Every admin action: who (the token's name, kept even after the token is revoked), what, when,
 * and the state before and after. Snapshots never hold an email, an IP or a user agent; a
 * comment's author and website are in them, so `subject_hash` (the keyed hash of the author's
 * email) lets an erasure find and scrub them.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    subjectHash: text('subject_hash'),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown>>(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_target_idx').on(t.targetId, t.id), index('audit_log_subject_idx').on(t.subjectHash)],
);

/**
 * Never holds a row: inserting into it always fails, which rolls back the batch it is part of.
 * A write that depends on what was read ends its statements with a guard into this table
 * (`failUnless` in db/batch.ts), so that a lost race writes nothing and is answered 409.
 */
export const writeConflicts = sqliteTable('write_conflicts', { what: text('what').notNull() }, () => [
  check('write_conflict', sql`0`),
]);

export const OUTBOX_STATES = ['pending', 'sent', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * Notifications to deliver (services/outbox.ts): a webhook event or an email, written in the same
 * batch as the change that causes it, then sent at least once by a dispatcher that claims rows with a
 * lease (`leaseUntil`, `leaseId`) so that two dispatchers never send one row at the same time.
 * `id` is the event id (Tamis-Event-Id). Emails name no address: a reader's is read from their
 * subscription when the email goes, moderators' from MODERATOR_EMAILS. `subjectHash`: the keyed
 * hash of the reader an email is for (an erasure deletes their rows); `topic` and `ref`: what the
 * email is about (article, comment), so that a reader gets one email per thread per hour at most.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    /** `comment.created`…, or `email.moderator`, `email.digest`, `email.confirm`, `email.reply`. */
    type: text('type').notNull(),
    /** A webhook's URL (with its format), or `email`. */
    destination: text('destination').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: OUTBOX_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAt: integer('next_at').notNull(),
    leaseUntil: integer('lease_until'),
    leaseId: text('lease_id'),
    lastError: text('last_error'),
    subscriptionId: text('subscription_id'),
    subjectHash: text('subject_hash'),
    topic: text('topic'),
    ref: text('ref'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('outbox_due_idx').on(t.state, t.nextAt),
    index('outbox_subject_idx').on(t.subjectHash, t.type, t.createdAt).where(sql`${t.subjectHash} IS NOT NULL`),
    index('outbox_sent_idx').on(t.sentAt).where(sql`${t.state} = 'sent'`),
  ],
);

/**
 * Readers who asked to hear of replies to one of their comments. Nothing is sent to an address until
 * it is confirmed (double opt-in: `confirmedAt`); an unsubscription deletes its rows.
 */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    commentId: text('comment_id').notNull(),
    articleId: text('article_id').notNull(),
    emailEnc: text('email_enc').notNull(),
    emailHash: text('email_hash').notNull(),
    /** The language of the emails (the site's when the comment was posted). */
    language: text('language').notNull(),
    confirmedAt: integer('confirmed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('subscriptions_comment_idx').on(t.commentId), index('subscriptions_email_idx').on(t.emailHash)],
);
