import { ConfigError, type Config } from './config';
import { deriveKeys, randomToken, type Keys } from './crypto';
import type { Db } from './deps';
import type { Logger } from './logger';
import { deleteStoredSecret, storedSecret } from './db/secret';
import { createFirstToken, hasLiveTokens, installStartupToken } from './db/tokens';

export interface Bootstrap {
  keys: Keys;
  /** Set only when start-up generated the first admin token: the entry prints it once. */
  generatedAdminToken?: string;
  /** ADMIN_TOKEN is set to a value that a moderator revoked: it will be refused (logged as a warning). */
  adminTokenRevoked?: boolean;
}

/**
 * Runs once per process (or Workers isolate) on a migrated database: the keys, derived from the
 * secret the entry found (`secret`: SECRET, or on Node the key file), and the first admin token. A
 * copy of that secret still in the database (an earlier release kept it there) is deleted: the entry
 * put it where it now reads it before this runs, so nothing is lost if the process stops in between.
 * A revoked ADMIN_TOKEN is logged as a warning; a generated token is returned for the entry to print.
 */
export async function bootstrap(
  db: Db,
  config: Config,
  now: number,
  {
    derive = deriveKeys,
    logger,
    secret = config.SECRET,
  }: { derive?: (secret: string) => Promise<Keys>; logger?: Logger; secret?: string } = {},
): Promise<Bootstrap> {
  if (!secret) throw new ConfigError('Invalid configuration:\n  SECRET: not set (at least 32 characters)');
  const stored = await storedSecret(db);
  if (stored === secret) {
    await deleteStoredSecret(db, secret);
  } else if (stored !== null) {
    logger?.warn('secret.kept_in_database', {
      detail:
        'The database holds a generated secret that is not the one in use: whoever reads the database can decrypt what was written under it. ' +
        'Rotate from it (OLD_SECRET, docs/reliability.md) or delete the meta row "secret".',
    });
  }
  const keys = await derive(secret);
  if (config.ADMIN_TOKEN) {
    if (!(await installStartupToken(db, 'ADMIN_TOKEN', config.ADMIN_TOKEN, now))) return { keys };
    logger?.warn('admin_token.revoked', {
      detail:
        'ADMIN_TOKEN is set to a token that a moderator revoked: it is refused. Set a new value to get a working one.',
    });
    return { keys, adminTokenRevoked: true };
  }
  if (await hasLiveTokens(db)) return { keys };
  const token = randomToken('tamis_');
  return (await createFirstToken(db, 'initial', token, now)) ? { keys, generatedAdminToken: token } : { keys };
}
