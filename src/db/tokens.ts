import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../deps';
import { randomId, sha256Hex } from '../crypto';
import { adminTokens } from './schema';

/** Admin tokens are high-entropy random strings: a plain SHA-256 is enough to store them. */
export const hashAdminToken = (token: string) => sha256Hex(`tamis-admin:${token}`);

export async function createAdminToken(db: Db, name: string, token: string, now: number) {
  const row = { id: randomId(), name, tokenHash: await hashAdminToken(token), createdAt: now };
  await db.insert(adminTokens).values(row).onConflictDoNothing();
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
