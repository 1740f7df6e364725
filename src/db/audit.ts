import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Statement } from './batch';
import { chunk } from './comments';
import { auditLog } from './schema';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAudit = typeof auditLog.$inferInsert;
/** Columns bound per audit row: D1 takes at most 100 parameters, so multi-row inserts go in slices. */
const AUDIT_ROWS_PER_INSERT = 9;

export function insertAudit(db: Db, rows: NewAudit[]): Statement[] {
  return chunk(rows, AUDIT_ROWS_PER_INSERT).map((slice) => db.insert(auditLog).values(slice));
}

/** Newest first, keyset-paginated on the id (which grows with every entry). */
export function listAudit(db: Db, opts: { limit: number; before: number | null; targetId?: string | undefined; action?: string | undefined }) {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        opts.before !== null ? lt(auditLog.id, opts.before) : undefined,
        opts.targetId ? eq(auditLog.targetId, opts.targetId) : undefined,
        opts.action ? eq(auditLog.action, opts.action) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(opts.limit)
    .all();
}
