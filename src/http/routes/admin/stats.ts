import { createRoute, z } from '@hono/zod-openapi';
import { siteStats } from '../../../services/stats';
import { adminRoute, json, problems, router } from '../../openapi';
import { limitQuery } from '../../params';

/** Figures for a dashboard: totals per status, comments per day, what the spam checks caught. */
export const adminStats = router();

const Counts = z.object({
  pending: z.number().int(),
  approved: z.number().int(),
  spam: z.number().int(),
  trash: z.number().int(),
  total: z.number().int(),
});

const route = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags: ['Oversight'],
    summary: 'Counts per status, per day, and spam caught per rule',
    description:
      '`statuses`: every comment by its status now. `days`: comments posted each UTC day, by their status now. `rules`: for each spam rule, the comments of the period it scored that the checks judged spam or held (from the reasons stored with each comment).',
    request: {
      query: z.object({
        days: limitQuery(30, 365).describe('Days covered by `days` and `rules`, today (UTC) included.'),
      }),
    },
    responses: {
      200: json(
        z.object({
          since: z.iso.datetime(),
          statuses: Counts,
          days: z.array(Counts.extend({ day: z.string().describe('YYYY-MM-DD, UTC') })),
          rules: z.array(z.object({ rule: z.string(), spam: z.number().int(), hold: z.number().int() })),
        }),
      ),
      422: problems[422],
    },
  }),
);
adminStats.openapi(route, async (c) => c.json(await siteStats(c.var.deps, c.req.valid('query').days), 200));
