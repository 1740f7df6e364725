import { and, count, eq, isNotNull, ne } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Statement } from './batch';
import { getMeta } from './meta';
import { auditLog, comments, meta, spamMemory } from './schema';

/**
 * What the secret protects, as its custody (entry/node-secret.ts) and its rotation
 * (entry/rotate-secret.ts) read and rewrite it: the addresses and IPs sealed with it, the keyed
 * hashes computed with it, and the copy of a generated secret that earlier releases kept in `meta`.
 */

/**
 * Where earlier releases kept the generated secret (the meta table), beside the data it decrypts.
 * The Node entry moves it to a key file (entry/node-secret.ts); bootstrap then deletes it.
 */
export const SECRET_META_KEY = 'secret';

/** The generated secret an earlier release kept in the database, or null. */
export const storedSecret = (db: Db) => getMeta(db, SECRET_META_KEY);

/** The statement deleting that copy, if it still is `secret`. */
export function deleteStoredSecret(db: Db, secret: string) {
  return db.delete(meta).where(and(eq(meta.key, SECRET_META_KEY), eq(meta.value, secret)));
}

/** Does any comment hold an address sealed with a secret? (An erased one holds ''.) */
export async function holdsAddresses(db: Db): Promise<boolean> {
  return (
    (await db.select({ id: comments.id }).from(comments).where(ne(comments.emailEnc, '')).limit(1).get()) !== undefined
  );
}

/** Every comment's sealed values and keyed hashes, and its website (whose host local memory keys). */
export function sealedComments(db: Db) {
  return db
    .select({
      id: comments.id,
      emailEnc: comments.emailEnc,
      emailHash: comments.emailHash,
      ipEnc: comments.ipEnc,
      ipHash: comments.ipHash,
      website: comments.website,
    })
    .from(comments)
    .all();
}

export type SealedPatch = Partial<Pick<typeof comments.$inferInsert, 'emailEnc' | 'emailHash' | 'ipEnc' | 'ipHash'>>;

export function resealComment(db: Db, id: string, patch: SealedPatch): Statement {
  return db.update(comments).set(patch).where(eq(comments.id, id));
}

/** A few sealed values, to check after a rotation that they open with the new secret. */
export function sealedSample(db: Db, limit: number) {
  return db
    .select({ emailEnc: comments.emailEnc, ipEnc: comments.ipEnc })
    .from(comments)
    .where(isNotNull(comments.emailEnc))
    .limit(limit)
    .all();
}

/** Every key of local memory. */
export function memoryHashes(db: Db) {
  return db.select({ kind: spamMemory.kind, hash: spamMemory.hash }).from(spamMemory).all();
}

type MemoryKind = (typeof spamMemory.$inferSelect)['kind'];

/** The statement re-keying one entry of local memory (`next`), or deleting it (null: no value to re-key it from). */
export function rekeyMemory(db: Db, kind: MemoryKind, hash: string, next: string | null): Statement {
  const where = and(eq(spamMemory.kind, kind), eq(spamMemory.hash, hash));
  return next ? db.update(spamMemory).set({ hash: next }).where(where) : db.delete(spamMemory).where(where);
}

/** The audit log's subjects (keyed hashes of authors' addresses), with their number of entries. */
export function auditSubjects(db: Db) {
  return db
    .select({ hash: auditLog.subjectHash, rows: count() })
    .from(auditLog)
    .where(isNotNull(auditLog.subjectHash))
    .groupBy(auditLog.subjectHash)
    .all();
}

/** The statement re-keying a subject (null: cleared, when its comment is gone). */
export function rekeyAuditSubject(db: Db, hash: string, next: string | null): Statement {
  return db.update(auditLog).set({ subjectHash: next }).where(eq(auditLog.subjectHash, hash));
}
