import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import type { Actor } from '../../../services/audit';
import { parseOrThrow } from '../../errors';
import { blankToUndefined, CommentId } from '../../schemas';

/** Shared pieces of the admin routers. */

export const actorOf = (c: Context<AppEnv>): Actor => c.var.admin;

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An opaque id in a path (comments, tokens, list entries): malformed → 422, unknown → 404 by the caller. */
export const IdParam = z.object({ id: CommentId });
export const idParam = (c: Context<AppEnv>) => parseOrThrow(IdParam, { id: c.req.param('id') }).id;

/** Query parameters: blank means absent. */
export const optionalQuery = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
export const limitQuery = (fallback: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(max).default(fallback));

export const NoStore = { 'Cache-Control': 'no-store' };
