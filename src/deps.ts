import type { Context } from 'hono';
import type { Config } from './config';
import type { Keys } from './crypto';
import type { Db } from './db/database';
import type { Logger } from './logger';
import type { Mailer } from './services/mail';

export type { Db } from './db/database';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Timestamps are Unix milliseconds inside; the API writes them as ISO 8601. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Everything the app needs from its platform, chosen by the entry (Node, Workers, tests). */
export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  keys: Keys;
  /** Address of the TCP peer, when the platform knows it. */
  remoteAddress?: (c: Context) => string | undefined;
  /** Runs work after the response (webhooks, learner upkeep) without slowing it. */
  defer: (task: () => Promise<unknown>) => void;
  /** Webhook attempt timeout, when not the default of services/webhooks.ts (tests shorten it). */
  webhookTiming?: { timeoutMs?: number };
  /** Sends email (SMTP: nodemailer on Node, TCP sockets on Workers); absent without SMTP_URL. */
  mailer?: Mailer;
  /** The origin of the request being served (links in emails when PUBLIC_URL is not set). */
  origin?: string;
  /** Picks a random number in [0, 1) (the jitter of retries); tests make it fixed. */
  random?: () => number;
  /**
   * Removes from the storage files what the last writes deleted, after an erasure or the retention
   * purge: on a Node database file, a checkpoint that empties the WAL of the old page images (the
   * pages themselves are zeroed by `secure_delete`). Resolves false when it could not finish (another
   * connection reading). Absent where the platform manages storage (D1, Turso): see docs/edge.md.
   */
  scrubStorage?: () => Promise<boolean>;
}

/** After an erasure or a purge: scrubs the storage files, when the platform lets us, and says when it could not. */
export async function scrubDeleted(
  deps: Pick<Deps, 'scrubStorage' | 'logger'>,
  after: 'privacy.erase' | 'retention.purge',
) {
  if (!deps.scrubStorage || (await deps.scrubStorage())) return;
  deps.logger.warn('storage.scrub_incomplete', {
    after,
    detail:
      'Another connection was reading the database: the -wal may keep old copies of what was deleted until the next erasure, purge or clean stop.',
  });
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    requestId: string;
    admin: { id: string; name: string };
  };
};
