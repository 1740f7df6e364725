import { z } from '@hono/zod-openapi';
import { decodeCursor } from '../services/cursor';
import { CommentId } from './schemas';

/** Path and query parameters shared by the routers: malformed → 422, unknown → 404 by the service. */

/** An opaque id in a path (comments, tokens, list entries). */
export const IdParam = z.object({ id: CommentId });

/** A query parameter sent twice counts once, as its first value. */
export const firstValue = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** …and blank means absent. (Never null: a query has none.) */
const first = (v: unknown) => {
  const value = firstValue(v);
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
};

export const optionalQuery = <T extends z.ZodType>(schema: T) => z.preprocess(first, schema.optional());
export const limitQuery = (fallback: number, max: number) =>
  z.preprocess(first, z.coerce.number().int().min(1).max(max).default(fallback));
export const enumQuery = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.preprocess(first, z.enum(values).default(fallback));

/** A keyset cursor (nextCursor of the previous page): what it stands for, and its text. */
export const cursorQuery = optionalQuery(
  z
    .string()
    .max(200)
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (cursor) return { ...cursor, text };
      ctx.addIssue({ code: 'custom', params: { key: 'invalid_cursor' } });
      return z.NEVER;
    }),
).describe('nextCursor of the previous page.');
