import { readFileSync } from 'node:fs';
import { parseCorpus, type EvalRow } from '../src/spam/eval';

/** The rows of a JSONL corpus file; an unreadable file or a bad row ends the process with a clear message. */
export function readCorpus(file: string): EvalRow[] {
  try {
    return parseCorpus(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
