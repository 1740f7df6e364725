/**
 * A corpus for `npm run eval:spam` from videos of the YouTube Spam Collection (UCI dataset 380),
 * with the protocol of the development corpus (see tubeSpamRows in scripts/corpus.ts). The site
 * is the name in the file name (Youtube04-Eminem.csv → Eminem).
 *
 *   npx tsx scripts/tubespam-corpus.ts Youtube04-Eminem.csv Youtube05-Shakira.csv > more-videos.jsonl
 *
 * The split of the published experiments (TubeSpam, ICMLA 2015; see tubeSpamRows):
 *
 *   npx tsx scripts/tubespam-corpus.ts --keep-duplicates --file-order Youtube03-LMFAO.csv > lmfao-published.jsonl
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tubeSpamRows } from './corpus';

const args = process.argv.slice(2);
const flags = ['--keep-duplicates', '--file-order'];
const options = { keepDuplicates: args.includes('--keep-duplicates'), fileOrder: args.includes('--file-order') };
const files = args.filter((arg) => !flags.includes(arg));
if (files.length === 0) {
  console.error('usage: tubespam-corpus.ts [--keep-duplicates] [--file-order] <YoutubeNN-Name.csv>… > corpus.jsonl');
  process.exit(2);
}
for (const file of files) {
  const site = /^Youtube\d*-(.+)\.csv$/i.exec(basename(file))?.[1] ?? basename(file).replace(/\.csv$/i, '');
  try {
    for (const row of tubeSpamRows(site, readFileSync(file, 'utf8'), options))
      process.stdout.write(`${JSON.stringify(row)}\n`);
  } catch (error) {
    console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
