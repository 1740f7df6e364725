import { sql } from 'drizzle-orm';
import { DAY, type Db } from '../deps';
import type { CheckContext, LearnerInput } from '../spam/types';
import { preparedRead } from './batch';
import { learnerCountsOf, learnerInput, learnerTokenList } from './learner';
import type { MemoryKeys } from './spam-memory';

/** A new submission's side of the history: the duplicate check and flood control's windows. */
export interface SubmissionWindows {
  /** Flood control: comments from the same IP since then count. */
  floodSince: number;
  /** Comments from the same IP since then count against `maxPerHour`. */
  hourSince: number;
  maxPerHour: number;
  /** The id of the form token sent with it (formTokenId), to know in the same statement whether it served already. */
  formTokenId: string | null;
}

/** What the database knows of a submitter and a text, read in one statement. */
export interface History {
  memory: CheckContext['memory'];
  crossPosts: number;
  /** The learner's counts of the document's tokens, with its totals. */
  learner: LearnerInput;
  /** Set for a new submission (`SubmissionWindows`), null otherwise. */
  submission: {
    /**
     * The same text, from the same email and the same IP, is already on this article: the same
     * client sending it again. (By email alone it would tell anyone whether an address wrote it.)
     */
    duplicate: boolean;
    /** The same text is already on this article, whoever wrote it. */
    copy: boolean;
    /** Newest comment from this IP since `floodSince`. */
    lastByIp: number | null;
    /** The `maxPerHour`-th newest comment from this IP since `hourSince`: null while under the limit. */
    limitByIp: number | null;
    /** A stored comment was sent with the same form token (`formTokenId`). */
    formTokenUsed: boolean;
  } | null;
}

/** Beyond this many approved comments, trust grows no more (the bonus is capped well before). */
const TRUST_COUNT_CAP = 1000;

const value = (name: string) => sql.placeholder(name);
const spamFor = (kind: 'email' | 'ip' | 'host') =>
  sql<number>`(SELECT coalesce(max(spam), 0) FROM spam_memory WHERE kind = ${kind} AND hash = ${value(kind)})`;

/**
 * The statement, built once per database: every value is a placeholder. A missing IP, website host
 * or form token is bound as NULL, which no `=` matches: no spam memory (0), no flood window (NULL),
 * no form token (false), as if the subquery were not there. The duplicate check asks `ip_hash IS`,
 * so that a comment without an IP is the same client as another without one. Built per post, its
 * eleven subqueries were drizzle's largest query to build after the comment's insert (see `stencil`).
 */
const history = preparedRead<Record<string, string | number | null>, Record<string, unknown>>((db) =>
  db
    .select({
      ip: spamFor('ip'),
      email: spamFor('email'),
      host: spamFor('host'),
      learner: learnerCountsOf(value('tokens')),
      approved: sql`(SELECT count(*) FROM (SELECT 1 FROM comments WHERE email_hash = ${value('email')} AND status = 'approved' AND id <> ${value('excludeId')} LIMIT ${TRUST_COUNT_CAP}))`,
      crossPosts: sql`(SELECT count(DISTINCT article_id) FROM comments WHERE content_hash = ${value('contentHash')} AND created_at >= ${value('dayAgo')} AND article_id <> ${value('articleId')})`,
      duplicate: sql`EXISTS (SELECT 1 FROM comments WHERE email_hash = ${value('email')} AND article_id = ${value('articleId')} AND content_hash = ${value('contentHash')} AND ip_hash IS ${value('ip')})`,
      copy: sql`EXISTS (SELECT 1 FROM comments WHERE content_hash = ${value('contentHash')} AND article_id = ${value('articleId')})`,
      lastByIp: sql`(SELECT max(created_at) FROM comments WHERE ip_hash = ${value('ip')} AND created_at >= ${value('floodSince')})`,
      limitByIp: sql`(SELECT created_at FROM comments WHERE ip_hash = ${value('ip')} AND created_at >= ${value('hourSince')} ORDER BY created_at DESC LIMIT 1 OFFSET ${value('offset')})`,
      formTokenUsed: sql`EXISTS (SELECT 1 FROM used_form_tokens WHERE id = ${value('formTokenId')})`,
    })
    .from(sql`(SELECT 1)`),
);

/**
 * Local memory, cross-posting, the learner's counts of the document's `tokens` and, for a new
 * submission, the duplicate check, flood control and its form token's use, as scalar subqueries of one statement: every
 * one of them an indexed lookup (one round trip on D1). Without `submission` (an edit), the
 * submission's subqueries run with empty windows and are not read.
 */
export async function readHistory(
  db: Db,
  q: {
    keys: MemoryKeys;
    tokens: string[];
    articleId: string;
    contentHash: string;
    now: number;
    excludeId?: string;
    submission?: SubmissionWindows;
  },
): Promise<History> {
  const w = q.submission;
  const [row] = await history(db, {
    ip: q.keys.ip,
    email: q.keys.email,
    host: q.keys.host,
    tokens: learnerTokenList(q.tokens),
    excludeId: q.excludeId ?? '',
    contentHash: q.contentHash,
    articleId: q.articleId,
    dayAgo: q.now - DAY,
    floodSince: w?.floodSince ?? q.now,
    hourSince: w?.hourSince ?? q.now,
    offset: (w?.maxPerHour ?? 1) - 1,
    formTokenId: w?.formTokenId ?? null,
  });
  const n = (key: string) => Number(row?.[key] ?? 0);
  const time = (key: string) => (row?.[key] === null || row?.[key] === undefined ? null : Number(row[key]));
  return {
    memory: {
      spamByIp: n('ip'),
      spamByEmail: n('email'),
      spamByWebsiteHost: n('host'),
      approvedByEmail: n('approved'),
    },
    crossPosts: n('crossPosts'),
    learner: learnerInput(q.tokens, String(row?.learner ?? '[]')),
    submission: w
      ? {
          duplicate: n('duplicate') === 1,
          copy: n('copy') === 1,
          lastByIp: time('lastByIp'),
          limitByIp: time('limitByIp'),
          formTokenUsed: n('formTokenUsed') === 1,
        }
      : null,
  };
}
