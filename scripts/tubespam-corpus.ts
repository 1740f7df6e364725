/**
 * A corpus for `npm run eval:spam` from videos of the YouTube Spam Collection (UCI dataset 380),
 * with the protocol of the development corpus (see tubeSpamRows in scripts/corpus.ts). The site
 * is the name in the file name (Youtube04-Eminem.csv → Eminem).
 *
 *   npx tsx scripts/tubespam-corpus.ts Youtube04-Eminem.csv Youtube05-Shakira.csv > more-videos.jsonl
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tubeSpamRows } from './corpus';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: tubespam-corpus.ts <YoutubeNN-Name.csv>… > corpus.jsonl');
  process.exit(2);
}
for (const file of files) {
  const site = /^Youtube\d*-(.+)\.csv$/i.exec(basename(file))?.[1] ?? basename(file).replace(/\.csv$/i, '');
  try {
    for (const row of tubeSpamRows(site, readFileSync(file, 'utf8'))) process.stdout.write(`${JSON.stringify(row)}\n`);
  } catch (error) {
    console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
