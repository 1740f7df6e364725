import { createRoute, z } from '@hono/zod-openapi';
import { outboxPage, retryOutbox } from '../../../services/outbox';
import { adminRoute, json, problems, router } from '../../openapi';
import { cursorQuery, enumQuery, limitQuery } from '../../params';

/** Deliveries: the webhook events and emails waiting in the outbox, the dead ones, and sending one again. */
export const adminOutbox = router();
const tags = ['Oversight'];

const OutboxItem = z
  .object({
    id: z.string(),
    type: z
      .string()
      .describe(
        'comment.created, comment.status_changed, comment.deleted, comment.erased (webhooks); email.moderator, email.digest, email.confirm, email.reply (emails).',
      ),
    eventId: z.string().nullable().describe('The Tamis-Event-Id of a webhook event (the same on every attempt).'),
    destination: z.string().describe('`email`, or `webhook <format> <origin>`.'),
    state: z.enum(['pending', 'sent', 'dead']),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastError: z
      .string()
      .nullable()
      .describe('Why the last attempt failed (`HTTP 503`, the SMTP reply…), addresses removed.'),
    articleId: z.string().nullable(),
    commentId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .openapi('OutboxItem');

const OutboxId = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
});

const list = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'Deliveries waiting (pending) or given up (dead), newest first',
    description:
      'Every webhook event and email is a row of the outbox, written with the change that caused it and delivered at least once: failures are tried again with exponential backoff and jitter for OUTBOX_RETRY_HOURS (24 h), then the row is dead. Sent rows are kept 7 days, then purged.',
    request: {
      query: z.object({
        state: enumQuery(['pending', 'dead'], 'pending'),
        limit: limitQuery(50, 200),
        cursor: cursorQuery,
      }),
    },
    responses: {
      200: json(z.object({ items: z.array(OutboxItem), nextCursor: z.string().nullable() })),
      422: problems[422],
    },
  }),
);
adminOutbox.openapi(list, async (c) => {
  const { state, limit, cursor } = c.req.valid('query');
  return c.json(await outboxPage(c.var.deps, { state, limit, after: cursor }), 200);
});

const retry = createRoute(
  adminRoute({
    method: 'post',
    path: '/{id}/retry',
    tags,
    summary: 'Send a delivery again now',
    description:
      'A dead row (or a pending one waiting for its next attempt) goes again at once, with a fresh retry schedule. 404 `outbox_not_found`; 409 `outbox_not_retryable` when it was sent or is being sent.',
    request: { params: OutboxId },
    responses: { 200: json(OutboxItem), 404: problems[404], 409: problems[409], 422: problems[422] },
  }),
);
adminOutbox.openapi(retry, async (c) => c.json(await retryOutbox(c.var.deps, c.req.valid('param').id), 200));
