import { and, asc, desc, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { iso, type Db } from '../deps';
import { randomId, sha256Hex } from '../crypto';
import { insertAuditIf, insertAuditSelect } from './audit';
import { runBatch, type Statement } from './batch';
import { adminTokens } from './schema';

/** Admin tokens are high-entropy random strings: a plain SHA-256 is enough to store them. */
export const hashAdminToken = (token: string) => sha256Hex(`tamis-admin:${token}`);

const newTokenRow = async (name: string, token: string, now: number) => ({
  id: randomId(),
  name,
  tokenHash: await hashAdminToken(token),
  createdAt: now,
});

/**
 * A new token. `also`: statements written in the same batch (the audit entry of a token made
 * through the API). Throws a unique violation when a live token has the name already.
 */
export async function createAdminToken(
  db: Db,
  name: string,
  token: string,
  now: number,
  also: (id: string) => Statement[],
) {
  const row = await newTokenRow(name, token, now);
  await runBatch(db, [db.insert(adminTokens).values(row), ...also(row.id)]);
  return row;
}

/** The audit log's actor for what the server does on its own when it starts. */
const STARTUP_ACTOR = 'start-up';

/**
 * The token given at start-up (ADMIN_TOKEN), under `name`; true when a moderator had revoked it.
 * Known already (live, or revoked): left as it is. New: it replaces the live tokens of that name, and those that the
 * upgrade to unique names renamed `name (their id)` (migration 0004), so that changing the
 * variable retires the old value. The audit log records the replacement under the actor
 * "start-up" (not the very first install on an empty database). Everything is decided inside the
 * batch, so processes starting at once agree: with the same value, one stores it and records it;
 * with different values, the last one replaces the others, each replacement recorded once.
 */
export async function installStartupToken(db: Db, name: string, token: string, now: number): Promise<boolean> {
  const tokenHash = await hashAdminToken(token);
  const known = await db
    .select({ revokedAt: adminTokens.revokedAt })
    .from(adminTokens)
    .where(eq(adminTokens.tokenHash, tokenHash))
    .get();
  if (known) return known.revokedAt !== null;
  const replaced = and(
    isNull(adminTokens.revokedAt),
    ne(adminTokens.tokenHash, tokenHash),
    or(eq(adminTokens.name, name), sql`${adminTokens.name} = ${name} || ' (' || ${adminTokens.id} || ')'`),
  );
  const id = randomId();
  const byStartup = { at: now, actorId: null, actorName: STARTUP_ACTOR, targetType: 'token' } as const;
  await runBatch(db, [
    // One entry per token the UPDATE below revokes, selected by the same condition just before it.
    insertAuditSelect(
      db,
      {
        ...byStartup,
        action: 'token.revoke',
        targetId: sql`${adminTokens.id}`,
        before: sql`json_object('name', ${adminTokens.name}, 'revokedAt', NULL)`,
        after: sql`json_object('name', ${adminTokens.name}, 'revokedAt', ${iso(now)})`,
      },
      sql`FROM ${adminTokens} WHERE ${replaced}`,
    ),
    db.update(adminTokens).set({ revokedAt: now }).where(replaced),
    db.insert(adminTokens).values({ id, name, tokenHash, createdAt: now }).onConflictDoNothing(),
    ...insertAuditIf(
      db,
      [{ ...byStartup, action: 'token.create', targetId: id, after: { id, name } }],
      sql`EXISTS (SELECT 1 FROM ${adminTokens} WHERE ${adminTokens.id} = ${id}) AND EXISTS (SELECT 1 FROM ${adminTokens} WHERE ${adminTokens.id} <> ${id})`,
    ),
  ]);
  return false;
}

/**
 * The first token, generated when there is no live token: false when another process made one
 * meanwhile (the unique live name refuses the second), so that only the stored one is printed.
 */
export async function createFirstToken(db: Db, name: string, token: string, now: number): Promise<boolean> {
  const inserted = await db
    .insert(adminTokens)
    .values(await newTokenRow(name, token, now))
    .onConflictDoNothing()
    .returning({ id: adminTokens.id });
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
  const row = await db
    .select({ id: adminTokens.id })
    .from(adminTokens)
    .where(isNull(adminTokens.revokedAt))
    .limit(1)
    .get();
  return row !== undefined;
}

export function markTokenUsed(db: Db, id: string, now: number) {
  return db.update(adminTokens).set({ lastUsedAt: now }).where(eq(adminTokens.id, id));
}

export function listTokens(db: Db) {
  return db
    .select({
      id: adminTokens.id,
      name: adminTokens.name,
      createdAt: adminTokens.createdAt,
      lastUsedAt: adminTokens.lastUsedAt,
      revokedAt: adminTokens.revokedAt,
    })
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
 * `also`: statements written in the same batch just before the UPDATE, given that same condition
 * (its audit entry, written exactly when the revocation happens). Returns whether the token is now
 * revoked by this call.
 */
export async function revokeToken(
  db: Db,
  id: string,
  now: number,
  also: (revocable: SQL) => Statement[],
): Promise<boolean> {
  const revocable = and(
    eq(adminTokens.id, id),
    isNull(adminTokens.revokedAt),
    sql`(SELECT count(*) FROM ${adminTokens} WHERE ${adminTokens.revokedAt} IS NULL) > 1`,
  )!;
  const first = also(sql`EXISTS (SELECT 1 FROM ${adminTokens} WHERE ${revocable})`);
  const update: Statement = db
    .update(adminTokens)
    .set({ revokedAt: now })
    .where(revocable)
    .returning({ id: adminTokens.id });
  const results = await runBatch(db, [...first, update]);
  return (results[first.length] as unknown[]).length > 0;
}
