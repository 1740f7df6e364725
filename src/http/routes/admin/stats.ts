import { Hono } from 'hono';
import { z } from 'zod';
import { DAY, iso, type AppEnv } from '../../../deps';
import { COMMENT_STATUSES, type CommentStatus } from '../../../db/schema';
import { countByDay, countByRule, countByStatus } from '../../../db/stats';
import { parseOrThrow } from '../../errors';
import { json, problems, registerAdminPath } from '../../openapi';
import { limitQuery } from './common';

/** Figures for a dashboard: totals per status, comments per day, what the spam checks caught. */
export const adminStats = new Hono<AppEnv>();

const StatsQuery = z.object({ days: limitQuery(30, 365).describe('Days covered by `days` and `rules`, today (UTC) included.') });

adminStats.get('/', async (c) => {
  const { days } = parseOrThrow(StatsQuery, c.req.query());
  const { db, clock } = c.var.deps;
  const today = Math.floor(clock.now() / DAY) * DAY;
  const since = today - (days - 1) * DAY;
  const [statuses, perDay, perRule] = await Promise.all([countByStatus(db), countByDay(db, since), countByRule(db, since)]);

  const series = Array.from({ length: days }, (_, i) => {
    const day = new Date(since + i * DAY).toISOString().slice(0, 10);
    const counts = Object.fromEntries(COMMENT_STATUSES.map((s) => [s, perDay.find((r) => r.day === day && r.status === s)?.n ?? 0])) as Record<CommentStatus, number>;
    return { day, total: Object.values(counts).reduce((a, b) => a + b, 0), ...counts };
  });
  const rules = [...new Set(perRule.map((r) => r.rule))]
    .map((rule) => ({
      rule,
      spam: perRule.find((r) => r.rule === rule && r.verdict === 'spam')?.n ?? 0,
      hold: perRule.find((r) => r.rule === rule && r.verdict === 'hold')?.n ?? 0,
    }))
    .sort((a, b) => b.spam - a.spam || b.hold - a.hold || a.rule.localeCompare(b.rule));
  return c.json({
    since: iso(since)!,
    statuses: { ...statuses, total: Object.values(statuses).reduce((a, b) => a + b, 0) },
    days: series,
    rules,
  });
});

const Counts = z.object({ pending: z.number().int(), approved: z.number().int(), spam: z.number().int(), trash: z.number().int(), total: z.number().int() });
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/stats',
  tags: ['Oversight'],
  summary: 'Counts per status, per day, and spam caught per rule',
  description:
    '`statuses`: every comment by its status now. `days`: comments posted each UTC day, by their status now. `rules`: for each spam rule, the comments of the period it scored that the checks judged spam or held (from the reasons stored with each comment).',
  request: { query: StatsQuery },
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
});
