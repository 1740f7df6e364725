import { and, count, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { COMMENT_STATUSES, comments, type CommentStatus } from './schema';

/** Comments per status, all time, of the site or of one article; every status is present. */
export async function countByStatus(db: Db, articleId?: string): Promise<Record<CommentStatus, number>> {
  const rows = await db
    .select({ status: comments.status, n: count() })
    .from(comments)
    .where(articleId === undefined ? undefined : eq(comments.articleId, articleId))
    .groupBy(comments.status)
    .all();
  return Object.fromEntries(COMMENT_STATUSES.map((s) => [s, rows.find((r) => r.status === s)?.n ?? 0])) as Record<
    CommentStatus,
    number
  >;
}

/** Comments created per UTC day and status since `since`. */
export function countByDay(db: Db, since: number) {
  const day = sql<string>`date(${comments.createdAt} / 1000, 'unixepoch')`;
  return db
    .select({ day, status: comments.status, n: count() })
    .from(comments)
    .where(gte(comments.createdAt, since))
    .groupBy(day, comments.status)
    .all();
}

/**
 * For each rule, how many comments the checks judged spam (or held) since `since` with that rule
 * adding to the score: read from the reasons stored with each comment.
 */
export function countByRule(db: Db, since: number) {
  // json_each is not a drizzle table, and it has an `id` column of its own: names are qualified here.
  const rule = sql<string>`json_extract(reason.value, '$.rule')`;
  const verdict = sql<'spam' | 'hold'>`comments.verdict`;
  return db
    .select({ rule, verdict, n: sql<number>`count(distinct comments.id)` })
    .from(sql`${comments}, json_each(${comments.reasons}) AS reason`)
    .where(
      and(
        gte(comments.createdAt, since),
        inArray(comments.verdict, ['spam', 'hold']),
        sql`json_extract(reason.value, '$.score') > 0`,
      ),
    )
    .groupBy(rule, verdict)
    .all();
}

/** For each rule, the comments it scored (all time) and how many of those are spam now. */
export async function countRuleHits(db: Db) {
  const rows = await db.all<{ rule: string; hits: number; spam: number }>(sql`
    SELECT json_extract(r.value, '$.rule') AS rule, count(DISTINCT ${comments.id}) AS hits, count(DISTINCT CASE WHEN ${comments.status} = 'spam' THEN ${comments.id} END) AS spam
    FROM ${comments}, json_each(${comments.reasons}) AS r
    GROUP BY rule ORDER BY hits DESC`);
  return rows.map((r) => ({ rule: r.rule, hits: Number(r.hits), spam: Number(r.spam) }));
}

/** Comments per verdict of the checks, all time. */
export function countByVerdict(db: Db) {
  return db
    .select({ verdict: comments.verdict, n: sql<number>`count(*)` })
    .from(comments)
    .groupBy(comments.verdict)
    .all();
}
