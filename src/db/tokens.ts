import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { randomId, sha256Hex } from '../crypto';
import { runBatch, type Statement } from './batch';
import { adminTokens } from './schema';

/** Admin tokens are high-entropy random strings: a plain SHA-256 is enough to store them. */
export const hashAdminToken = (token: string) => sha256Hex(`tamis-admin:${token}`);

/** `also`: statements written in the same batch (the audit entry of a token made through the API). */
export async function createAdminToken(db: Db, name: string, token: string, now: number, also: (id: string) => Statement[] = () => []) {
  const row = { id: randomId(), name, tokenHash: await hashAdminToken(token), createdAt: now };
  await runBatch(db, [db.insert(adminTokens).values(row).onConflictDoNothing(), ...also(row.id)]);
  return row;
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

export async function liveTokenNamed(db: Db, name: string) {
  return db.select({ id: adminTokens.id }).from(adminTokens).where(and(eq(adminTokens.name, name), isNull(adminTokens.revokedAt))).get();
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
