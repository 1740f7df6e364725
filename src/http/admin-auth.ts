import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../deps';
import { findLiveToken, hashAdminToken, markTokenUsed } from '../db/tokens';
import { ApiError } from './errors';

const challenge = { 'WWW-Authenticate': 'Bearer realm="tamis-admin"' };

/** Query parameters that carry a credential, folded: any casing, '-' or '_' or neither (Token, ACCESS-TOKEN, apiKey). */
const CREDENTIAL_PARAMS = new Set(['token', 'accesstoken', 'auth', 'authorization', 'bearer', 'apikey']);
const credentialName = (name: string) => CREDENTIAL_PARAMS.has(name.toLowerCase().replace(/[-_]/g, ''));

/**
 * Admin routes take `Authorization: Bearer <token>` and nothing else: a token in the URL would
 * end up in logs and browser history, so it is refused even when valid. Tokens are found by their
 * SHA-256, so the comparison never depends on how much of a guess was right.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (Object.keys(c.req.query()).some(credentialName)) {
    throw new ApiError(401, 'unauthorized', { detail: 'Send the token in the Authorization header, never in the URL.', headers: challenge });
  }
  const match = /^Bearer\s+([\x21-\x7E]{1,512})\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!match) throw new ApiError(401, 'unauthorized', { headers: challenge });
  const { db, clock } = c.var.deps;
  const token = await findLiveToken(db, await hashAdminToken(match[1]!));
  if (!token) throw new ApiError(401, 'unauthorized', { headers: challenge });
  c.set('admin', { id: token.id, name: token.name });
  const now = clock.now();
  if (!token.lastUsedAt || now - token.lastUsedAt > 60_000) await markTokenUsed(db, token.id, now);
  await next();
});
