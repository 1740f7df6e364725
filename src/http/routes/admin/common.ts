import type { Context } from 'hono';
import type { AppEnv } from '../../../deps';
import type { Actor } from '../../../services/audit';

/** The moderator behind an admin request (set by requireAdmin). */
export const actorOf = (c: Context<AppEnv>): Actor => c.var.admin;
