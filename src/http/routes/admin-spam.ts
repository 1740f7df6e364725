import { createRoute, z } from '@hono/zod-openapi';
import { checkCandidate, teach } from '../../services/spam-admin';
import { spamStats } from '../../services/stats';
import { jsonBody, sentBody } from '../middleware/body';
import { adminRoute, body, bodyProblems, json, limitedTexts, router } from '../openapi';
import { ArticleId, SubmissionSchema } from '../schemas';

/**
 * The spam defence's admin endpoints. `check` is a dry run (like Akismet's comment-check): it
 * stores nothing and trains nothing. `feedback` trains exactly as a moderator's decision does.
 */
export const adminSpam = router();

/** The submission's fields, plus what a stored comment would also know. */
const Candidate = SubmissionSchema.omit({ token: true, parentId: true }).extend({
  ip: z.union([z.ipv4(), z.ipv6()]).optional().describe('Client IP, when known.'),
  userAgent: z
    .string()
    .max(512)
    .optional()
    .describe('User agent, when known; an empty string means the client sent none.'),
  articleId: ArticleId.optional(),
  honeypot: z.string().max(1000).optional().describe('Value of the honeypot field, when the form had one.'),
});

const CheckBody = Candidate.openapi({
  example: {
    author: 'Best Deals',
    email: 'x@mailinator.com',
    content: 'Buy <a href="https://x.biz">pills</a>',
    userAgent: 'curl/8.5',
  },
});
const Label = z.enum(['spam', 'ham']);
const FeedbackBody = z.object({ label: Label, comment: Candidate }).openapi({
  example: { label: 'spam', comment: { author: 'Best Deals', email: 'x@mailinator.com', content: 'Buy pills' } },
});

const Assessment = z.object({
  verdict: z.enum(['approve', 'hold', 'spam']),
  score: z.number(),
  reasons: z.array(z.object({ rule: z.string(), score: z.number(), detail: z.string() })),
});

const check = createRoute(
  adminRoute({
    method: 'post',
    path: '/check',
    summary: 'Dry run of the spam checks',
    description: 'Stores nothing, trains nothing. Omitted ip/userAgent are unknown (their checks are skipped).',
    middleware: [jsonBody] as const,
    request: { body: body(CheckBody) },
    responses: { 200: json(Assessment), ...bodyProblems },
  }),
);
adminSpam.openapi(
  check,
  async (c) => c.json(await checkCandidate(c.var.deps, c.req.valid('json'), sentBody(c).content), 200),
  limitedTexts([
    { path: ['author'], limit: 'maxAuthorLength' },
    { path: ['content'], limit: 'maxContentLength' },
  ]),
);

const feedback = createRoute(
  adminRoute({
    method: 'post',
    path: '/feedback',
    summary: 'Train the learner and the local memory with a labelled comment',
    middleware: [jsonBody] as const,
    request: { body: body(FeedbackBody) },
    responses: { 200: json(z.object({ trained: Label })), ...bodyProblems },
  }),
);
adminSpam.openapi(
  feedback,
  async (c) => {
    const { label, comment } = c.req.valid('json');
    const sent = sentBody(c).comment as Record<string, unknown> | undefined;
    await teach(c.var.deps, label, comment, sent?.content);
    return c.json({ trained: label }, 200);
  },
  limitedTexts([
    { path: ['comment', 'author'], limit: 'maxAuthorLength' },
    { path: ['comment', 'content'], limit: 'maxContentLength' },
  ]),
);

const stats = createRoute(
  adminRoute({
    method: 'get',
    path: '/stats',
    summary: 'Hits per rule, verdict counts, learner size',
    responses: {
      200: json(
        z.object({
          rules: z.array(z.object({ rule: z.string(), hits: z.number(), spam: z.number() })),
          verdicts: z.record(z.string(), z.number()),
          learner: z.object({ vocabulary: z.number(), trained: z.object({ spam: z.number(), ham: z.number() }) }),
        }),
      ),
    },
  }),
);
adminSpam.openapi(stats, async (c) => c.json(await spamStats(c.var.deps), 200));
