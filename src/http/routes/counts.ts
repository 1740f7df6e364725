import { createRoute, z } from '@hono/zod-openapi';
import { approvedCounts } from '../../services/threads';
import { json, problems, router } from '../openapi';
import { ArticleId, Counts } from '../schemas';

/** Approved comments per article, in one query, for article listing pages. */
export const counts = router();

const CountsQuery = z.object({
  // One `?article=a` is a string to the query parser: an array of one.
  article: z
    .preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(ArticleId).min(1).max(100))
    .describe('Up to 100 article ids: `?article=a&article=b`.'),
});

const route = createRoute({
  method: 'get',
  path: '/',
  summary: 'Approved comment counts for up to 100 articles',
  description: 'Replies included; 0 for an article without comments. Cacheable for 10 s.',
  request: { query: CountsQuery },
  responses: { 200: json(Counts), 422: problems[422] },
});

counts.openapi(route, async (c) => {
  const { article } = c.req.valid('query');
  return c.json({ counts: await approvedCounts(c.var.deps, article) }, 200, {
    'Cache-Control': 'public, max-age=10, stale-while-revalidate=60',
  });
});
