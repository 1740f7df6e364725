import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a generated module only when its text changed (so that a watcher or a build that reads
 * it sees no change otherwise), through a temporary file renamed into place (never half-written).
 */
export function writeIfChanged(path: string, text: string) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (current === text) return;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
