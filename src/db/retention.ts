import { and, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../deps';
import type { CommentRow } from './comments';
import { comments } from './schema';

/**
 * The retention purge's queries (services/retention.ts): comments created before `before` that
 * still hold an IP (encrypted, and its keyed hash) or a user agent.
 */

/** What a comment keeps of its client once the purge has passed. */
export const CLIENT_DATA_CLEARED = { ipEnc: null, ipHash: null, userAgent: null } as const;

const withIp = or(isNotNull(comments.ipEnc), isNotNull(comments.ipHash));
const due = (before: number) => and(lt(comments.createdAt, before), or(withIp, isNotNull(comments.userAgent)));
/** A trained comment whose lesson holds its user agent's token. */
const taughtAgent = and(isNotNull(comments.trained), isNotNull(comments.userAgent));
const untaughtAgent = or(isNull(comments.trained), isNull(comments.userAgent));

/** Clears IP and user agent of every due comment whose lesson holds neither; returns their ids. */
export async function clearUntaughtClientData(db: Db, before: number): Promise<string[]> {
  const rows = await db
    .update(comments)
    .set(CLIENT_DATA_CLEARED)
    .where(and(due(before), untaughtAgent))
    .returning({ id: comments.id });
  return rows.map((row) => row.id);
}

/** Clears the IP of the due comments whose lesson holds their user agent (no lesson holds an IP); returns their ids. */
export async function clearTaughtIps(db: Db, before: number): Promise<string[]> {
  const rows = await db
    .update(comments)
    .set({ ipEnc: null, ipHash: null })
    .where(and(due(before), taughtAgent, withIp))
    .returning({ id: comments.id });
  return rows.map((row) => row.id);
}

/** Up to `limit` due comments whose lesson holds their user agent. */
export function taughtAgents(db: Db, before: number, limit: number): Promise<CommentRow[]> {
  return db
    .select()
    .from(comments)
    .where(and(due(before), taughtAgent))
    .limit(limit)
    .all();
}
