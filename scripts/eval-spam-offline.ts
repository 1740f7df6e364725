/**
 * Offline evaluation of the spam checks on labelled JSONL corpora, in-process, without a database.
 *
 *   npx tsx scripts/eval-spam-offline.ts <corpus.jsonl> [more.jsonl …] [--lang en] [--mistakes]
 *       [--protocol official|cross-corpus|cross-site|shuffled] [--seeds 20] [--settings '{"learnerPrior":false}']
 *
 * Protocols (each site is a fresh engine: in-memory learner table and local memory):
 * - official (default): each corpus's own split: trained with a site's 'train' rows, asked about its
 *   'test' rows (rules, the shipped prior and the site's lessons); then a cold start (rules and the
 *   shipped prior, nothing trained); then the rules alone. The shipped prior was built from the
 *   'train' rows of the development and French corpora (scripts/build-prior.ts): on those, the cold
 *   start is not a test on unseen data, the cross-corpus protocol is.
 * - cross-corpus (two corpora or more): for each corpus, a prior built from the 'train' rows of the
 *   OTHER corpora only (eval/prior.ts, as the shipped one is built); then, site by site, a cold
 *   start on its 'test' rows with that prior, the same after training with the site's 'train' rows,
 *   and after training with only its first 12 spam examples (a site that has seen a dozen), and the
 *   site's lessons without any prior. Medians over the sites are printed at the end.
 * - cross-site: for each site, trained with the 'train' rows of every other site of the corpus,
 *   asked about this site's 'test' rows (a learner trained on other articles meeting a new topic).
 * - shuffled: for each of --seeds seeds (default 20), a random stratified 70/30 split of each site's
 *   rows; the report sums the confusion matrices over the seeds and gives the mean MCC per site.
 * Rows without metadata (a platform's HTML export) get their typed text back, a browser user
 * agent, form token 'skipped' and a generated address user<hash>@mail.test-site.fr, which no rule
 * penalizes (see local-engine.ts). Article language: the rows' articleLanguage, else --lang, else
 * the language most detected in the site's training rows.
 * Metrics and report live in eval/evaluate.ts, so that another engine (the HTTP API) can be measured
 * the same way.
 */
import {
  evaluate,
  formatReport,
  mcc,
  median,
  metrics,
  sumConfusions,
  type EvalRow,
  type SiteResult,
} from '../eval/evaluate';
import { createLocalEngine, dominantLanguage, formatMistakes } from '../eval/local-engine';
import { buildPrior } from '../eval/prior';
import { SpamSettingsSchema } from '../src/settings/spam';
import type { LearnerPrior } from '../src/spam/prior';
import { readCorpus, shuffledSplit } from './corpus';

const args = process.argv.slice(2);
const valued = new Set(['--lang', '--protocol', '--seeds', '--settings']);
const files = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? null) : null;
};
const protocol = option('--protocol') ?? 'official';
if (
  files.length === 0 ||
  !['official', 'cross-corpus', 'cross-site', 'shuffled'].includes(protocol) ||
  (protocol === 'cross-corpus' && files.length < 2)
) {
  console.error(
    'usage: eval-spam-offline.ts <corpus.jsonl> [more.jsonl …] [--lang xx] [--mistakes] [--protocol official|cross-corpus|cross-site|shuffled] [--seeds n]\n(cross-corpus needs two corpora or more)',
  );
  process.exit(2);
}
const forcedLanguage = option('--lang');
const seeds = Math.max(1, Number(option('--seeds') ?? 20) || 20);
const showMistakes = args.includes('--mistakes');
/** Spam settings to measure instead of the defaults (a JSON object of overrides, as PATCH /admin/settings takes). */
const settings = SpamSettingsSchema.parse(JSON.parse(option('--settings') ?? '{}'));

const corpora = files.map((file) => ({ file, name: file.slice(file.lastIndexOf('/') + 1), rows: readCorpus(file) }));

const languages = new Map<string, string | null>();
function siteLanguage(site: string, siteRows: readonly EvalRow[]): string | null {
  if (forcedLanguage) return forcedLanguage;
  if (!languages.has(site)) languages.set(site, dominantLanguage(siteRows));
  return languages.get(site) ?? null;
}

/** The learner: off (rules only), with a prior (undefined: the shipped one; null: none), trained or not. */
const run = (data: readonly EvalRow[], learner: boolean, train: boolean, prior?: LearnerPrior | null) =>
  evaluate(
    data,
    (site, siteRows) =>
      createLocalEngine({
        settings,
        articleLanguage: siteLanguage(site, siteRows),
        learner,
        ...(prior !== undefined ? { prior } : {}),
      }),
    { train },
  );

function printMistakes(results: readonly SiteResult[]) {
  if (showMistakes) for (const line of formatMistakes(results)) console.log(line);
}

/** Only the first `n` spam examples of each site's training rows (the ham all kept). */
function fewSpam(rows: readonly EvalRow[], n: number): EvalRow[] {
  const seen = new Map<string, number>();
  return rows.filter((row) => {
    if (row.split !== 'train' || row.label !== 'spam') return true;
    const count = (seen.get(row.site) ?? 0) + 1;
    seen.set(row.site, count);
    return count <= n;
  });
}

if (protocol === 'official') {
  for (const { name, rows } of corpora) {
    for (const [title, learner, train] of [
      ['Trained (rules + prior + the site’s lessons)', true, true],
      ['Cold start (rules + prior, nothing trained)', true, false],
      ['Cold start, rules only', false, false],
    ] as const) {
      const results = await run(rows, learner, train);
      console.log(formatReport(`== ${name}: ${title}`, results));
      printMistakes(results);
      console.log();
    }
  }
} else if (protocol === 'cross-corpus') {
  const variants = [
    ['cold start, prior of the other corpora', false, 'other'],
    ['trained, prior of the other corpora', true, 'other'],
    ['trained with 12 spam examples, prior of the other corpora', 'few', 'other'],
    ['trained, no prior', true, 'none'],
    ['trained with 12 spam examples, no prior', 'few', 'none'],
  ] as const;
  const summary = new Map<string, SiteResult[]>(variants.map(([title]) => [title, []]));
  for (const { name, rows } of corpora) {
    const prior = buildPrior(corpora.filter((c) => c.name !== name).flatMap((c) => c.rows));
    for (const [title, train, which] of variants) {
      const data = train === 'few' ? fewSpam(rows, 12) : rows;
      const results = await run(data, true, train !== false, which === 'other' ? prior : null);
      summary.get(title)?.push(...results);
      console.log(formatReport(`== ${name}, ${title}`, results));
      printMistakes(results);
      console.log();
    }
  }
  console.log('== Cross-corpus: medians over the sites of every corpus (spam as blocked | spam+hold as blocked)');
  for (const [title, results] of summary) {
    const of = (pick: (r: SiteResult) => number) => median(results.map(pick)).toFixed(3);
    const pct = (pick: (r: SiteResult) => number) => `${(100 * median(results.map(pick))).toFixed(1)} %`;
    console.log(
      `  ${title.padEnd(58)} MCC ${of((r) => mcc(r.strict))} | ${of((r) => mcc(r.loose))}` +
        `   spam published ${pct((r) => 1 - metrics(r.loose).recall)}   ham judged spam ${pct((r) => metrics(r.strict).blockedHam)}` +
        `   ham published ${pct((r) => 1 - metrics(r.loose).blockedHam)}   (${results.length} sites)`,
    );
  }
  console.log();
} else if (protocol === 'cross-site') {
  for (const { name, rows } of corpora) {
    const sites = [...new Set(rows.map((row) => row.site))];
    // Each site's test rows, after training on the other sites' train rows (all tagged with the site
    // under test, so that evaluate() gives them one engine).
    const data = sites.flatMap((site) => [
      ...rows.filter((row) => row.site !== site && row.split === 'train').map((row) => ({ ...row, site })),
      ...rows.filter((row) => row.site === site && row.split === 'test'),
    ]);
    for (const site of sites)
      languages.set(site, forcedLanguage ?? dominantLanguage(rows.filter((row) => row.site === site)));
    const results = await run(data, true, true);
    console.log(formatReport(`== ${name}, cross-site: trained on the other sites, tested on this one`, results));
    printMistakes(results);
    console.log();
  }
} else {
  for (const { name, rows } of corpora) {
    const sites = [...new Set(rows.map((row) => row.site))];
    const perSeed: SiteResult[][] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      perSeed.push(
        await run(
          shuffledSplit(rows, seed).map(({ row }) => row),
          true,
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
        `== ${name}, shuffled: ${seeds} random stratified 70/30 splits per site, confusion matrices summed (rules + prior + lessons)`,
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
}
console.log(
  `Article language per site: ${[...languages].map(([site, lang]) => `${site} ${lang ?? '?'}`).join(', ') || forcedLanguage}`,
);
