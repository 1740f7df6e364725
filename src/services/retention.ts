import { DAY, HOUR, scrubDeleted, type Db, type Deps } from '../deps';
import { runBatch } from '../db/batch';
import { forgetExpiredFormTokens } from '../db/form-tokens';
import { compareAndSetMeta, getMeta } from '../db/meta';
import { updateComments } from '../db/moderation';
import { clearTaughtIps, clearUntaughtClientData, CLIENT_DATA_CLEARED, taughtAgents } from '../db/retention';
import { forgetIpsBefore } from '../db/spam-memory';
import { loadSettings } from '../settings';
import { lessonRevision, revisionStatements } from './lessons';

/**
 * Retention of client data: a comment keeps its IP (encrypted, with its keyed hash) and its user
 * agent for `ipRetentionDays` (30 by default), long enough for flood control and moderation, then
 * loses them. The comment itself stays. The spam memory forgets an IP after as long.
 *
 * The purge runs at most once an hour, whoever triggers it (a deferred task after each submission,
 * the Node entry's timer, a Workers cron). The time of the last run is a row of `meta`, claimed
 * with a compare-and-set, so that it holds across requests, processes and isolates.
 */

export const PURGE_MARKER = 'retention.lastPurgeAt';
export const PURGE_INTERVAL_MS = HOUR;

/** Trained comments whose lessons one purge batch revises (their ids are bound parameters). */
const REVISIONS_PER_BATCH = 50;
/** Batches of trained comments one run revises at most: the rest waits for the next run, an hour later. */
const MAX_REVISION_BATCHES = 20;

/**
 * Erases IP and user agent from comments created before `now - retentionDays`. Returns how many
 * comments changed. First every comment whose lesson holds nothing of what goes, in one statement,
 * and the IPs of all the others (no lesson holds an IP); then the user agents of trained comments, a
 * bounded batch at a time, each batch with the revision of their lessons (the learner keeps no
 * count a later reversal could not take back). User agents beyond the bound wait for the next run.
 */
export async function purgeClientData(deps: Deps, now: number, retentionDays: number): Promise<number> {
  const { db } = deps;
  const before = now - retentionDays * DAY;
  const plain = await clearUntaughtClientData(db, before);
  // Comments changed beside `plain`: each counted once, whether it lost its IP, its user agent or both.
  const others = new Set(await clearTaughtIps(db, before));
  for (let round = 0; round < MAX_REVISION_BATCHES; round++) {
    // Each batch clears the user agent of the rows it read, so the next one reads new rows.
    const trained = await taughtAgents(db, before, REVISIONS_PER_BATCH);
    if (trained.length === 0) break;
    const revisions = await Promise.all(trained.map((row) => lessonRevision(deps, row, { userAgent: undefined })));
    const ids = trained.map((row) => row.id);
    await runBatch(db, [...updateComments(db, ids, CLIENT_DATA_CLEARED), ...revisionStatements(deps, revisions)]);
    for (const id of ids) others.add(id);
  }
  return plain.length + others.size;
}

/**
 * When this process last saw the marker, per database: the next turn is not due before `lastAt` +
 * an hour, so submissions (which come often) skip reading it until then. The timer and the cron
 * (which come hourly) always read it. A cache: without it, the marker decides alone.
 */
const seen = new WeakMap<Db, number>();
const notDue = (lastAt: number, now: number) => lastAt <= now && now - lastAt < PURGE_INTERVAL_MS;

/**
 * Takes the hourly turn when it is due: true for exactly one caller. The write only succeeds if the
 * marker still holds the value read, so two requests at once cannot both run the purge.
 */
async function claimTurn(db: Db, now: number, remembered: boolean): Promise<boolean> {
  const known = seen.get(db);
  if (remembered && known !== undefined && notDue(known, now)) return false;
  const last = await getMeta(db, PURGE_MARKER);
  const lastAt = Number(last ?? 0);
  // A marker in the future (the clock was set back) counts as due, or the purge would stall.
  if (last !== null && notDue(lastAt, now)) {
    seen.set(db, lastAt);
    return false;
  }
  const claimed = await compareAndSetMeta(db, PURGE_MARKER, last, String(now));
  if (claimed) seen.set(db, now);
  return claimed;
}

/**
 * Runs the purge if the last one is more than an hour old, then scrubs the storage of what it
 * removed (Deps.scrubStorage). Returns the comments changed, or null when it was not due.
 * `trigger`: after a submission, what this process remembers of the marker is enough.
 */
export async function purgeIfDue(deps: Deps, trigger: 'submission' | 'schedule' = 'schedule'): Promise<number | null> {
  const now = deps.clock.now();
  if (!(await claimTurn(deps.db, now, trigger === 'submission'))) return null;
  const { ipRetentionDays } = await loadSettings(deps);
  const purged = await purgeClientData(deps, now, ipRetentionDays);
  // Spam memory keeps keyed hashes of IPs that moderators marked (or cleared): an IP not marked again
  // within the retention is forgotten too (addresses change hands). Emails and hosts stay.
  const forgotten = await forgetIpsBefore(deps.db, now - ipRetentionDays * DAY);
  // The record of used form tokens keeps tokens that have not expired: the others are refused anyway.
  await forgetExpiredFormTokens(deps.db, now);
  // What went must not stay in the -wal or in the file's free space (deps.scrubStorage).
  if (purged + forgotten > 0) await scrubDeleted(deps, 'retention.purge');
  deps.logger.info('retention.purged', { comments: purged, spamMemoryIps: forgotten, retentionDays: ipRetentionDays });
  return purged;
}
