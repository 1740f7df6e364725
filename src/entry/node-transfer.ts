import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { bootstrap } from '../bootstrap';
import type { Config } from '../config';
import { systemClock, type Deps } from '../deps';
import type { ArticleIdFrom, ImportSource } from '../import';
import { createLogger, logFailure } from '../logger';
import { exportLines } from '../services/export';
import { importComments, type ImportSummary } from '../services/import';
import { COMMAND_LINE_ACTOR } from './cli-tasks';
import { CommandError } from './command-error';
import { deriveNodeKeys } from './node-crypto';
import { openDatabase } from './node-db';
import { nodeSecret } from './node-secret';

/** `tamis import` and `tamis export`: the services of services/import.ts and services/export.ts on DATABASE_URL. */

/** The deps the server would run with (its secret, its keys), for a command; `close` when done. */
async function commandDeps(config: Config, tell: (text: string) => void) {
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const { db, client } = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  const secret = config.SECRET ?? (await nodeSecret(db, config, logger));
  const { keys, generatedAdminToken } = await bootstrap(db, config, systemClock.now(), {
    derive: deriveNodeKeys,
    logger,
    secret,
  });
  if (generatedAdminToken)
    tell(`No admin token was configured, so one was generated. It is shown only this once: ${generatedAdminToken}`);
  const pending = new Set<Promise<unknown>>();
  const deps: Deps = {
    db,
    config,
    clock: systemClock,
    logger,
    keys,
    defer: (task) => {
      const p = logFailure(logger, task);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
  };
  return {
    deps,
    close: async () => {
      while (pending.size) await Promise.all([...pending]);
      client.close();
    },
  };
}

const number = (n: number) => n.toLocaleString('en-US');
const duration = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/** A progress line on a terminal, written again in place: comments, comments per second, share of the file, ETA. */
function progressBar(total: number, write: (text: string) => void) {
  const started = performance.now();
  let last = 0;
  return {
    update({ comments, bytes }: { comments: number; bytes: number }, final = false) {
      const now = performance.now();
      if (!final && now - last < 100) return;
      last = now;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? comments / seconds : 0;
      const share = total > 0 ? Math.min(1, bytes / total) : 0;
      const width = 24;
      const filled = Math.round(share * width);
      const eta = share > 0 && share < 1 ? duration((seconds / share) * (1 - share)) : '0:00';
      write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(share * 100)}%  ${number(comments)} comments  ${number(Math.round(rate))}/s  ETA ${eta}${final ? '\n' : ''}`,
      );
    },
  };
}

export interface ImportCommandOptions {
  from: ImportSource;
  articleId?: ArticleIdFrom | undefined;
  dryRun: boolean;
}

/** Imports a file into DATABASE_URL; the summary. A progress bar on `progress` (a terminal), when given. */
export async function importCommand(
  config: Config,
  file: string,
  options: ImportCommandOptions,
  tell: (text: string) => void,
  progress?: (text: string) => void,
): Promise<ImportSummary> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new CommandError(`${file} is not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const { deps, close } = await commandDeps(config, tell);
  const bar = progress ? progressBar(size, progress) : null;
  try {
    const summary = await importComments(deps, createReadStream(file), {
      ...options,
      fileName: basename(file),
      actor: { id: null, name: COMMAND_LINE_ACTOR },
      onProgress: bar ? (p) => bar.update(p) : undefined,
    });
    bar?.update({ comments: summary.comments.total + (summary.skipped.already_imported ?? 0), bytes: size }, true);
    return summary;
  } finally {
    await close();
  }
}

/** Writes the export of DATABASE_URL to `out` (standard output), waiting when it is full. */
export async function exportCommand(config: Config, out: NodeJS.WritableStream, tell: (text: string) => void) {
  const { deps, close } = await commandDeps(config, tell);
  let lines = 0;
  try {
    for await (const text of exportLines(deps)) {
      lines += text.split('\n').length - 1;
      if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
    }
  } finally {
    await close();
  }
  return { lines };
}
