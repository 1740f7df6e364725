import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Reads `.env` from the working directory when there is one, with Node's own parser (the one behind
 * `node --env-file-if-exists`): a variable already in the environment keeps its value, even an empty
 * one, so the environment wins over the file. Called by each Node entry (the server, the `tamis`
 * command) before the configuration is parsed, so that `npm start`, `node dist/entry/node.js` and
 * `tamis …` read it alike (a bin's `#!/usr/bin/env node` line cannot pass Node a flag on every
 * platform). Node options (NODE_OPTIONS) in the file come too late to apply. Returns the path read,
 * or null.
 */
export function loadDotEnv(file = '.env'): string | null {
  if (!existsSync(file)) return null;
  process.loadEnvFile(file);
  return resolve(file);
}
