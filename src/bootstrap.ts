import type { Config } from './config';
import { deriveKeys, randomToken, type Keys } from './crypto';
import type { Db } from './deps';
import type { Logger } from './logger';
import { getOrInitMeta } from './db/meta';
import { createFirstToken, hasLiveTokens, installStartupToken } from './db/tokens';

export interface Bootstrap {
  keys: Keys;
  /** Set only when start-up generated the first admin token: the entry prints it once. */
  generatedAdminToken?: string;
  /** ADMIN_TOKEN is set to a value that a moderator revoked: it will be refused (logged as a warning). */
  adminTokenRevoked?: boolean;
}

/** Where the generated secret is kept (meta table) when SECRET is not set. */
export const SECRET_META_KEY = 'secret';

/**
 * Runs once per process (or Workers isolate) on a migrated database: the signing secret
 * (from SECRET, or generated once and kept in the database) and the first admin token. A revoked
 * ADMIN_TOKEN is logged as a warning; a generated token is returned for the entry to print.
 */
export async function bootstrap(
  db: Db,
  config: Config,
  now: number,
  { derive = deriveKeys, logger }: { derive?: (secret: string) => Promise<Keys>; logger?: Logger } = {},
): Promise<Bootstrap> {
  const secret = config.SECRET ?? (await getOrInitMeta(db, SECRET_META_KEY, () => randomToken()));
  const keys = await derive(secret);
  if (config.ADMIN_TOKEN) {
    if (!(await installStartupToken(db, 'ADMIN_TOKEN', config.ADMIN_TOKEN, now))) return { keys };
    logger?.warn('admin_token.revoked', {
      detail: 'ADMIN_TOKEN is set to a token that a moderator revoked: it is refused. Set a new value to get a working one.',
    });
    return { keys, adminTokenRevoked: true };
  }
  if (await hasLiveTokens(db)) return { keys };
  const token = randomToken('tamis_');
  return (await createFirstToken(db, 'initial', token, now)) ? { keys, generatedAdminToken: token } : { keys };
}
