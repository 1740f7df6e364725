import { iso, type Deps } from '../deps';
import { randomToken } from '../crypto';
import { isUniqueViolation } from '../db/errors';
import {
  createAdminToken,
  findLiveToken,
  getToken,
  hashAdminToken,
  listTokens,
  markTokenUsed,
  revokeToken,
} from '../db/tokens';
import { DomainError } from '../errors';
import { audit, auditIf, type Actor } from './audit';

/**
 * Admin tokens. A token is shown once, when created; only its SHA-256 is stored. The token given
 * at start-up (ADMIN_TOKEN, or the one generated and printed) is listed like the others.
 */

/** The live token's holder, or null. Its last use is recorded to the minute. */
export async function authenticate(deps: Deps, secret: string): Promise<Actor | null> {
  const { db, clock } = deps;
  const token = await findLiveToken(db, await hashAdminToken(secret));
  if (!token) return null;
  const now = clock.now();
  if (!token.lastUsedAt || now - token.lastUsedAt > 60_000) await markTokenUsed(db, token.id, now);
  return { id: token.id, name: token.name };
}

/** Every token, newest first, never the token itself; `current` marks the one of this request. */
export async function tokenList(deps: Deps, current: Actor) {
  const rows = await listTokens(deps.db);
  return rows.map((r) => ({
    ...r,
    createdAt: iso(r.createdAt)!,
    lastUsedAt: iso(r.lastUsedAt),
    revokedAt: iso(r.revokedAt),
    current: r.id === current.id,
  }));
}

/** A new token, its secret returned this once. 409 `token_name_taken` when a live token has the name. */
export async function createToken(deps: Deps, actor: Actor, name: string) {
  const now = deps.clock.now();
  const secret = randomToken('tamis_');
  const row = await createAdminToken(deps.db, name, secret, now, (id) =>
    audit(deps, actor, [{ action: 'token.create', target: 'token', targetId: id, after: { id, name } }], now),
  ).catch((error: unknown) => {
    throw isUniqueViolation(error)
      ? new DomainError('conflict', 'token_name_taken', {
          detail: 'A live token already has this name: the audit log could not tell them apart.',
        })
      : error;
  });
  return {
    token: { id: row.id, name, createdAt: iso(now)!, lastUsedAt: null, revokedAt: null, current: false },
    secret,
  };
}

/** Revokes a token: 404 `token_not_found`, 409 `already_revoked`, 409 `last_token` for the last live one. */
export async function revoke(deps: Deps, actor: Actor, id: string) {
  const token = await getToken(deps.db, id);
  if (!token) throw new DomainError('not_found', 'token_not_found');
  if (token.revokedAt !== null) throw new DomainError('conflict', 'already_revoked');
  const now = deps.clock.now();
  const entry = {
    action: 'token.revoke',
    target: 'token',
    targetId: id,
    before: { name: token.name, revokedAt: null },
    after: { name: token.name, revokedAt: iso(now) },
  } as const;
  if (!(await revokeToken(deps.db, id, now, (revocable) => auditIf(deps, actor, [entry], revocable, now)))) {
    // Another request revoked it meanwhile, or it is the last live token.
    if ((await getToken(deps.db, id))?.revokedAt != null) throw new DomainError('conflict', 'already_revoked');
    throw new DomainError('conflict', 'last_token', { detail: 'Create another token before revoking the last one.' });
  }
}
