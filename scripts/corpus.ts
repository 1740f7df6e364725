import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parseCorpus, type EvalRow } from '../eval/evaluate';

/** The rows of a JSONL corpus file; an unreadable file or a bad row ends the process with a clear message. */
export function readCorpus(file: string): EvalRow[] {
  try {
    return parseCorpus(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}

/** The split of the i-th of n rows of one class, in the protocol's order: the first 70 % train. */
export const trainOrTest = (i: number, n: number): EvalRow['split'] => (i < Math.round(n * 0.7) ? 'train' : 'test');

/** A small deterministic generator (mulberry32), so that a seed always gives the same split. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One split of the shuffled protocol (`eval:spam:offline --protocol shuffled`, and the baselines
 * of scripts/baselines.py, which read it from scripts/corpus-splits.ts): for each site (in order of
 * first appearance) and class (spam, then ham), the rows in a random order drawn from `seed`, the
 * first 70 % to train. Returns them in that order, each with its split and its index in `rows`.
 */
export function shuffledSplit(rows: readonly EvalRow[], seed: number): Array<{ index: number; row: EvalRow }> {
  const next = random(seed * 7919);
  const sites = [...new Set(rows.map((row) => row.site))];
  return sites.flatMap((site) =>
    (['spam', 'ham'] as const).flatMap((label) => {
      const group = rows
        .map((row, index) => ({ row, index }))
        .filter(({ row }) => row.site === site && row.label === label)
        .map((entry) => ({ ...entry, key: next() }))
        .sort((a, b) => a.key - b.key);
      return group.map(({ row, index }, i) => ({ index, row: { ...row, split: trainOrTest(i, group.length) } }));
    }),
  );
}

/**
 * One video of the YouTube Spam Collection (UCI dataset 380; CSV columns COMMENT_ID, AUTHOR, DATE,
 * CONTENT, CLASS with 1 for spam) as corpus rows, by the protocol of the development corpus
 * (../shared/spam-corpus/README.md): exact duplicate texts removed, the oldest kept; then, per
 * class in chronological order, the oldest 70 % train and the newest 30 % test. Rows without a
 * date count as the oldest. The rows keep the file's order; metadata is null, as in the export.
 *
 * The published experiments (TubeSpam, ICMLA 2015) split differently: duplicates kept
 * (`keepDuplicates`), and the file's order taken as time order, oldest first (`fileOrder`). The
 * collection's files do not all run the same way (Psy's runs from the oldest, LMFAO's from the
 * newest), so on LMFAO that split tests on the oldest 30 %.
 */
export function tubeSpamRows(site: string, csv: string, { keepDuplicates = false, fileOrder = false } = {}): EvalRow[] {
  const records = parse(csv, { columns: true, skip_empty_lines: true, relax_quotes: true, bom: true }) as Array<
    Record<string, string>
  >;
  const rows = records.map((record, index) => {
    const label = { '1': 'spam' as const, '0': 'ham' as const }[record.CLASS?.trim() ?? ''];
    if (!label) throw new Error(`${site}, record ${index + 1}: CLASS is neither 0 nor 1`);
    // The collection's dates have no time zone: read them as UTC, whatever the machine's zone.
    const date = (record.DATE ?? '').trim();
    const time = Date.parse(/T[\d:.]+$/.test(date) ? `${date}Z` : date);
    const row: EvalRow = {
      id: record.COMMENT_ID,
      site,
      author: record.AUTHOR ?? '',
      email: null,
      website: null,
      ip: null,
      userAgent: null,
      content: record.CONTENT ?? '',
      label,
      split: 'test',
    };
    return { index, time: fileOrder ? index : Number.isNaN(time) ? -Infinity : time, row };
  });
  // The oldest of each text, in time order; then each class cut at 70 %.
  const seen = new Set<string>();
  const unique = [...rows]
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .filter(({ row }) => keepDuplicates || (!seen.has(row.content) && seen.add(row.content)));
  for (const label of ['spam', 'ham'] as const) {
    const group = unique.filter(({ row }) => row.label === label);
    for (const [i, { row }] of group.entries()) row.split = trainOrTest(i, group.length);
  }
  const kept = new Set(unique.map(({ row }) => row));
  return rows.map(({ row }) => row).filter((row) => kept.has(row));
}
