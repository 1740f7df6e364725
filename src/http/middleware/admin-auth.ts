import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../deps';
import { authenticate } from '../../services/tokens';
import { ApiError } from '../errors';

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
    throw new ApiError(401, 'unauthorized', {
      detail: 'Send the token in the Authorization header, never in the URL.',
      headers: challenge,
    });
  }
  const match = /^Bearer\s+([\x21-\x7E]{1,512})\s*$/i.exec(c.req.header('authorization') ?? '');
  const admin = match ? await authenticate(c.var.deps, match[1]!) : null;
  if (!admin) throw new ApiError(401, 'unauthorized', { headers: challenge });
  c.set('admin', admin);
  await next();
});

/** Admin answers hold emails and IPs: no cache keeps them. */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});
