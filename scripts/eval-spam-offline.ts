/**
 * Offline evaluation of the spam checks on a labelled JSONL corpus, in-process, without a database.
 *
 *   npx tsx scripts/eval-spam-offline.ts /work/shared/spam-corpus/youtube-dev.jsonl [--lang en] [--mistakes]
 *       [--protocol official|cross-site|shuffled] [--seeds 20]
 *
 * Protocols (each site is a fresh engine: in-memory learner table and local memory):
 * - official (default): the corpus's own split: trained with a site's 'train' rows, asked about its
 *   'test' rows; then a cold start: rules only, nothing trained.
 * - cross-site: for each site, trained with the 'train' rows of every other site, asked about this
 *   site's 'test' rows (a learner trained on other articles meeting a new topic).
 * - shuffled: for each of --seeds seeds (default 20), a random stratified 70/30 split of each site's
 *   rows; the report sums the confusion matrices over the seeds and gives the mean MCC per site.
 * Rows without metadata (a platform's HTML export) get their typed text back, a browser user
 * agent, form token 'skipped' and a generated address user<hash>@mail.test-site.fr, which no rule
 * penalizes (see local-engine.ts). Article language: the rows' articleLanguage, else --lang, else
 * the language most detected in the site's training rows.
 * Metrics and report live in eval/evaluate.ts, so that another engine (the HTTP API) can be measured
 * the same way.
 */
import { evaluate, formatReport, mcc, sumConfusions, type EvalRow, type SiteResult } from '../eval/evaluate';
import { createLocalEngine, dominantLanguage, formatMistakes } from '../eval/local-engine';
import { defaultSpamSettings } from '../src/settings/spam';
import { readCorpus, shuffledSplit } from './corpus';

const args = process.argv.slice(2);
const valued = new Set(['--lang', '--protocol', '--seeds']);
const file = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? null) : null;
};
const protocol = option('--protocol') ?? 'official';
if (!file || !['official', 'cross-site', 'shuffled'].includes(protocol)) {
  console.error(
    'usage: eval-spam-offline.ts <corpus.jsonl> [--lang xx] [--mistakes] [--protocol official|cross-site|shuffled] [--seeds n]',
  );
  process.exit(2);
}
const forcedLanguage = option('--lang');
const seeds = Math.max(1, Number(option('--seeds') ?? 20) || 20);
const showMistakes = args.includes('--mistakes');

const rows = readCorpus(file);
const sites = [...new Set(rows.map((row) => row.site))];

const languages = new Map<string, string | null>();
function siteLanguage(site: string, siteRows: readonly EvalRow[]): string | null {
  if (forcedLanguage) return forcedLanguage;
  if (!languages.has(site)) languages.set(site, dominantLanguage(siteRows));
  return languages.get(site) ?? null;
}

const run = (data: readonly EvalRow[], learner: boolean) =>
  evaluate(
    data,
    (site, siteRows) =>
      createLocalEngine({ settings: defaultSpamSettings, articleLanguage: siteLanguage(site, siteRows), learner }),
    { train: learner },
  );

function printMistakes(results: readonly SiteResult[]) {
  if (showMistakes) for (const line of formatMistakes(results)) console.log(line);
}

if (protocol === 'official') {
  for (const [title, learner] of [
    ['Trained (rules + learner)', true],
    ['Cold start (rules only, nothing trained)', false],
  ] as const) {
    const results = await run(rows, learner);
    console.log(formatReport(`== ${title}`, results));
    printMistakes(results);
    console.log();
  }
} else if (protocol === 'cross-site') {
  // Each site's test rows, after training on the other sites' train rows (all tagged with the site
  // under test, so that evaluate() gives them one engine).
  const data = sites.flatMap((site) => [
    ...rows.filter((row) => row.site !== site && row.split === 'train').map((row) => ({ ...row, site })),
    ...rows.filter((row) => row.site === site && row.split === 'test'),
  ]);
  for (const site of sites)
    languages.set(site, forcedLanguage ?? dominantLanguage(rows.filter((row) => row.site === site)));
  const results = await run(data, true);
  console.log(formatReport('== Cross-site: trained on the other sites, tested on this one (rules + learner)', results));
  printMistakes(results);
  console.log();
} else {
  const perSeed: SiteResult[][] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    perSeed.push(
      await run(
        shuffledSplit(rows, seed).map(({ row }) => row),
        true,
      ),
    );
  }
  const pooled: SiteResult[] = sites.map((site) => {
    const of = perSeed.map((results) => results.find((r) => r.site === site)!);
    return {
      site,
      strict: sumConfusions(of.map((r) => r.strict)),
      loose: sumConfusions(of.map((r) => r.loose)),
      mistakes: of.flatMap((r) => r.mistakes),
    };
  });
  console.log(
    formatReport(
      `== Shuffled: ${seeds} random stratified 70/30 splits per site, confusion matrices summed (rules + learner)`,
      pooled,
    ),
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const site of sites) {
    const strict = perSeed.map((results) => mcc(results.find((r) => r.site === site)!.strict));
    const sd = Math.sqrt(mean(strict.map((x) => (x - mean(strict)) ** 2)));
    console.log(
      `  ${site}: MCC per split (spam as blocked) mean ${mean(strict).toFixed(3)} ± ${sd.toFixed(3)}, min ${Math.min(...strict).toFixed(3)}`,
    );
  }
  printMistakes(pooled);
  console.log();
}
console.log(
  `Article language per site: ${[...languages].map(([site, lang]) => `${site} ${lang ?? '?'}`).join(', ') || forcedLanguage}`,
);
