import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import type { Actor } from '../../../services/audit';
import { blankToUndefined } from '../../schemas';

/** Shared pieces of the admin routers. */

export const actorOf = (c: Context<AppEnv>): Actor => c.var.admin;

/** Query parameters: blank means absent. */
export const optionalQuery = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
export const limitQuery = (fallback: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(max).default(fallback));
