import { and, desc, eq, getTableColumns, lt, sql, type SQL } from 'drizzle-orm';
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

/**
 * Audit rows written only if `condition` holds when the batch reaches them: for a change whose
 * statement may do nothing (a revocation refused by its own WHERE, a row another process wrote
 * first), so that the log never records what did not happen.
 */
export function insertAuditIf(db: Db, rows: NewAudit[], condition: SQL): Statement[] {
  const columns = Object.keys(getTableColumns(auditLog)) as (keyof NewAudit)[];
  return rows.map((row) => {
    const values = columns.map((key) => {
      const value = row[key];
      if (value === undefined || value === null) return sql`NULL`;
      return typeof value === 'object' ? sql`${JSON.stringify(value)}` : sql`${value}`;
    });
    return db.insert(auditLog).select(sql`SELECT ${sql.join(values, sql`, `)} WHERE ${condition}`);
  });
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
