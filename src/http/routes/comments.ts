import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../deps';
import { authorizeEdit, editComment, withdrawComment } from '../../services/comments';
import { toOwnComment } from '../../services/public';
import { readBody } from '../body';
import { requestMeta } from '../client';
import { idParam } from '../params';

/** The author's own comment, reached with the edit token returned when it was posted. */
export const comments = new Hono<AppEnv>();

async function authorized(c: Context<AppEnv>) {
  const id = idParam(c);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return authorizeEdit(c.var.deps, id, bearer);
}

comments.patch('/:id', async (c) => {
  const row = await authorized(c);
  const { deps } = c.var;
  const edited = await editComment(deps, row, await readBody(c), requestMeta(c));
  const comment = await toOwnComment(edited.row, { avatars: edited.settings.avatars, keys: deps.keys });
  return c.json({ comment }, 200, { 'Cache-Control': 'no-store' });
});

comments.delete('/:id', async (c) => {
  const row = await authorized(c);
  await withdrawComment(c.var.deps, row);
  return c.body(null, 204);
});
