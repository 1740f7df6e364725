import { createRoute, z } from '@hono/zod-openapi';
import { auditPage } from '../../../services/audit';
import { adminRoute, json, problems, router } from '../../openapi';
import { limitQuery, optionalQuery } from '../../params';
import { AuditEntry } from './schemas';

/** Who did what, when, with the state before and after. */
export const adminAudit = router();

const AuditQuery = z.object({
  cursor: optionalQuery(
    z
      .string()
      .max(20)
      .refine((s) => /^[1-9]\d{0,14}$/.test(s), { params: { key: 'invalid_cursor' } }),
  ).describe('nextCursor of the previous page.'),
  limit: limitQuery(50, 200),
  target: optionalQuery(z.string().min(1).max(200)).describe(
    'Only the entries about this id (a comment, a token, an article…).',
  ),
  action: optionalQuery(z.string().regex(/^[a-z]+\.[a-z_]+$/)).describe('Only this action, e.g. comment.update.'),
});

const route = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags: ['Oversight'],
    summary: 'The audit log, newest first',
    description:
      'Every admin action (reads excepted, but privacy exports included) with the name of the token that made it. Snapshots never hold an email, IP or user agent.',
    request: { query: AuditQuery },
    responses: {
      200: json(z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() })),
      422: problems[422],
    },
  }),
);
adminAudit.openapi(route, async (c) => {
  const { cursor, limit, target, action } = c.req.valid('query');
  return c.json(
    await auditPage(c.var.deps, {
      limit,
      before: cursor === undefined ? undefined : Number(cursor),
      targetId: target,
      action,
    }),
    200,
  );
});
