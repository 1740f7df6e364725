import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import { randomToken } from '../../../crypto';
import { createAdminToken, getToken, listTokens, revokeToken } from '../../../db/tokens';
import { audit, auditIf } from '../../../services/audit';
import { normalizeLine } from '../../../text';
import { readBody } from '../../body';
import { ApiError, isUniqueViolation, parseOrThrow } from '../../errors';
import { bodyOf, json, problems, registerAdminPath } from '../../openapi';
import { asText } from '../../schemas';
import { actorOf } from './common';
import { IdParam, idParam } from '../../params';
import { iso } from '../../../deps';
import { TokenInfo } from './schemas';

/**
 * Admin tokens. A token is shown once, when created; only its SHA-256 is stored. The token given
 * at start-up (ADMIN_TOKEN, or the one generated and printed) is listed like the others.
 */
export const adminTokensRouter = new Hono<AppEnv>();

const TokenBody = z
  .object({ name: z.preprocess(asText(normalizeLine), z.string().min(1).max(100)).describe('Who holds it: recorded with each of its actions in the audit log.') })
  .strict();

adminTokensRouter.get('/', async (c) => {
  const rows = await listTokens(c.var.deps.db);
  const current = c.var.admin.id;
  return c.json({
    tokens: rows.map((r) => ({ ...r, createdAt: iso(r.createdAt)!, lastUsedAt: iso(r.lastUsedAt), revokedAt: iso(r.revokedAt), current: r.id === current })),
  });
});

adminTokensRouter.post('/', async (c) => {
  const { name } = parseOrThrow(TokenBody, await readBody(c));
  const { deps } = c.var;
  const now = deps.clock.now();
  const secret = randomToken('tamis_');
  const row = await createAdminToken(deps.db, name, secret, now, (id) =>
    audit(deps, actorOf(c), [{ action: 'token.create', target: 'token', targetId: id, after: { id, name } }], now),
  ).catch((error: unknown) => {
    throw isUniqueViolation(error)
      ? new ApiError(409, 'token_name_taken', { detail: 'A live token already has this name: the audit log could not tell them apart.' })
      : error;
  });
  return c.json(
    { token: { id: row.id, name, createdAt: iso(now)!, lastUsedAt: null, revokedAt: null, current: false }, secret },
    201,
  );
});

adminTokensRouter.delete('/:id', async (c) => {
  const id = idParam(c);
  const { deps } = c.var;
  const token = await getToken(deps.db, id);
  if (!token) throw new ApiError(404, 'token_not_found');
  if (token.revokedAt !== null) throw new ApiError(409, 'already_revoked');
  const now = deps.clock.now();
  const entry = { action: 'token.revoke', target: 'token', targetId: id, before: { name: token.name, revokedAt: null }, after: { name: token.name, revokedAt: iso(now) } } as const;
  if (!(await revokeToken(deps.db, id, now, (revocable) => auditIf(deps, actorOf(c), [entry], revocable, now)))) {
    // Another request revoked it meanwhile, or it is the last live token.
    if ((await getToken(deps.db, id))?.revokedAt != null) throw new ApiError(409, 'already_revoked');
    throw new ApiError(409, 'last_token', { detail: 'Create another token before revoking the last one.' });
  }
  return c.body(null, 204);
});

const tags = ['Access'];
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/tokens',
  tags,
  summary: 'Admin tokens (never the token itself)',
  responses: { 200: json(z.object({ tokens: z.array(TokenInfo) })) },
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/tokens',
  tags,
  summary: 'Create a token',
  description: '`secret` is shown this once; only its hash is stored. 409 `token_name_taken` when a live token has the name.',
  request: { body: bodyOf(TokenBody) },
  responses: { 201: json(z.object({ token: TokenInfo, secret: z.string() }), 'Created'), 409: problems[409], 422: problems[422] },
});
registerAdminPath({
  method: 'delete',
  path: '/api/v1/admin/tokens/{id}',
  tags,
  summary: 'Revoke a token',
  description: 'Refused at once on its next request. 409 `already_revoked`; 409 `last_token` for the last live token (it would lock everyone out).',
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, 404: problems[404], 409: problems[409], 422: problems[422] },
});
