import { Hono, type Context } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../../deps';
import { getArticle } from '../../db/articles';
import { comments } from '../../db/schema';
import { contentHash } from '../../services/comments';
import { assess, learn, learnerSize, memoryKeys, type Label } from '../../services/spam';
import { loadSettings } from '../../settings';
import { invisibleCharacters } from '../../spam';
import type { Features } from '../../spam/types';
import { readBody } from '../body';
import { parseOrThrow } from '../errors';
import { bodyOf, json, problems, registerAdminPath } from '../openapi';
import { ArticleId, submissionSchema } from '../schemas';

/**
 * The spam defence's admin endpoints. `check` is a dry run (like Akismet's comment-check): it
 * stores nothing and trains nothing. `feedback` trains exactly as a moderator's decision does.
 */
export const adminSpam = new Hono<AppEnv>();

const ip = z.union([z.ipv4(), z.ipv6()]);

/** The submission's fields, plus what a stored comment would also know. */
function candidateSchema(limits: Parameters<typeof submissionSchema>[0]) {
  return submissionSchema(limits)
    .omit({ token: true, parentId: true })
    .extend({
      ip: ip.optional().describe('Client IP, when known.'),
      userAgent: z.string().max(512).optional().describe('User agent, when known; an empty string means the client sent none.'),
      articleId: ArticleId.optional(),
      honeypot: z.string().max(1000).optional().describe('Value of the honeypot field, when the form had one.'),
    });
}
const CandidateDoc = candidateSchema({ maxAuthorLength: 100, maxContentLength: 5000 });
const FeedbackDoc = z.object({ label: z.enum(['spam', 'ham']), comment: CandidateDoc });

async function readCandidate(c: Context<AppEnv>, wrap: boolean) {
  const settings = await loadSettings(c.var.deps.db, c.var.deps.config);
  const candidate = candidateSchema(settings);
  const schema = wrap ? z.object({ label: z.enum(['spam', 'ham']), comment: candidate }) : candidate;
  const raw = await readBody(c);
  const body = parseOrThrow(schema, raw);
  const fields = 'comment' in body ? body.comment : (body as z.infer<typeof candidate>);
  // Validation normalized the content; the invisible characters it stripped are counted as sent.
  const sent = (wrap ? raw.comment : raw) as { content: string };
  const features: Features = {
    articleId: fields.articleId ?? '',
    author: fields.author,
    email: fields.email.toLowerCase(),
    website: fields.website ?? null,
    content: fields.content,
    ip: fields.ip ?? null,
    // Omitted means unknown (a corpus without it); an empty string means the client sent none.
    userAgent: fields.userAgent === undefined ? undefined : fields.userAgent.trim() || null,
    honeypot: fields.honeypot,
    invisible: invisibleCharacters(sent.content),
  };
  return { settings, features, label: 'label' in body ? (body.label as Label) : undefined };
}

adminSpam.post('/check', async (c) => {
  const { deps } = c.var;
  const { settings, features } = await readCandidate(c, false);
  const [article, hash] = await Promise.all([
    features.articleId ? getArticle(deps.db, features.articleId) : undefined,
    contentHash(deps.keys, features.content),
  ]);
  const result = await assess(deps, settings, { features, formToken: null, article, contentHash: hash, now: deps.clock.now() });
  return c.json(result);
});

adminSpam.post('/feedback', async (c) => {
  const { deps } = c.var;
  const { features, label } = await readCandidate(c, true);
  await learn(deps, features, await memoryKeys(deps, features), label!);
  return c.json({ trained: label });
});

adminSpam.get('/stats', async (c) => {
  const { db } = c.var.deps;
  const [rules, verdicts, learner] = await Promise.all([
    db.all<{ rule: string; hits: number; spam: number }>(sql`
      SELECT json_extract(r.value, '$.rule') AS rule, count(DISTINCT ${comments.id}) AS hits, count(DISTINCT CASE WHEN ${comments.status} = 'spam' THEN ${comments.id} END) AS spam
      FROM ${comments}, json_each(${comments.reasons}) AS r
      GROUP BY rule ORDER BY hits DESC`),
    db.select({ verdict: comments.verdict, n: sql<number>`count(*)` }).from(comments).groupBy(comments.verdict).all(),
    learnerSize(db),
  ]);
  return c.json({
    rules: rules.map((r) => ({ rule: r.rule, hits: Number(r.hits), spam: Number(r.spam) })),
    verdicts: Object.fromEntries(['approve', 'hold', 'spam'].map((v) => [v, verdicts.find((r) => r.verdict === v)?.n ?? 0])),
    learner: { vocabulary: learner.vocabulary, trained: { spam: learner.spam, ham: learner.ham } },
  });
});

const Assessment = z.object({
  verdict: z.enum(['approve', 'hold', 'spam']),
  score: z.number(),
  reasons: z.array(z.object({ rule: z.string(), score: z.number(), detail: z.string() })),
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/spam/check',
  summary: 'Dry run of the spam checks',
  description: 'Stores nothing, trains nothing. Omitted ip/userAgent are unknown (their checks are skipped).',
  request: { body: bodyOf(CandidateDoc) },
  responses: { 200: json(Assessment), 422: problems[422] },
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/spam/feedback',
  summary: 'Train the learner and the local memory with a labelled comment',
  request: { body: bodyOf(FeedbackDoc) },
  responses: { 200: json(z.object({ trained: z.enum(['spam', 'ham']) })), 422: problems[422] },
});
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/spam/stats',
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
});
