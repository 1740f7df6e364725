import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import { getCommentsByIds, listQueue } from '../../../db/moderation';
import { COMMENT_STATUSES } from '../../../db/schema';
import { adminViews, applyDecisions, deleteComment, findComment, transitionProblem } from '../../../services/moderation';
import { emailHash } from '../../../services/spam';
import { loadSettings } from '../../../settings';
import { parseIp } from '../../../spam/net';
import { readBody } from '../../body';
import { ApiError, parseOrThrow } from '../../errors';
import { bodyOf, json, problems, registerAdminPath } from '../../openapi';
import { ArticleId, CommentId, contentField } from '../../schemas';
import { actorOf, limitQuery, optionalQuery } from './common';
import { decodeCursor, encodeCursor, IdParam, idParam } from '../../params';
import { AdminComment } from './schemas';

/** The moderation queue and the decisions on single comments or many at once. */
export const adminComments = new Hono<AppEnv>();

const Status = z.enum(COMMENT_STATUSES);

const QueueQuery = z.object({
  status: optionalQuery(Status).describe('Only this status; all statuses when absent.'),
  article: optionalQuery(ArticleId).describe('Only this article.'),
  q: optionalQuery(z.string().trim().min(1).max(200)).describe(
    'Searches the author and the content (substring, case-insensitive), and, when it is a whole email address or IP, the comments sent with it (they are stored encrypted: no partial match).',
  ),
  limit: limitQuery(50, 100),
  cursor: optionalQuery(z.string().max(200)).describe('nextCursor of the previous page.'),
});

adminComments.get('/', async (c) => {
  const query = parseOrThrow(QueueQuery, c.req.query());
  const { deps } = c.var;
  const q = query.q;
  const [byEmail, byIp] = await Promise.all([
    q && z.email().safeParse(q).success ? emailHash(deps.keys, q) : undefined,
    q && parseIp(q) ? deps.keys.hash(q) : undefined,
  ]);
  const rows = await listQueue(deps.db, {
    status: query.status,
    articleId: query.article,
    text: q,
    emailHash: byEmail,
    ipHash: byIp,
    limit: query.limit + 1,
    after: query.cursor ? decodeCursor(query.cursor) : null,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return c.json({ comments: await adminViews(deps, page), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null });
});

adminComments.get('/:id', async (c) => {
  const row = await findComment(c.var.deps, idParam(c));
  return c.json({ comment: (await adminViews(c.var.deps, [row]))[0]! });
});

const patchSchema = (maxContentLength: number) =>
  z
    .object({ status: Status.optional(), content: contentField(maxContentLength).optional() })
    .strict()
    .refine((b) => b.status !== undefined || b.content !== undefined, { params: { key: 'required' } });

adminComments.patch('/:id', async (c) => {
  const id = idParam(c);
  const { deps } = c.var;
  const [raw, settings] = await Promise.all([readBody(c), loadSettings(deps.db, deps.config)]);
  const input = parseOrThrow(patchSchema(settings.maxContentLength), raw);
  const row = await findComment(deps, id);
  const problem = input.status ? transitionProblem(row, input.status) : null;
  if (problem) throw new ApiError(409, 'invalid_transition', { detail: problem });
  const [updated] = await applyDecisions(deps, actorOf(c), [{ row, status: input.status, content: input.content }]);
  return c.json({ comment: (await adminViews(deps, [updated!]))[0]! });
});

const BulkBody = z
  .object({
    ids: z.array(CommentId).min(1).max(500).describe('Up to 500 comment ids; repeated ids count once.'),
    status: Status,
  })
  .strict();

const BulkResult = z.object({
  id: z.string(),
  ok: z.boolean(),
  status: Status.optional().describe('The status now (when ok).'),
  code: z.enum(['comment_not_found', 'invalid_transition']).optional().describe('Why not (when not ok).'),
});

adminComments.post('/bulk', async (c) => {
  const { ids, status } = parseOrThrow(BulkBody, await readBody(c));
  const { deps } = c.var;
  const unique = [...new Set(ids)];
  const rows = new Map((await getCommentsByIds(deps.db, unique)).map((r) => [r.id, r]));
  const results: z.infer<typeof BulkResult>[] = [];
  const decisions = [];
  for (const id of unique) {
    const row = rows.get(id);
    if (!row) results.push({ id, ok: false, code: 'comment_not_found' });
    else if (transitionProblem(row, status)) results.push({ id, ok: false, code: 'invalid_transition' });
    else {
      results.push({ id, ok: true, status });
      decisions.push({ row, status });
    }
  }
  await applyDecisions(deps, actorOf(c), decisions);
  return c.json({ results, updated: decisions.length, failed: results.length - decisions.length });
});

adminComments.delete('/:id', async (c) => {
  const { deps } = c.var;
  await deleteComment(deps, actorOf(c), await findComment(deps, idParam(c)));
  return c.body(null, 204);
});

// OpenAPI ----------------------------------------------------------------------------------------

const tags = ['Moderation'];

registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/comments',
  tags,
  summary: 'The moderation queue',
  description: 'Full records (email, IP and user agent decrypted, verdict, score and reasons, parent excerpt), newest first, by pages.',
  request: { query: QueueQuery },
  responses: { 200: json(z.object({ comments: z.array(AdminComment), nextCursor: z.string().nullable() })), 422: problems[422] },
});
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/comments/{id}',
  tags,
  summary: 'One comment, in full',
  request: { params: IdParam },
  responses: { 200: json(z.object({ comment: AdminComment })), 404: problems[404], 422: problems[422] },
});
registerAdminPath({
  method: 'patch',
  path: '/api/v1/admin/comments/{id}',
  tags,
  summary: 'Change the status or the text of a comment',
  description:
    'Any move among pending, approved, spam and trash, except to the status it has already and marking a staff reply as spam (409 `invalid_transition`). Marking spam, or approving what the checks did not approve, trains the learner and the local memory; reversing a decision takes the lesson back. Editing the text keeps the previous one in the audit log. The public thread (and its ETag) changes at once.',
  request: { params: IdParam, body: bodyOf(z.object({ status: Status.optional(), content: z.string().optional() })) },
  responses: { 200: json(z.object({ comment: AdminComment })), 404: problems[404], 409: problems[409], 422: problems[422] },
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/comments/bulk',
  tags,
  summary: 'One status for many comments',
  description: 'Always 200 with a result per id: ok, or the code of the refusal (comment_not_found, invalid_transition). The others are applied together.',
  request: { body: bodyOf(BulkBody) },
  responses: {
    200: json(z.object({ results: z.array(BulkResult), updated: z.number().int(), failed: z.number().int() })),
   
    422: problems[422],
  },
});
registerAdminPath({
  method: 'delete',
  path: '/api/v1/admin/comments/{id}',
  tags,
  summary: 'Delete a comment for good',
  description: 'Its replies are kept: they move up to its parent (or become top-level comments), with their own replies under them.',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, 404: problems[404], 422: problems[422] },
});
