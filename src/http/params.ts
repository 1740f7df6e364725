import type { Context } from 'hono';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../crypto';
import type { Cursor } from '../db/comments';
import type { AppEnv } from '../deps';
import { parseOrThrow, validationError } from './errors';
import { ArticleParam, CommentId } from './schemas';

/** Path parameters and cursors shared by the routers: malformed → 422, unknown → 404 by the caller. */

export function articleIdParam(c: Context<AppEnv>): string {
  return parseOrThrow(ArticleParam, { articleId: c.req.param('articleId') }).articleId;
}

/** An opaque id in a path (comments, tokens, list entries). */
export const IdParam = z.object({ id: CommentId });
export const idParam = (c: Context<AppEnv>) => parseOrThrow(IdParam, { id: c.req.param('id') }).id;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Keyset cursors (time, id), opaque to clients. */
export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(enc.encode(`${cursor.createdAt}.${cursor.id}`));
}

export function decodeCursor(text: string): Cursor {
  const bytes = fromBase64Url(text);
  const match = bytes && /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(dec.decode(bytes));
  if (!match) throw validationError({ cursor: { key: 'invalid_cursor' } });
  return { createdAt: Number(match[1]), id: match[2]! };
}
