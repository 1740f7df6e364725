import { z } from 'zod';
import { LABELS, type Assessment, type Label } from '../src/spam/types';

/**
 * Offline evaluation of a spam engine on labelled comments: confusion matrices, metrics and the
 * report. The engine is anything that can be told a moderator's decision and asked for a verdict,
 * so the same runner measures the in-process checks (local-engine.ts) or the HTTP API.
 * Spam is the positive class throughout.
 */

/** One labelled comment, as in the JSONL corpora (`null` where the source has no such metadata). */
export interface EvalRow {
  id?: string;
  site: string;
  author: string;
  email: string | null;
  website: string | null;
  ip: string | null;
  userAgent: string | null;
  content: string;
  label: Label;
  split: 'train' | 'test';
  /** Language of the article, when the corpus knows it. */
  articleLanguage?: string | null;
}

/** Text or nothing: a missing key, null, or a number written where text was expected. */
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? null : String(value)));
const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.enum(values));

/**
 * One corpus row. Lenient where a corpus may differ without changing the meaning (a missing key
 * is null, an author or content left out is empty, "Spam" is spam), strict on what the evaluation
 * needs: a site, a label and a split.
 */
const CorpusRow = z.object({
  id: optionalText.transform((value) => value ?? undefined),
  site: z.union([z.string().min(1), z.number()]).transform(String),
  author: optionalText.transform((value) => value ?? ''),
  email: optionalText,
  website: optionalText,
  ip: optionalText,
  userAgent: optionalText,
  content: optionalText.transform((value) => value ?? ''),
  label: oneOf(LABELS),
  split: oneOf(['train', 'test']),
  articleLanguage: optionalText,
});

/**
 * The rows of a JSONL corpus (one JSON object per line; blank lines skipped). A line that is not
 * JSON, or lacks a site, a label or a split, stops the evaluation with its line number.
 */
export function parseCorpus(text: string): EvalRow[] {
  const rows: EvalRow[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${index + 1}: not a JSON object`);
    }
    const row = CorpusRow.safeParse(value);
    if (!row.success) {
      const fields = [...new Set(row.error.issues.map((issue) => issue.path.join('.') || '(row)'))];
      throw new Error(`line ${index + 1}: missing or invalid ${fields.join(', ')}`);
    }
    const { id, articleLanguage, ...rest } = row.data;
    rows.push({ ...rest, ...(id !== undefined ? { id } : {}), ...(articleLanguage ? { articleLanguage } : {}) });
  });
  return rows;
}

export interface Engine {
  /** A moderator's decision on a comment (training). */
  feedback(label: Label, row: EvalRow): Promise<void>;
  check(row: EvalRow): Promise<Assessment>;
}

export interface Confusion {
  /** Spam blocked. */
  tp: number;
  /** Ham blocked. */
  fp: number;
  /** Ham let through. */
  tn: number;
  /** Spam let through. */
  fn: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  /** Share of spam blocked. */
  recall: number;
  precision: number;
  /** Share of ham blocked. */
  blockedHam: number;
  f1: number;
  mcc: number;
}

const emptyConfusion = (): Confusion => ({ tp: 0, fp: 0, tn: 0, fn: 0 });

function addToConfusion(c: Confusion, label: Label, blocked: boolean): Confusion {
  if (label === 'spam') blocked ? c.tp++ : c.fn++;
  else blocked ? c.fp++ : c.tn++;
  return c;
}

export function confusionOf(pairs: Iterable<{ label: Label; blocked: boolean }>): Confusion {
  const c = emptyConfusion();
  for (const { label, blocked } of pairs) addToConfusion(c, label, blocked);
  return c;
}

export function sumConfusions(cs: Iterable<Confusion>): Confusion {
  const total = emptyConfusion();
  for (const c of cs) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.tn += c.tn;
    total.fn += c.fn;
  }
  return total;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** The median of some figures (the mean of the middle two for an even count; 0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Matthews correlation coefficient; 0 when a row or column of the matrix is empty. */
export function mcc({ tp, fp, tn, fn }: Confusion): number {
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator;
}

export function metrics(c: Confusion): Metrics {
  const n = c.tp + c.fp + c.tn + c.fn;
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  return {
    n,
    accuracy: ratio(c.tp + c.tn, n),
    recall,
    precision,
    blockedHam: ratio(c.fp, c.fp + c.tn),
    f1: ratio(2 * precision * recall, precision + recall),
    mcc: mcc(c),
  };
}

/** Outcome of one site: strict counts only 'spam' as blocked, loose counts 'spam' and 'hold'. */
export interface SiteResult {
  site: string;
  strict: Confusion;
  loose: Confusion;
  /** The test rows the engine got wrong under the strict reading, and the ham it held, for inspection. */
  mistakes: Array<{ row: EvalRow; assessment: Assessment }>;
}

export interface EvaluateOptions {
  /** Train on the 'train' rows first (false: cold start, the engine learns nothing). */
  train: boolean;
}

/**
 * Runs the protocol: per site, a fresh engine; feedback for every 'train' row (in file order) when
 * training; then a verdict for every 'test' row.
 */
export async function evaluate(
  rows: readonly EvalRow[],
  newEngine: (site: string, siteRows: readonly EvalRow[]) => Engine | Promise<Engine>,
  options: EvaluateOptions,
): Promise<SiteResult[]> {
  const sites = [...new Set(rows.map((row) => row.site))];
  const results: SiteResult[] = [];
  for (const site of sites) {
    const siteRows = rows.filter((row) => row.site === site);
    const engine = await newEngine(site, siteRows);
    if (options.train) {
      for (const row of siteRows) if (row.split === 'train') await engine.feedback(row.label, row);
    }
    const strict = emptyConfusion();
    const loose = emptyConfusion();
    const mistakes: SiteResult['mistakes'] = [];
    for (const row of siteRows) {
      if (row.split !== 'test') continue;
      const assessment = await engine.check(row);
      const blocked = assessment.verdict === 'spam';
      addToConfusion(strict, row.label, blocked);
      addToConfusion(loose, row.label, assessment.verdict !== 'approve');
      if (assessment.verdict !== (row.label === 'spam' ? 'spam' : 'approve')) mistakes.push({ row, assessment });
    }
    results.push({ site, strict, loose, mistakes });
  }
  return results;
}

const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
const num = (x: number) => x.toFixed(3);

function formatMetricsLine(label: string, c: Confusion): string {
  const m = metrics(c);
  return (
    `  ${label.padEnd(10)} TP ${String(c.tp).padStart(4)}  FN ${String(c.fn).padStart(4)}  FP ${String(c.fp).padStart(4)}  TN ${String(c.tn).padStart(4)}` +
    `  acc ${pct(m.accuracy)}  spam caught ${pct(m.recall)}  ham blocked ${pct(m.blockedHam)}  F1 ${num(m.f1)}  MCC ${num(m.mcc)}`
  );
}

/** The report: per site and overall, 'spam' as blocked, then 'spam' + 'hold' as blocked. */
export function formatReport(title: string, results: readonly SiteResult[]): string {
  const lines = [title];
  const block = (name: string, strict: Confusion, loose: Confusion) => {
    lines.push(`${name} (n=${metrics(strict).n})`);
    lines.push(formatMetricsLine('spam', strict));
    lines.push(formatMetricsLine('spam+hold', loose));
  };
  for (const r of results) block(r.site, r.strict, r.loose);
  if (results.length > 1) {
    block('overall', sumConfusions(results.map((r) => r.strict)), sumConfusions(results.map((r) => r.loose)));
  }
  return lines.join('\n');
}

// Corpus rows ------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** A URL or its display form, compared loosely: no scheme, no "www.", no trailing slash or ellipsis. */
const looseUrl = (url: string) =>
  url
    .trim()
    .toLowerCase()
    .replace(/^(?:[a-z][a-z0-9+.-]*:)?\/\//, '')
    .replace(/^www\./, '')
    .replace(/(?:\/|…|\.\.\.)+$/, '');

/**
 * Whether an anchor is one the platform made around what was typed: a URL or a domain shown as
 * itself (or shortened), a timestamp, a #hashtag, a +mention or @mention. Any other anchor (text that
 * hides where it leads, "cheap pills") was typed as HTML by the commenter, as blog spam does.
 */
function platformAnchor(attributes: string, text: string, before: string): boolean {
  const href = looseUrl(
    decodeEntities(
      /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i
        .exec(attributes)
        ?.slice(1)
        .find((v) => v !== undefined) ?? '',
    ),
  );
  const typed = decodeEntities(text).trim();
  const shown = looseUrl(typed);
  // The URL itself, or cut short: at a path, query or fragment boundary, or with an ellipsis.
  if (/^[^\s.]+(?:\.[^\s.]+)+$/u.test(shown) && href.startsWith(shown)) {
    const next = href.charAt(shown.length);
    if (next === '' || '/?#'.includes(next) || /(?:…|\.\.\.)$/.test(typed)) return true;
  }
  return /^(?:\d{1,2}:)?\d{1,2}:\d{2}$/.test(typed) || /^[#@+]\S+$/u.test(typed) || /[+@]$/.test(before);
}

/**
 * Text as the commenter typed it, from a platform's HTML rendering of it. The YouTube Spam
 * Collection holds YouTube's HTML: line breaks as <br />, entities, and anchors that YouTube
 * itself added around what people typed (URLs, timestamps, #hashtags, +mentions). A comment form
 * receives the typed text, so those anchors become their text again and a trailing U+FEFF (an
 * artefact of the export) is dropped. An anchor the platform did not make (its text is not where
 * it leads) was typed as HTML, and stays.
 */
export function textFromHtmlExport(html: string): string {
  const withoutOtherTags = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/?(?!a\b)[a-z][^>]*>/gi, '');
  const text = withoutOtherTags.replace(
    /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi,
    (whole, attributes: string, inner: string, offset: number) =>
      platformAnchor(attributes, inner, withoutOtherTags.slice(Math.max(0, offset - 1), offset)) ? inner : whole,
  );
  return decodeEntities(text)
    .replace(/\uFEFF/g, '')
    .trim();
}

/**
 * Whether a row is a platform's HTML export rather than a raw form submission: rows without any
 * submission metadata (no email, IP or user agent), as in the YouTube collection. Rows with
 * metadata (blog or WordPress comments) are taken as submitted, markup included.
 */
export const isHtmlExport = (row: EvalRow) => row.email === null && row.ip === null && row.userAgent === null;
