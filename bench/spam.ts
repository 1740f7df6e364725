/**
 * Time per comment of the pure spam path: runChecks (every rule + the learner) and verdict, after
 * training on the corpus. The database reads the service does around it are not included.
 *
 *   npx tsx bench/spam.ts [corpus.jsonl]
 */
import { runChecks, verdict } from '../src/spam/index';
import { learnerTokens } from '../src/spam/learner';
import { createLocalEngine } from '../eval/local-engine';
import { defaultSpamSettings } from '../src/settings/spam';
import type { TokenCounts } from '../src/spam/types';
import { readCorpus } from '../scripts/corpus';

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
const at = (q: number) => warm[Math.min(warm.length - 1, Math.floor(q * warm.length))] ?? NaN;
console.log(
  `${warm.length} comments (${rows.length} rows × ${ROUNDS - 1} rounds after a warm-up), table of ${engine.table.size} tokens`,
);
console.log(
  `runChecks + classify + verdict per comment: median ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${at(1).toFixed(3)} ms`,
);
console.log('(excluded: the service reading the token counts, lists and memory from the database)');
if (Number.isNaN(sink)) console.log(sink);
