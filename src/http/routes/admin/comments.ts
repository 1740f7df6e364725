import { createRoute, z } from '@hono/zod-openapi';
import {
  adminViews,
  COMMENT_STATUSES,
  decide,
  bulkRest,
  decideMany,
  deleteComment,
  findComment,
  moderationQueue,
} from '../../../services/moderation';
import { jsonBody } from '../../middleware/body';
import { adminRoute, body, bodyProblems, json, limitedTexts, problems, router } from '../../openapi';
import { cursorQuery, IdParam, limitQuery, optionalQuery } from '../../params';
import { ArticleId, CommentId, ContentField } from '../../schemas';
import { actorOf } from './common';
import { AdminComment } from './schemas';

/** The moderation queue and the decisions on single comments or many at once. */
export const adminComments = router();
const tags = ['Moderation'];

const Status = z.enum(COMMENT_STATUSES);

const QueueQuery = z.object({
  status: optionalQuery(Status).describe('Only this status; all statuses when absent.'),
  article: optionalQuery(ArticleId).describe('Only this article.'),
  q: optionalQuery(z.string().trim().min(1).max(200)).describe(
    'Searches the author and the content (substring, case-insensitive), and, when it is a whole email address or IP, the comments sent with it (they are stored encrypted: no partial match).',
  ),
  limit: limitQuery(50, 100),
  cursor: cursorQuery,
});

const queue = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'The moderation queue',
    description:
      'Full records (email, IP and user agent decrypted, verdict, score and reasons, parent excerpt), newest first, by pages.',
    request: { query: QueueQuery },
    responses: {
      200: json(z.object({ comments: z.array(AdminComment), nextCursor: z.string().nullable() })),
      422: problems[422],
    },
  }),
);
adminComments.openapi(queue, async (c) => {
  const { status, article, q, limit, cursor } = c.req.valid('query');
  return c.json(await moderationQueue(c.var.deps, { status, articleId: article, q, limit, after: cursor }), 200);
});

const one = createRoute(
  adminRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: 'One comment, in full',
    request: { params: IdParam },
    responses: { 200: json(z.object({ comment: AdminComment })), 404: problems[404], 422: problems[422] },
  }),
);
adminComments.openapi(one, async (c) => {
  const row = await findComment(c.var.deps, c.req.valid('param').id);
  return c.json({ comment: (await adminViews(c.var.deps, [row]))[0]! }, 200);
});

const Change = z
  .object({ status: Status.optional(), content: ContentField.optional() })
  .strict()
  .refine((b) => b.status !== undefined || b.content !== undefined, { params: { key: 'required' } })
  .openapi({ minProperties: 1, description: '`status`, `content` or both.', example: { status: 'approved' } });

const change = createRoute(
  adminRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: 'Change the status or the text of a comment',
    description:
      'Any move among pending, approved, spam and trash, except to the status it has already and marking a staff reply as spam (409 `invalid_transition`). Marking spam, or approving what the checks did not approve, trains the learner and the local memory; reversing a decision takes the lesson back. Editing the text keeps the previous one in the audit log. The public thread (and its ETag) changes at once. 409 `decision_conflict` when the comment changed meanwhile (another decision, its author).',
    middleware: [jsonBody] as const,
    request: { params: IdParam, body: body(Change) },
    responses: {
      200: json(z.object({ comment: AdminComment })),
      ...bodyProblems,
      404: problems[404],
      409: problems[409],
    },
  }),
);
adminComments.openapi(
  change,
  async (c) =>
    c.json({ comment: await decide(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')) }, 200),
  limitedTexts([{ path: ['content'], limit: 'maxContentLength' }]),
);

const BulkBody = z
  .object({
    ids: z.array(CommentId).min(1).max(500).optional().describe('Up to 500 comment ids; repeated ids count once.'),
    status: Status.optional(),
    continuation: z
      .string()
      .min(1)
      .max(20_000)
      .optional()
      .describe(
        'Instead of ids and status: the `continuation` of the previous answer, to go on with the comments it left.',
      ),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.continuation !== undefined) return;
    for (const field of ['ids', 'status'] as const)
      if (b[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], params: { key: 'required' } });
  })
  .openapi({ example: { ids: ['pQx0sK3mLr2vT8wYb1nZcA'], status: 'spam' } });

const BulkResult = z.object({
  id: z.string(),
  ok: z.boolean(),
  status: Status.optional().describe('The status now (when ok).'),
  code: z.enum(['comment_not_found', 'invalid_transition']).optional().describe('Why not (when not ok).'),
});

const bulk = createRoute(
  adminRoute({
    method: 'post',
    path: '/bulk',
    tags,
    summary: 'One status for many comments',
    description:
      'A result per id: ok, or the code of the refusal (comment_not_found, invalid_transition). The others are applied together, in batches of comments, each all or nothing (409 `decision_conflict` if one of the first batch changed meanwhile). A request writes at most about 700 statements (D1 runs 1,000 a request on the Paid plan; the learner takes several per comment): when comments are left, the answer says `complete: false` with a `continuation` to send back as `{ "continuation": … }`, and the next answer gives their results. The desk follows it.',
    middleware: [jsonBody] as const,
    request: { body: body(BulkBody) },
    responses: {
      200: json(
        z.object({
          results: z
            .array(BulkResult)
            .describe('One per id decided by this request (not those left to the continuation).'),
          updated: z.number().int(),
          failed: z.number().int(),
          complete: z.boolean().describe('false: comments are left; send `{ "continuation": … }` to go on.'),
          continuation: z.string().nullable().describe('What to send back to go on, when not complete; else null.'),
        }),
      ),
      ...bodyProblems,
      409: problems[409],
    },
  }),
);
adminComments.openapi(bulk, async (c) => {
  const sent = c.req.valid('json');
  // Without a continuation, the schema has required ids and status.
  const { ids, status } = sent.continuation ? bulkRest(sent.continuation) : { ids: sent.ids!, status: sent.status! };
  return c.json(await decideMany(c.var.deps, actorOf(c), ids, status), 200);
});

const remove = createRoute(
  adminRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Delete a comment for good',
    description:
      'Its replies are kept: they move up to its parent (or become top-level comments), with their own replies under them.',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, 404: problems[404], 422: problems[422] },
  }),
);
adminComments.openapi(remove, async (c) => {
  const { deps } = c.var;
  await deleteComment(deps, actorOf(c), await findComment(deps, c.req.valid('param').id));
  return c.body(null, 204);
});
