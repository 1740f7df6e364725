import { and, desc, eq, getTableColumns, is, lt, or, SQL, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Statement } from './batch';
import { chunk } from './comments';
import { contains } from './moderation';
import { auditLog } from './schema';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAudit = typeof auditLog.$inferInsert;
/** Columns bound per audit row: D1 takes at most 100 parameters, so multi-row inserts go in slices. */
const AUDIT_ROWS_PER_INSERT = 9;

export function insertAudit(db: Db, rows: NewAudit[]): Statement[] {
  return chunk(rows, AUDIT_ROWS_PER_INSERT).map((slice) => db.insert(auditLog).values(slice));
}

/** An audit row whose columns may also be SQL, evaluated by the INSERT … SELECT that writes it. */
export type AuditSelect = { [K in keyof NewAudit]?: NewAudit[K] | SQL };

/**
 * INSERT … SELECT of one audit row per row of `rest` (a FROM and/or WHERE clause): for entries
 * that must be written exactly when a change in the same batch happens, decided by the database
 * when the batch reaches them, not by what a request read before.
 */
export function insertAuditSelect(db: Db, row: AuditSelect, rest: SQL): Statement {
  const columns = Object.keys(getTableColumns(auditLog)) as (keyof NewAudit)[];
  const values = columns.map((key) => {
    const value = row[key];
    if (value === undefined || value === null) return sql`NULL`;
    if (is(value, SQL)) return value;
    return typeof value === 'object' ? sql`${JSON.stringify(value)}` : sql`${value}`;
  });
  return db.insert(auditLog).select(sql`SELECT ${sql.join(values, sql`, `)} ${rest}`);
}

/**
 * Audit rows written only if `condition` holds when the batch reaches them: for a change whose
 * statement may do nothing (a revocation refused by its own WHERE, a row another process wrote
 * first), so that the log never records what did not happen.
 */
export function insertAuditIf(db: Db, rows: NewAudit[], condition: SQL): Statement[] {
  return rows.map((row) => insertAuditSelect(db, row, sql`WHERE ${condition}`));
}

/** Newest first, keyset-paginated on the id (which grows with every entry). */
export function listAudit(
  db: Db,
  opts: { limit: number; before: number | null; targetId?: string | undefined; action?: string | undefined },
) {
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

/** Entries about a person (their keyed hash), or whose snapshots hold `text` (an address): what an erasure scrubs. */
export function auditEntriesAbout(db: Db, subjectHash: string, text: string) {
  return db
    .select()
    .from(auditLog)
    .where(or(eq(auditLog.subjectHash, subjectHash), contains(auditLog.before, text), contains(auditLog.after, text)))
    .all();
}

/** The statement replacing an entry's snapshots (scrubbed) and clearing its subject. */
export function rewriteAuditEntry(db: Db, id: number, snapshots: Pick<AuditRow, 'before' | 'after'>): Statement {
  return db
    .update(auditLog)
    .set({ ...snapshots, subjectHash: null })
    .where(eq(auditLog.id, id));
}
