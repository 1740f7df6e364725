/**
 * Offline evaluation of the spam checks on a labelled JSONL corpus, in-process, without a database.
 *
 *   npx tsx scripts/eval-spam-offline.ts /work/shared/spam-corpus/youtube-dev.jsonl [--lang en] [--mistakes]
 *
 * Per site: a fresh engine (in-memory learner table and local memory), trained with the 'train'
 * rows, asked about the 'test' rows; then a cold start: rules only, nothing trained.
 * Rows without metadata (a platform's HTML export) get their typed text back, a browser user
 * agent, form token 'skipped' and a generated address user<hash>@mail.test-site.fr, which no rule
 * penalizes (see local-engine.ts). Article language: the rows' articleLanguage, else --lang, else
 * the language most detected in the site's training rows.
 * Metrics and report live in src/spam/eval.ts, so that another engine (the HTTP API) can be measured
 * the same way.
 */
import { readFileSync } from 'node:fs';
import { evaluate, formatReport, type EvalRow } from '../src/spam/eval';
import { createLocalEngine, dominantLanguage, rowToFeatures } from '../src/spam/local-engine';
import { defaultSpamSettings } from '../src/spam/settings';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--lang');
if (!file) {
  console.error('usage: eval-spam-offline.ts <corpus.jsonl> [--lang xx] [--mistakes]');
  process.exit(2);
}
const langIndex = args.indexOf('--lang');
const forcedLanguage = langIndex >= 0 ? (args[langIndex + 1] ?? null) : null;
const showMistakes = args.includes('--mistakes');

const rows: EvalRow[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as EvalRow);

const languages = new Map<string, string | null>();
function siteLanguage(site: string, siteRows: readonly EvalRow[]): string | null {
  if (forcedLanguage) return forcedLanguage;
  if (!languages.has(site)) languages.set(site, dominantLanguage(siteRows));
  return languages.get(site) ?? null;
}

for (const [title, learner] of [
  ['Trained (rules + learner)', true],
  ['Cold start (rules only, nothing trained)', false],
] as const) {
  const results = await evaluate(
    rows,
    (site, siteRows) => createLocalEngine({ settings: defaultSpamSettings, articleLanguage: siteLanguage(site, siteRows), learner }),
    { train: learner },
  );
  console.log(formatReport(`== ${title}`, results));
  if (showMistakes) {
    for (const { site, mistakes } of results) {
      for (const { row, decision } of mistakes) {
        const why = decision.reasons.map((r) => `${r.rule} ${r.score}: ${r.detail}`).join(' | ');
        const text = JSON.stringify(rowToFeatures(row).content.slice(0, 100));
        console.log(`  [${site}] ${row.label} → ${decision.verdict} (${decision.score}) ${text} — ${why}`);
      }
    }
  }
  console.log();
}
console.log(`Article language per site: ${[...languages].map(([site, lang]) => `${site} ${lang ?? '?'}`).join(', ') || forcedLanguage}`);
