import { iso, type Deps } from '../deps';
import { insertAudit, insertAuditIf, listAudit, type AuditRow, type NewAudit } from '../db/audit';
import type { Condition, Statement } from '../db/batch';
import type { CommentRow } from '../db/comments';

/** The moderator behind an admin request: the token's id and name (set by requireAdmin). */
export interface Actor {
  id: string;
  name: string;
}

export type AuditTarget = 'comment' | 'token' | 'article' | 'settings' | 'list' | 'privacy' | 'import';

export interface AuditInput {
  action: string;
  target: AuditTarget;
  targetId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Keyed hash of the email of the person the snapshots are about, so that an erasure finds them. */
  subjectHash?: string | null;
}

function auditRow(deps: Deps, actor: Actor, entry: AuditInput, now = deps.clock.now()): NewAudit {
  return {
    at: now,
    actorId: actor.id,
    actorName: actor.name,
    action: entry.action,
    targetType: entry.target,
    targetId: entry.targetId ?? null,
    subjectHash: entry.subjectHash || null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  };
}

/** Audit statements to put in the batch of the change they record. */
export function audit(deps: Deps, actor: Actor, entries: AuditInput[], now = deps.clock.now()): Statement[] {
  return insertAudit(
    deps.db,
    entries.map((e) => auditRow(deps, actor, e, now)),
  );
}

/** Audit statements written only if `condition` holds when the batch reaches them (see insertAuditIf). */
export function auditIf(
  deps: Deps,
  actor: Actor,
  entries: AuditInput[],
  condition: Condition,
  now = deps.clock.now(),
): Statement[] {
  return insertAuditIf(
    deps.db,
    entries.map((e) => auditRow(deps, actor, e, now)),
    condition,
  );
}

/**
 * What the audit log keeps of a comment: never its email, IP or user agent. The author's name and
 * website are kept (they are public anyway) and scrubbed by an erasure through `subjectHash`.
 */
export function commentSnapshot(row: CommentRow): Record<string, unknown> {
  return {
    id: row.id,
    articleId: row.articleId,
    parentId: row.parentId,
    status: row.status,
    author: row.author,
    website: row.website,
    content: row.content,
    staff: row.staff,
    verdict: row.verdict,
    trained: row.trained,
  };
}

const view = (r: AuditRow) => ({
  id: r.id,
  at: iso(r.at)!,
  actor: { id: r.actorId, name: r.actorName },
  action: r.action,
  target: { type: r.targetType, id: r.targetId },
  before: r.before ?? null,
  after: r.after ?? null,
});

/** A page of the audit log, newest first: before the entry `before` (the previous page's nextCursor), optionally about one target or of one action. */
export async function auditPage(
  deps: Deps,
  query: { limit: number; before?: number | undefined; targetId?: string | undefined; action?: string | undefined },
) {
  const rows = await listAudit(deps.db, {
    limit: query.limit + 1,
    before: query.before ?? null,
    targetId: query.targetId,
    action: query.action,
  });
  const page = rows.slice(0, query.limit);
  return { entries: page.map(view), nextCursor: rows.length > query.limit ? String(page.at(-1)!.id) : null };
}
