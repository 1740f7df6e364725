import { sql } from 'drizzle-orm';
import { DAY, type Db } from '../deps';
import type { CheckContext, LearnerInput } from '../spam/types';
import { learnerCountsOf, learnerInput } from './learner';
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

/**
 * Local memory, cross-posting, the learner's counts of the document's `tokens` and, for a new
 * submission, the duplicate check, flood control and its form token's use, as scalar subqueries of one statement: every
 * one of them an indexed lookup (one round trip on D1).
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
  const { keys, articleId, contentHash } = q;
  const spamFor = (kind: 'email' | 'ip' | 'host', hash: string | null) =>
    hash === null
      ? sql`0`
      : sql`(SELECT coalesce(max(spam), 0) FROM spam_memory WHERE kind = ${kind} AND hash = ${hash})`;
  const w = q.submission;
  const ip = keys.ip;
  const submission = w
    ? sql`,
      EXISTS (SELECT 1 FROM comments WHERE email_hash = ${keys.email} AND article_id = ${articleId} AND content_hash = ${contentHash} AND ip_hash IS ${ip}) AS duplicate,
      EXISTS (SELECT 1 FROM comments WHERE content_hash = ${contentHash} AND article_id = ${articleId}) AS copy,
      ${ip === null ? sql`NULL` : sql`(SELECT max(created_at) FROM comments WHERE ip_hash = ${ip} AND created_at >= ${w.floodSince})`} AS lastByIp,
      ${ip === null ? sql`NULL` : sql`(SELECT created_at FROM comments WHERE ip_hash = ${ip} AND created_at >= ${w.hourSince} ORDER BY created_at DESC LIMIT 1 OFFSET ${w.maxPerHour - 1})`} AS limitByIp,
      ${w.formTokenId === null ? sql`0` : sql`EXISTS (SELECT 1 FROM used_form_tokens WHERE id = ${w.formTokenId})`} AS formTokenUsed`
    : sql``;
  // The counts come back as one JSON value (learnerCountsOf).
  const [row] = await db.all<Record<string, number | string | null>>(sql`
    SELECT ${spamFor('ip', keys.ip)} AS ip, ${spamFor('email', keys.email)} AS email, ${spamFor('host', keys.host)} AS host, ${learnerCountsOf(q.tokens)} AS learner,
      (SELECT count(*) FROM (SELECT 1 FROM comments WHERE email_hash = ${keys.email} AND status = 'approved' AND id <> ${q.excludeId ?? ''} LIMIT ${TRUST_COUNT_CAP})) AS approved,
      (SELECT count(DISTINCT article_id) FROM comments WHERE content_hash = ${contentHash} AND created_at >= ${q.now - DAY} AND article_id <> ${articleId}) AS crossPosts
      ${submission}`);
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
