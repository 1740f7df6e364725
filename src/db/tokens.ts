import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { randomId, sha256Hex } from '../crypto';
import { runBatch, type Statement } from './batch';
import { adminTokens } from './schema';

/** Admin tokens are high-entropy random strings: a plain SHA-256 is enough to store them. */
export const hashAdminToken = (token: string) => sha256Hex(`tamis-admin:${token}`);

/**
 * A new token. `also`: statements written in the same batch (the audit entry of a token made
 * through the API). Throws a unique violation when a live token has the name already.
 */
export async function createAdminToken(db: Db, name: string, token: string, now: number, also: (id: string) => Statement[] = () => []) {
  const row = { id: randomId(), name, tokenHash: await hashAdminToken(token), createdAt: now };
  await runBatch(db, [db.insert(adminTokens).values(row), ...also(row.id)]);
  return row;
}

/**
 * The token given at start-up (ADMIN_TOKEN), under `name`. Known already (live, or revoked by a
 * moderator): left as it is. New: it replaces the live token of that name, so that changing the
 * variable retires the old value. Several processes starting at once with the same value agree:
 * the hash is unique and the replacement never touches a token with this hash.
 */
export async function installStartupToken(db: Db, name: string, token: string, now: number) {
  const tokenHash = await hashAdminToken(token);
  const known = await db.select({ id: adminTokens.id }).from(adminTokens).where(eq(adminTokens.tokenHash, tokenHash)).get();
  if (known) return;
  await runBatch(db, [
    db
      .update(adminTokens)
      .set({ revokedAt: now })
      .where(and(eq(adminTokens.name, name), isNull(adminTokens.revokedAt), ne(adminTokens.tokenHash, tokenHash))),
    db.insert(adminTokens).values({ id: randomId(), name, tokenHash, createdAt: now }).onConflictDoNothing(),
  ]);
}

/**
 * The first token, generated when there is no live token: false when another process made one
 * meanwhile (the unique live name refuses the second), so that only the stored one is printed.
 */
export async function createFirstToken(db: Db, name: string, token: string, now: number): Promise<boolean> {
  const row = { id: randomId(), name, tokenHash: await hashAdminToken(token), createdAt: now };
  const inserted = await db.insert(adminTokens).values(row).onConflictDoNothing().returning({ id: adminTokens.id });
  return inserted.length > 0;
}

/** The live token with this hash, or undefined. The look-up is on a hash, so it leaks nothing through timing. */
export function findLiveToken(db: Db, tokenHash: string) {
  return db
    .select({ id: adminTokens.id, name: adminTokens.name, lastUsedAt: adminTokens.lastUsedAt })
    .from(adminTokens)
    .where(and(eq(adminTokens.tokenHash, tokenHash), isNull(adminTokens.revokedAt)))
    .get();
}

export async function hasLiveTokens(db: Db) {
  const row = await db.select({ id: adminTokens.id }).from(adminTokens).where(isNull(adminTokens.revokedAt)).limit(1).get();
  return row !== undefined;
}

export function markTokenUsed(db: Db, id: string, now: number) {
  return db.update(adminTokens).set({ lastUsedAt: now }).where(eq(adminTokens.id, id));
}

export function listTokens(db: Db) {
  return db
    .select({ id: adminTokens.id, name: adminTokens.name, createdAt: adminTokens.createdAt, lastUsedAt: adminTokens.lastUsedAt, revokedAt: adminTokens.revokedAt })
    .from(adminTokens)
    .orderBy(desc(adminTokens.createdAt), asc(adminTokens.id))
    .all();
}

export function getToken(db: Db, id: string) {
  return db.select().from(adminTokens).where(eq(adminTokens.id, id)).get();
}

/**
 * Revokes a live token unless it is the last one (which would lock every moderator out until a
 * restart): the condition is in the statement itself, so two revocations at once cannot both pass.
 * Returns whether the token is now revoked by this call.
 */
export async function revokeToken(db: Db, id: string, now: number): Promise<boolean> {
  const revoked = await db
    .update(adminTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(adminTokens.id, id),
        isNull(adminTokens.revokedAt),
        sql`(SELECT count(*) FROM ${adminTokens} WHERE ${adminTokens.revokedAt} IS NULL) > 1`,
      ),
    )
    .returning({ id: adminTokens.id });
  return revoked.length > 0;
}
