import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import { listAudit, type AuditRow } from '../../../db/audit';
import { parseOrThrow, validationError } from '../../errors';
import { json, problems, registerAdminPath } from '../../openapi';
import { limitQuery, optionalQuery } from './common';
import { iso } from '../../../deps';
import { AuditEntry } from './schemas';

/** Who did what, when, with the state before and after. */
export const adminAudit = new Hono<AppEnv>();

const AuditQuery = z.object({
  cursor: optionalQuery(z.string().max(20)).describe('nextCursor of the previous page.'),
  limit: limitQuery(50, 200),
  target: optionalQuery(z.string().min(1).max(200)).describe('Only the entries about this id (a comment, a token, an article…).'),
  action: optionalQuery(z.string().regex(/^[a-z]+\.[a-z_]+$/)).describe('Only this action, e.g. comment.update.'),
});

const view = (r: AuditRow) => ({
  id: r.id,
  at: iso(r.at)!,
  actor: { id: r.actorId, name: r.actorName },
  action: r.action,
  target: { type: r.targetType, id: r.targetId },
  before: r.before ?? null,
  after: r.after ?? null,
});

adminAudit.get('/', async (c) => {
  const query = parseOrThrow(AuditQuery, c.req.query());
  if (query.cursor !== undefined && !/^[1-9]\d{0,14}$/.test(query.cursor)) throw validationError({ cursor: { key: 'invalid_cursor' } });
  const rows = await listAudit(c.var.deps.db, {
    limit: query.limit + 1,
    before: query.cursor ? Number(query.cursor) : null,
    targetId: query.target,
    action: query.action,
  });
  const page = rows.slice(0, query.limit);
  return c.json({ entries: page.map(view), nextCursor: rows.length > query.limit ? String(page.at(-1)!.id) : null });
});

registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/audit',
  tags: ['Oversight'],
  summary: 'The audit log, newest first',
  description: 'Every admin action (reads excepted, but privacy exports included) with the name of the token that made it. Snapshots never hold an email, IP or user agent.',
  request: { query: AuditQuery },
  responses: { 200: json(z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() })), 422: problems[422] },
});
