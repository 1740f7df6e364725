/**
 * Offline evaluation of the spam checks on a labelled JSONL corpus, in-process, without a database.
 *
 *   npx tsx scripts/eval-spam-offline.ts /work/shared/spam-corpus/youtube-dev.jsonl [--lang en] [--mistakes]
 *
 * Per site: a fresh engine, trained on the 'train' rows, asked about the 'test' rows; then a cold
 * start (rules only, nothing trained). Rows without metadata get a browser user agent, a form
 * token 'skipped' and a generated address user<hash>@mail.test-site.fr (see local-engine.ts).
 * Article language: the rows' articleLanguage, else --lang, else the language most detected in
 * the site's training rows.
 */
import { readFileSync } from 'node:fs';
import { evaluate, formatReport, type EvalRow } from '../src/spam/eval';
import { detectLanguage } from '../src/spam/language';
import { createLocalEngine, rowToFeatures } from '../src/spam/local-engine';
import { defaultSpamSettings } from '../src/spam/settings';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
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

function siteLanguage(siteRows: readonly EvalRow[]): string | null {
  if (forcedLanguage) return forcedLanguage;
  const votes = new Map<string, number>();
  for (const row of siteRows) {
    if (row.split !== 'train') continue;
    const features = rowToFeatures(row);
    if (features.content.split(/\s+/).length < defaultSpamSettings.languageMinWords) continue;
    const lang = detectLanguage(features.content, '')?.lang;
    if (lang) votes.set(lang, (votes.get(lang) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

for (const [title, learner] of [
  ['Trained (rules + learner)', true],
  ['Cold start (rules only, nothing trained)', false],
] as const) {
  const results = await evaluate(
    rows,
    (_site, siteRows) => createLocalEngine({ settings: defaultSpamSettings, articleLanguage: siteLanguage(siteRows), learner }),
    { train: learner },
  );
  console.log(formatReport(`== ${title}`, results));
  if (showMistakes) {
    for (const { site, mistakes } of results) {
      for (const { row, decision } of mistakes) {
        const why = decision.reasons.map((r) => `${r.rule} ${r.score}: ${r.detail}`).join(' | ');
        console.log(`  [${site}] ${row.label} → ${decision.verdict} (${decision.score}) ${JSON.stringify(row.content.slice(0, 100))} — ${why}`);
      }
    }
  }
  console.log();
}
