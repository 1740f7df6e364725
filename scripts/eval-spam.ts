/**
 * Evaluation of the spam defence through the HTTP API, on labelled JSONL corpora.
 *
 *   npm run eval:spam -- <corpus.jsonl> [more.jsonl …] [--lang xx] [--mistakes] [--every-row] [--protocol all|official|public|cross-corpus]
 *       [--settings '{"weightNewcomerLink":3}']
 *
 * Protocols (each site of each corpus on a fresh migrated database):
 * - official: every 'train' row through POST /api/v1/admin/spam/feedback (exactly what a
 *   moderator's decision does), then every 'test' row through POST /api/v1/admin/spam/check; then a
 *   cold start, nothing trained (the rules and the learner's shipped prior).
 * - public: a cold start through the public API, as a browser posts: GET …/form for a token, the
 *   clock moved past minSeconds, POST …/comments with the row's IP and user agent; the verdict is
 *   read back from the admin API (the public answer says only approved or pending).
 * - cross-corpus (two corpora or more): for each corpus, a site trained through the feedback
 *   endpoint with the 'train' rows of the OTHER corpora, the shipped prior turned off (it was built
 *   from these corpora), then asked about this corpus's 'test' rows; medians over the corpora.
 *   (In process, with a prior rebuilt from the other corpora: eval:spam:offline --protocol cross-corpus.)
 * - all (default): the three, side by side.
 * --every-row: every row is a test row (nothing is trained): a cold start measured on a whole corpus,
 * as for a set written apart and measured blind (README, "The French outlets").
 * --settings: spam settings every site gets, as a site owner would set them (PATCH /api/v1/admin/settings).
 * The site's articles get the language given by --lang, else the rows' articleLanguage, else the
 * language most detected in the site's training rows. Rows are mapped to submissions as in
 * eval/local-engine.ts (rowToFeatures): rows without metadata are a platform's HTML export.
 */
import {
  evaluate,
  formatReport,
  mcc,
  median,
  metrics,
  type Engine,
  type EvalRow,
  type SiteResult,
} from '../eval/evaluate';
import type { Assessment } from '../src/spam/types';
import { dominantLanguage, formatMistakes, generatedEmail, rowToFeatures } from '../eval/local-engine';
import { admin, adminCall, path } from '../tests/harness/client';
import { setup } from '../tests/harness/node';
import { readCorpus } from './corpus';

const args = process.argv.slice(2);
const valued = new Set(['--lang', '--protocol', '--settings']);
const files = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? null) : null;
};
const protocol = option('--protocol') ?? 'all';
if (files.length === 0 || !['all', 'official', 'public', 'cross-corpus'].includes(protocol)) {
  console.error(
    'usage: npm run eval:spam -- <corpus.jsonl> [more.jsonl …] [--lang xx] [--mistakes] [--every-row] [--protocol all|official|public|cross-corpus] [--settings \'{"weightNewcomerLink":3}\']',
  );
  process.exit(2);
}
const forcedLanguage = option('--lang');
const showMistakes = args.includes('--mistakes');
const everyRow = args.includes('--every-row');
/** Spam settings every site of the run gets (PATCH /api/v1/admin/settings, key spam). */
const spamSettings = JSON.parse(option('--settings') ?? '{}') as Record<string, unknown>;
const corpora = files.map((file) => ({
  name: file.slice(file.lastIndexOf('/') + 1),
  rows: readCorpus(file).map((row) => (everyRow ? { ...row, split: 'test' as const } : row)),
}));

/** The submission a row stands for, cut to the API's limits. */
function submission(row: EvalRow, site: string): Record<string, unknown> {
  const f = rowToFeatures(row);
  const website = f.website?.trim();
  return {
    articleId: site,
    author: (f.author.trim() || 'Anonymous').slice(0, 100),
    email: f.email,
    content: f.content.slice(0, 5000),
    // A form's website field is often typed without its scheme ('monblog.fr'); WordPress stores it
    // with 'http://', and the API takes URLs only.
    ...(website ? { website: /^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `http://${website}` } : {}),
    ...(f.ip ? { ip: f.ip } : {}),
    ...(f.userAgent !== undefined ? { userAgent: f.userAgent ?? '' } : {}),
  };
}

let unprocessable = 0;
type Site = Awaited<ReturnType<typeof setup>>;

/**
 * A field the API refuses (a malformed IP, website or address in a corpus) is dropped or replaced,
 * as a form would have made its sender fix it. Returns null when the row cannot be sent at all.
 */
async function send(
  t: Site,
  route: string,
  wrap: (fields: Record<string, unknown>) => unknown,
  fields: Record<string, unknown>,
) {
  let res = await admin(t, route, { method: 'POST', body: JSON.stringify(wrap(fields)) });
  if (res.status === 422) {
    const bad = Object.keys(((await res.json()) as { errors?: Record<string, string> }).errors ?? {}).map((k) =>
      k.replace(/^comment\./, ''),
    );
    const fixed = Object.fromEntries(Object.entries(fields).filter(([k]) => !bad.includes(k)));
    if (bad.includes('email')) fixed.email = generatedEmail(String(fields.author));
    if (bad.includes('author')) fixed.author = 'Anonymous';
    res = await admin(t, route, { method: 'POST', body: JSON.stringify(wrap(fixed)) });
  }
  if (res.status === 422) {
    unprocessable++;
    return null;
  }
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res;
}

/** A fresh site whose articles are in the language of these rows; `prior: false` turns the shipped prior off. */
async function newSite(site: string, siteRows: readonly EvalRow[], prior = true): Promise<Site> {
  const t = await setup({ LOG_LEVEL: 'silent' });
  const language =
    forcedLanguage ?? siteRows.find((r) => r.articleLanguage)?.articleLanguage ?? dominantLanguage(siteRows);
  if (language)
    await admin(t, `/articles/${encodeURIComponent(site)}`, { method: 'PUT', body: JSON.stringify({ language }) });
  const spam = { ...spamSettings, ...(prior ? {} : { learnerPrior: false }) };
  if (Object.keys(spam).length > 0) await adminCall(t, 'PATCH', '/settings', { spam });
  return t;
}

const held: Assessment = { verdict: 'hold', score: 0, reasons: [] };

/** Moderators' decisions through the feedback endpoint, questions through the dry-run check. */
async function adminEngine(site: string, siteRows: readonly EvalRow[], prior = true): Promise<Engine> {
  const t = await newSite(site, siteRows, prior);
  return {
    async feedback(label, row) {
      await send(t, '/spam/feedback', (comment) => ({ label, comment }), submission(row, site));
    },
    async check(row) {
      const res = await send(t, '/spam/check', (fields) => fields, submission(row, site));
      // A submission the API refuses is not published: counted as held.
      return res ? ((await res.json()) as Assessment) : held;
    },
  };
}

let sent = 0;
/** Posts as a browser does (form token, then the comment, with the row's IP and user agent); the verdict read back as a moderator. */
async function publicEngine(site: string, siteRows: readonly EvalRow[]): Promise<Engine> {
  const t = await newSite(site, siteRows);
  return {
    async feedback() {
      throw new Error('the public protocol trains nothing');
    },
    async check(row) {
      const { articleId: _, ip, userAgent, ...fields } = submission(row, site);
      const form = await t.request(`/api/v1/articles/${encodeURIComponent(site)}/form`);
      const { token } = (await form.json()) as { token: string };
      t.clock.advance(20_000); // past minSeconds, and past flood control's floodSeconds
      sent++;
      const res = await t.request(path(site), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(userAgent !== undefined ? { 'User-Agent': String(userAgent) } : {}),
          // The row's address, else one per row (flood control counts per address).
          'X-Forwarded-For': String(ip ?? `198.18.${(sent >> 8) & 255}.${sent & 255}`),
        },
        body: JSON.stringify({ ...fields, token }),
      });
      if (res.status !== 201) return held; // refused (a duplicate, a field the API takes not): not published
      const { id } = ((await res.json()) as { comment: { id: string } }).comment;
      const stored = (await adminCall(t, 'GET', `/comments/${encodeURIComponent(id)}`)).body.comment;
      return { verdict: stored.verdict, score: stored.score ?? 0, reasons: stored.reasons ?? [] } as Assessment;
    },
  };
}

function print(title: string, results: readonly SiteResult[]) {
  console.log(formatReport(`== ${title}`, results));
  if (showMistakes) for (const line of formatMistakes(results)) console.log(line);
  console.log();
}

/** The figures the targets name, as medians over the sites given. */
function medians(title: string, results: readonly SiteResult[]) {
  const of = (pick: (r: SiteResult) => number) => median(results.map(pick));
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(
    `  ${title.padEnd(56)} MCC ${of((r) => mcc(r.strict)).toFixed(3)} | ${of((r) => mcc(r.loose)).toFixed(3)}` +
      `   spam published ${pct(of((r) => 1 - metrics(r.loose).recall))}   ham judged spam ${pct(of((r) => metrics(r.strict).blockedHam))}` +
      `   ham published ${pct(of((r) => 1 - metrics(r.loose).blockedHam))}   (${results.length} sites)`,
  );
}

const summary: Array<[string, SiteResult[]]> = [];
const run = async (title: string, results: Promise<SiteResult[]>) => {
  const done = await results;
  summary.push([title, done]);
  return done;
};

for (const { name, rows } of corpora) {
  if (protocol === 'all' || protocol === 'official') {
    print(
      `${name}: official split, trained (feedback on the train rows, then check on the test rows)`,
      await run(
        `${name}: official, trained`,
        evaluate(rows, (s, r) => adminEngine(s, r), { train: true }),
      ),
    );
    print(
      `${name}: cold start, nothing trained (rules and the shipped prior)`,
      await run(
        `${name}: cold start (admin check)`,
        evaluate(rows, (s, r) => adminEngine(s, r), { train: false }),
      ),
    );
  }
  if (protocol === 'all' || protocol === 'public') {
    print(
      `${name}: cold start through the public API, as a browser posts`,
      await run(`${name}: cold start, public API`, evaluate(rows, publicEngine, { train: false })),
    );
  }
}
if ((protocol === 'all' || protocol === 'cross-corpus') && corpora.length > 1) {
  const results: SiteResult[] = [];
  for (const { name, rows } of corpora) {
    // One site: the other corpora's train rows, then this corpus's test rows (every site of it).
    const data = [
      ...corpora.filter((c) => c.name !== name).flatMap((c) => c.rows.filter((row) => row.split === 'train')),
      ...rows.filter((row) => row.split === 'test'),
    ].map((row) => ({ ...row, site: name }));
    const language = forcedLanguage ?? rows.find((r) => r.articleLanguage)?.articleLanguage ?? dominantLanguage(rows);
    const result = await evaluate(
      data,
      (site, siteRows) =>
        adminEngine(site, language ? siteRows.map((r) => ({ ...r, articleLanguage: language })) : siteRows, false),
      { train: true },
    );
    results.push(...result);
    print(`${name}: cross-corpus, trained with the other corpora's decisions (no prior), tested on this one`, result);
  }
  summary.push(['all: cross-corpus, trained on the others', results]);
}

console.log('== Side by side: medians over the sites (MCC spam as blocked | spam+hold as blocked)');
for (const [title, results] of summary) medians(title, results);
if (unprocessable)
  console.log(`${unprocessable} rows could not be sent even without their invalid fields (counted as held).`);
