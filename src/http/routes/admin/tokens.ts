import { createRoute, z } from '@hono/zod-openapi';
import { createToken, revoke, tokenList } from '../../../services/tokens';
import { normalizeLine } from '../../../text';
import { jsonBody } from '../../middleware/body';
import { adminRoute, body, bodyProblems, json, problems, router } from '../../openapi';
import { IdParam } from '../../params';
import { asText } from '../../schemas';
import { actorOf } from './common';
import { TokenInfo } from './schemas';

/**
 * Admin tokens. A token is shown once, when created; only its SHA-256 is stored. The token given
 * at start-up (ADMIN_TOKEN, or the one generated and printed) is listed like the others.
 */
export const adminTokens = router();
const tags = ['Access'];

const list = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'Admin tokens (never the token itself)',
    responses: { 200: json(z.object({ tokens: z.array(TokenInfo) })) },
  }),
);
adminTokens.openapi(list, async (c) => c.json({ tokens: await tokenList(c.var.deps, actorOf(c)) }, 200));

const TokenBody = z
  .object({
    name: z
      .preprocess(asText(normalizeLine), z.string().min(1).max(100))
      .describe('Who holds it: recorded with each of its actions in the audit log.'),
  })
  .strict()
  .openapi({ example: { name: 'Desk, night shift' } });

const create = createRoute(
  adminRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Create a token',
    description:
      '`secret` is shown this once; only its hash is stored. 409 `token_name_taken` when a live token has the name.',
    middleware: [jsonBody] as const,
    request: { body: body(TokenBody) },
    responses: {
      201: json(z.object({ token: TokenInfo, secret: z.string() }), 'Created'),
      ...bodyProblems,
      409: problems[409],
    },
  }),
);
adminTokens.openapi(create, async (c) =>
  c.json(await createToken(c.var.deps, actorOf(c), c.req.valid('json').name), 201),
);

const remove = createRoute(
  adminRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Revoke a token',
    description:
      'Refused at once on its next request. 409 `already_revoked`; 409 `last_token` for the last live token (it would lock everyone out).',
    request: { params: IdParam },
    responses: { 204: { description: 'Revoked' }, 404: problems[404], 409: problems[409], 422: problems[422] },
  }),
);
adminTokens.openapi(remove, async (c) => {
  await revoke(c.var.deps, actorOf(c), c.req.valid('param').id);
  return c.body(null, 204);
});
