/**
 * The splits of the shuffled protocol, written for other tools: one JSON line per seed,
 * `{"seed": 1, "split": ["train", "test", …]}`, the split of each row of the corpus in its order
 * (blank lines skipped). scripts/baselines.py --shuffled reads them, so that its classifiers are
 * measured on the very rows `npm run eval:spam:offline -- <file> --protocol shuffled` uses.
 *
 *   npx tsx scripts/corpus-splits.ts ../shared/spam-corpus/youtube-dev.jsonl [--seeds 20] > splits.jsonl
 */
import { readCorpus, shuffledSplit } from './corpus';

const args = process.argv.slice(2);
const seedsAt = args.indexOf('--seeds');
const seeds = seedsAt >= 0 ? Number(args[seedsAt + 1]) : 20;
const file = args.find((arg, i) => !arg.startsWith('--') && !(seedsAt >= 0 && i === seedsAt + 1));
if (!file || !Number.isInteger(seeds) || seeds < 1) {
  console.error('usage: corpus-splits.ts <corpus.jsonl> [--seeds n] > splits.jsonl');
  process.exit(2);
}
const rows = readCorpus(file);
for (let seed = 1; seed <= seeds; seed++) {
  const split = new Array<string>(rows.length);
  for (const { index, row } of shuffledSplit(rows, seed)) split[index] = row.split;
  process.stdout.write(`${JSON.stringify({ seed, split })}\n`);
}
