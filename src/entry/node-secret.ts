import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type Config } from '../config';
import { randomToken } from '../crypto';
import { holdsAddresses, storedSecret } from '../db/secret';
import type { Db } from '../deps';
import type { Logger } from '../logger';
import { localDatabasePath } from './node-db';

/**
 * The secret of a Node server started without SECRET: generated on first start and kept in a key
 * file outside the database (mode 0600), so that a copy of the database, or a backup of it, cannot
 * be decrypted without that file. Earlier releases kept it in the database's `meta` table: it is
 * moved out (the file written and synced first; bootstrap then deletes the row, so a stop in
 * between loses nothing). See docs/reliability.md, "Privacy at rest".
 */

const invalid = (name: string, message: string) => new ConfigError(`Invalid configuration:\n  ${name}: ${message}`);

/** SECRET_FILE, or `secret.key` beside the database file; null for a database in memory or a remote one. */
export function secretFilePath(config: Pick<Config, 'SECRET_FILE' | 'DATABASE_URL'>): string | null {
  if (config.SECRET_FILE) return resolve(config.SECRET_FILE);
  const path = localDatabasePath(config.DATABASE_URL);
  return path === null || path === ':memory:' ? null : join(dirname(resolve(path)), 'secret.key');
}

/** Where `tamis rotate-secret` (entry/rotate-secret.ts) puts the new secret until the database is re-encrypted with it. */
export const pendingSecretFile = (file: string) => `${file}.new`;

/** The secret a key file holds, or null when there is no such file. */
export async function readSecretFile(file: string, logger?: Logger): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw invalid('SECRET_FILE', `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const secret = text.trim();
  if (secret.length < 32) throw invalid('SECRET_FILE', `${file} does not hold a secret of at least 32 characters`);
  if (logger && process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
    logger.warn('secret_file.permissions', {
      file,
      detail: 'Other users of this machine can read the key file: chmod 600 it.',
    });
  }
  return secret;
}

/** Makes a directory's entries durable (a new or renamed file); not possible everywhere (Windows). */
async function syncDirectory(dir: string) {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some platforms refuse to sync a directory: the rename or link is still atomic.
  } finally {
    await handle.close();
  }
}

/**
 * Creates the key file with `secret`, unless it exists: written in full to a temporary file (mode
 * 0600) and synced, then linked to its name, which fails if another process linked first. Returns
 * the secret the file holds: this one, or the other process's, so that both use the same.
 */
export async function createSecretFile(file: string, secret: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${secret}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
  await syncDirectory(dirname(file));
  return (await readSecretFile(file))!;
}

/** Replaces the key file with `from` (a rotation's new secret), atomically, and makes it durable. */
export async function replaceSecretFile(from: string, file: string) {
  await rename(from, file);
  await syncDirectory(dirname(file));
}

/**
 * The secret of a Node server without SECRET. A database in memory gets a new one each time; a
 * database file, its key file (created on first start, or from the secret an earlier release kept in
 * the database). Refuses to start rather than guess: a remote database without SECRET_FILE (servers
 * elsewhere share it), a key file missing while the database holds encrypted addresses (a new secret
 * would leave them unreadable), a key file and a secret in the database that differ, or a rotation
 * left unfinished.
 */
export async function nodeSecret(db: Db, config: Config, logger: Logger): Promise<string> {
  const file = secretFilePath(config);
  if (file === null) {
    if (localDatabasePath(config.DATABASE_URL) === ':memory:') return randomToken();
    throw invalid(
      'SECRET',
      'required with a remote database, which servers on other machines may share: set SECRET (at least 32 characters), ' +
        'or SECRET_FILE to a key file every server gets (a secret kept in the database is moved there)',
    );
  }
  const pending = pendingSecretFile(file);
  if (
    await stat(pending).then(
      () => true,
      () => false,
    )
  ) {
    throw invalid(
      'SECRET_FILE',
      `a rotation of the secret did not finish (${pending} exists): run "tamis rotate-secret" again to finish it (docs/reliability.md)`,
    );
  }
  const stored = await storedSecret(db);
  let secret = await readSecretFile(file, logger);
  if (secret === null) {
    if (stored === null && (await holdsAddresses(db))) {
      throw invalid(
        'SECRET_FILE',
        `${file} does not exist, but the database holds addresses encrypted with a secret: put the key file back (or set SECRET). ` +
          'A new secret would leave them unreadable.',
      );
    }
    secret = await createSecretFile(file, stored ?? randomToken());
    logger.info(stored === null ? 'secret.generated' : 'secret.moved_out_of_database', { file });
  }
  if (stored !== null && stored !== secret) {
    throw invalid(
      'SECRET_FILE',
      `${file} holds another secret than the one this database keeps (an earlier release kept it there): ` +
        "is the key file another database's? Give this database its own SECRET_FILE.",
    );
  }
  return secret;
}
