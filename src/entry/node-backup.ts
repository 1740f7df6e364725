import { existsSync, statSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Config } from '../config';
import { CommandError } from './command-error';
import { createFileClient } from './node-client';
import { BUSY_TIMEOUT_MS, localDatabasePath, openDatabase } from './node-db';
import { secretFilePath } from './node-secret';

export class BackupError extends CommandError {}

export interface Backup {
  /** The copy's absolute path. */
  file: string;
  bytes: number;
  /** What `PRAGMA quick_check` said of the copy: "ok". */
  check: string;
  /** The key file the copy cannot be read without; null when the secret is SECRET (or the key file is not where this configuration says). */
  keyFile: string | null;
}

/**
 * `tamis backup <file>`: a consistent copy of the database file, taken while the server runs.
 * `VACUUM INTO` reads one snapshot in a read transaction, which in WAL mode neither waits for the
 * server's writes nor holds them up, and writes a compact copy of it; the copy is checked with
 * `PRAGMA quick_check`. The database is not migrated (the server owns its schema). The target is
 * created first, exclusively and with mode 0600: an existing file is never overwritten.
 *
 * The secret is not in the copy (never in the database: SECRET, or the key file), and the copy's
 * emails and IPs cannot be read without it.
 */
export async function backupDatabase(config: Config, target: string): Promise<Backup> {
  const path = localDatabasePath(config.DATABASE_URL);
  if (path === null) {
    throw new BackupError(
      'DATABASE_URL is a remote database (Turso): back it up with its own tools; this command copies a local database file.',
    );
  }
  if (path === ':memory:') throw new BackupError('DATABASE_URL is :memory:, which has nothing to copy.');
  if (!existsSync(path)) throw new BackupError(`There is no database file at ${resolve(path)} (DATABASE_URL).`);

  const file = resolve(target);
  const handle = await open(file, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST')
      throw new BackupError(`${file} exists: a backup never overwrites a file. Give a new name.`);
    throw new BackupError(`${file} cannot be created (${error.code ?? error.message}).`);
  });
  await handle.close();

  let done = false;
  try {
    const { client } = await openDatabase(config.DATABASE_URL, undefined, { migrate: false });
    try {
      // An empty target is allowed by VACUUM INTO: the one just created, which nobody else can have taken.
      await client.execute({ sql: 'VACUUM INTO ?', args: [file] });
    } finally {
      client.close();
    }
    const copy = createFileClient(file, BUSY_TIMEOUT_MS);
    let check: string;
    try {
      check = String((await copy.execute('PRAGMA quick_check')).rows[0]?.[0]);
    } finally {
      copy.close();
    }
    if (check !== 'ok') throw new BackupError(`The copy in ${file} failed its check: ${check}`);
    done = true;
    const keyFile = config.SECRET ? null : secretFilePath(config);
    return { file, bytes: statSync(file).size, check, keyFile: keyFile && existsSync(keyFile) ? keyFile : null };
  } finally {
    if (!done) await unlink(file).catch(() => undefined);
  }
}
