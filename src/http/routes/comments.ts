import { createRoute } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../deps';
import { authorizeEdit, editComment, withdrawComment, type EditableComment } from '../../services/comments';
import { toOwnComment } from '../../services/public';
import { requestMeta } from '../client';
import { invalidRequest } from '../errors';
import { jsonOrFormBody, sentBody, bodyType } from '../middleware/body';
import { body, bodyProblems, json, limitedTexts, problems, router } from '../openapi';
import { IdParam } from '../params';
import { EditSchema, OwnComment } from '../schemas';

/** The author's own comment, reached with the edit token returned when it was posted. */
export const comments = router();

/**
 * The edit token, checked before the body is read: 422 for a malformed id, 401 without a valid
 * token, 403 for another comment's or after the edit window, 404 for a comment gone.
 */
const editable = createMiddleware<AppEnv & { Variables: { comment: EditableComment } }>(async (c, next) => {
  const param = { id: c.req.param('id') };
  const id = IdParam.safeParse(param);
  if (!id.success) throw invalidRequest(id.error, param);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  c.set('comment', await authorizeEdit(c.var.deps, id.data.id, bearer));
  await next();
});

const editResponses = {
  401: problems[401],
  403: {
    ...problems[403],
    description: '`forbidden` (another comment’s token), `edit_window_closed`, `not_editable` (moved to spam or trash)',
  },
  404: problems[404],
  409: {
    ...problems[409],
    description: '`edit_conflict`: the comment changed meanwhile (a moderator’s decision wins)',
  },
  422: problems[422],
};

const editRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: "Edit one's own comment within the edit window",
  description:
    'Validated and checked for spam again, like a new comment: an edit can hold a comment, never publish one a moderator has not seen. One edit every 5 s (429 with Retry-After).',
  security: [{ editToken: [] }],
  middleware: [editable, jsonOrFormBody] as const,
  request: { params: IdParam, body: body(EditSchema, true) },
  responses: {
    200: json(OwnComment.pick({ comment: true })),
    ...bodyProblems,
    ...editResponses,
    429: problems[429],
  },
});

comments.openapi(
  editRoute,
  async (c) => {
    const { deps } = c.var;
    const { content } = bodyType(c) === 'form' ? c.req.valid('form') : c.req.valid('json');
    const edited = await editComment(deps, c.var.comment, content, sentBody(c).content, requestMeta(c));
    const comment = await toOwnComment(edited.row, { avatars: edited.settings.avatars, keys: deps.keys });
    return c.json({ comment }, 200, { 'Cache-Control': 'no-store' });
  },
  limitedTexts([{ path: ['content'], limit: 'maxContentLength' }]),
);

const withdrawRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: "Withdraw one's own comment within the edit window",
  description: 'Its replies stay: they move up to its parent.',
  security: [{ editToken: [] }],
  middleware: [editable] as const,
  request: { params: IdParam },
  responses: { 204: { description: 'Withdrawn' }, ...editResponses },
});

comments.openapi(withdrawRoute, async (c) => {
  await withdrawComment(c.var.deps, c.var.comment);
  return c.body(null, 204);
});
