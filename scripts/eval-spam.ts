/**
 * Evaluation of the spam defence through the HTTP API, on a labelled JSONL corpus.
 *
 *   npm run eval:spam -- /work/shared/spam-corpus/youtube-dev.jsonl [--lang xx] [--mistakes]
 *
 * Per site, on a fresh migrated database: every 'train' row goes through
 * POST /api/v1/admin/spam/feedback (exactly what a moderator's decision does), then every 'test'
 * row through POST /api/v1/admin/spam/check. Then a cold start: a fresh database, no training.
 * The site's articles get the language given by --lang, else the rows' articleLanguage, else the
 * language most detected in the site's training rows. Rows are mapped to submissions as in
 * eval/local-engine.ts (rowToFeatures): rows without metadata are a platform's HTML export.
 */
import { evaluate, formatReport, type Engine, type EvalRow } from '../eval/evaluate';
import type { Assessment } from '../src/spam/types';
import { dominantLanguage, formatMistakes, generatedEmail, rowToFeatures } from '../eval/local-engine';
import { admin } from '../tests/harness/client';
import { setup } from '../tests/harness/node';
import { readCorpus } from './corpus';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--lang');
if (!file) {
  console.error('usage: npm run eval:spam -- <corpus.jsonl> [--lang xx] [--mistakes]');
  process.exit(2);
}
const langIndex = args.indexOf('--lang');
const forcedLanguage = langIndex >= 0 ? (args[langIndex + 1] ?? null) : null;
const showMistakes = args.includes('--mistakes');

const rows = readCorpus(file);

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

/**
 * A field the API refuses (a malformed IP, website or address in a corpus) is dropped or replaced,
 * as a form would have made its sender fix it. Returns null when the row cannot be sent at all.
 */
async function send(
  t: Awaited<ReturnType<typeof setup>>,
  path: string,
  wrap: (fields: Record<string, unknown>) => unknown,
  fields: Record<string, unknown>,
) {
  let res = await admin(t, path, { method: 'POST', body: JSON.stringify(wrap(fields)) });
  if (res.status === 422) {
    const bad = Object.keys(((await res.json()) as { errors?: Record<string, string> }).errors ?? {}).map((k) =>
      k.replace(/^comment\./, ''),
    );
    const fixed = Object.fromEntries(Object.entries(fields).filter(([k]) => !bad.includes(k)));
    if (bad.includes('email')) fixed.email = generatedEmail(String(fields.author));
    if (bad.includes('author')) fixed.author = 'Anonymous';
    res = await admin(t, path, { method: 'POST', body: JSON.stringify(wrap(fixed)) });
  }
  if (res.status === 422) {
    unprocessable++;
    return null;
  }
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function httpEngine(site: string, siteRows: readonly EvalRow[]): Promise<Engine> {
  const t = await setup({ LOG_LEVEL: 'silent' });
  const language =
    forcedLanguage ?? siteRows.find((r) => r.articleLanguage)?.articleLanguage ?? dominantLanguage(siteRows);
  if (language)
    await admin(t, `/articles/${encodeURIComponent(site)}`, { method: 'PUT', body: JSON.stringify({ language }) });
  return {
    async feedback(label, row) {
      await send(t, '/spam/feedback', (comment) => ({ label, comment }), submission(row, site));
    },
    async check(row) {
      const res = await send(t, '/spam/check', (fields) => fields, submission(row, site));
      // A submission the API refuses is not published: counted as held.
      return res ? ((await res.json()) as Assessment) : { verdict: 'hold', score: 0, reasons: [] };
    },
  };
}

for (const [title, train] of [
  ['Trained: feedback on the train rows, then check on the test rows', true],
  ['Cold start: nothing trained', false],
] as const) {
  const results = await evaluate(rows, httpEngine, { train });
  console.log(formatReport(`== ${title}`, results));
  if (showMistakes) for (const line of formatMistakes(results)) console.log(line);
  console.log();
}
if (unprocessable)
  console.log(`${unprocessable} rows could not be sent even without their invalid fields (counted as held).`);
