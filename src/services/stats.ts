import { DAY, iso, type Deps } from '../deps';
import { COMMENT_STATUSES, type CommentStatus } from '../db/schema';
import { countByDay, countByRule, countByStatus, countByVerdict, countRuleHits } from '../db/stats';
import { learnerSize } from '../db/learner';
import { VERDICTS } from '../spam/types';

/** Figures for a dashboard: totals per status, comments per day, what the spam checks caught. */
export async function siteStats(deps: Deps, days: number) {
  const { db, clock } = deps;
  const today = Math.floor(clock.now() / DAY) * DAY;
  const since = today - (days - 1) * DAY;
  const [statuses, perDay, perRule] = await Promise.all([
    countByStatus(db),
    countByDay(db, since),
    countByRule(db, since),
  ]);

  const series = Array.from({ length: days }, (_, i) => {
    const day = new Date(since + i * DAY).toISOString().slice(0, 10);
    const counts = Object.fromEntries(
      COMMENT_STATUSES.map((s) => [s, perDay.find((r) => r.day === day && r.status === s)?.n ?? 0]),
    ) as Record<CommentStatus, number>;
    return { day, total: Object.values(counts).reduce((a, b) => a + b, 0), ...counts };
  });
  const rules = [...new Set(perRule.map((r) => r.rule))]
    .map((rule) => ({
      rule,
      spam: perRule.find((r) => r.rule === rule && r.verdict === 'spam')?.n ?? 0,
      hold: perRule.find((r) => r.rule === rule && r.verdict === 'hold')?.n ?? 0,
    }))
    .sort((a, b) => b.spam - a.spam || b.hold - a.hold || a.rule.localeCompare(b.rule));
  return {
    since: iso(since)!,
    statuses: { ...statuses, total: Object.values(statuses).reduce((a, b) => a + b, 0) },
    days: series,
    rules,
  };
}

/** The spam defence's figures: hits per rule, comments per verdict, the learner's size. */
export async function spamStats(deps: Deps) {
  const [rules, verdicts, learner] = await Promise.all([
    countRuleHits(deps.db),
    countByVerdict(deps.db),
    learnerSize(deps.db),
  ]);
  return {
    rules,
    verdicts: Object.fromEntries(VERDICTS.map((v) => [v, verdicts.find((r) => r.verdict === v)?.n ?? 0])),
    learner: { vocabulary: learner.vocabulary, trained: { spam: learner.spam, ham: learner.ham } },
  };
}
