/**
 * Time per comment of the pure spam path: runChecks (every rule + the learner) and verdict, after
 * training on the corpus. The database reads the service does around it are not included. Then
 * the promotion table alone, its patterns asked directly and through their quick twins.
 *
 *   npx tsx bench/spam.ts [corpus.jsonl]
 */
import { runChecks, verdict } from '../src/spam/index';
import { learnerTokens } from '../src/spam/learner';
import { analyze, foldConfusables } from '../src/spam/analyze';
import { promotionPatterns } from '../src/spam/promotion';
import { createLocalEngine } from '../eval/local-engine';
import { median } from '../eval/evaluate';
import { defaultSpamSettings } from '../src/settings/spam';
import type { TokenCounts } from '../src/spam/types';
import { readCorpus } from '../scripts/corpus';
import { quantile } from './lib';

const file = process.argv[2] ?? '/work/shared/spam-corpus/youtube-dev.jsonl';
const rows = readCorpus(file);

// Train one engine on every row (the largest table), as the service would have it.
const engine = createLocalEngine({ settings: defaultSpamSettings, articleLanguage: 'en', learner: true });
for (const row of rows) await engine.feedback(row.label, row);
// Lists of a realistic size, so that list matching is part of the cost.
const lists = [
  ...['casino', 'viagra', 'payday loan', 'crypto giveaway', 'replica watches', 'seo services'].map((value) => ({
    list: 'disallowed' as const,
    kind: 'word' as const,
    value,
  })),
  ...['203.0.113.0/24', '2001:db8::/32'].map((value) => ({
    list: 'disallowed' as const,
    kind: 'cidr' as const,
    value,
  })),
  ...['spam.example', 'mailinator.com'].map((value) => ({
    list: 'moderation' as const,
    kind: 'domain' as const,
    value,
  })),
];

const prepared = rows.map((row) => {
  const { features, context } = engine.prepare(row);
  return { features, context: { ...context, lists } };
});

const ROUNDS = 5;
const times: number[] = [];
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const { features, context } of prepared) {
    // A fresh Features object each time, so nothing cached from an earlier round helps.
    const fresh = { ...features };
    const start = performance.now();
    const tokens = learnerTokens(fresh);
    // What the service fetches: the counts of this document's tokens only.
    const stats = new Map<string, TokenCounts>();
    for (const token of tokens) {
      const counts = engine.table.get(token);
      if (counts) stats.set(token, counts);
    }
    const signals = runChecks(fresh, context, defaultSpamSettings, { tokens, stats, totals: engine.totals });
    sink += verdict(signals, defaultSpamSettings).score;
    times.push(performance.now() - start);
  }
}
const warm = times.slice(rows.length).sort((a, b) => a - b); // first round is warm-up
const at = (q: number) => quantile(warm, q);
console.log(
  `${warm.length} comments (${rows.length} rows × ${ROUNDS - 1} rounds after a warm-up), table of ${engine.table.size} tokens`,
);
console.log(
  `runChecks + classify + verdict per comment: median ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${at(1).toFixed(3)} ms`,
);
console.log('(excluded: the service reading the token counts, lists and memory from the database)');

// The promotion table alone, on the same folded texts: each pattern asked directly, then through
// its quick twin first (src/spam/promotion.ts), as saysItself asks them.
const folded = prepared.map(({ features }) => foldConfusables(analyze({ ...features }).textWithoutLinks));
const table = promotionPatterns();
const perComment = (ask: (text: string) => number) => {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (const text of folded) sink += ask(text);
    rounds.push(((performance.now() - start) * 1000) / folded.length);
  }
  return median(rounds.slice(1)).toFixed(1); // the first round is a warm-up
};
const exact = perComment((text) => table.filter(({ pattern }) => pattern.test(text)).length);
const quick = perComment((text) => table.filter(({ pattern, quick }) => quick.test(text) && pattern.test(text)).length);
console.log(
  `promotion table per comment (median of ${ROUNDS - 1} rounds): patterns alone ${exact} µs, quick twins first ${quick} µs`,
);
if (Number.isNaN(sink)) console.log(sink);
