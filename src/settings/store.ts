import type { Config } from '../config';
import { runBatch, type Statement } from '../db/batch';
import { readCache } from '../db/read-cache';
import { readOverrides, writeOverrides } from '../db/settings';
import type { Db, Deps } from '../deps';
import { settingsFrom, type SiteSettings } from './site';

/** The stored overrides alone (what moderators changed), without the defaults. */
export async function loadOverrides(db: Db): Promise<Record<string, unknown>> {
  const value = await readOverrides(db);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Settings are read by nearly every request and change rarely, so the read cache keeps the
 * validated settings for a second (by the deps' clock). A change made through `saveSettings` is
 * seen at once; one made by another process or Workers isolate, within a second.
 */
export function loadSettings(deps: Pick<Deps, 'db' | 'config' | 'clock'>): Promise<SiteSettings> {
  const { db, config } = deps;
  return readCache(db).settings(config, deps.clock.now(), async () => settingsFrom(await loadOverrides(db), config));
}

/**
 * Stores overrides (validated by the caller), with `also` in the same batch (an audit entry), and
 * returns the settings now in force (`settings`, when the caller already derived them).
 */
export async function saveSettings(
  db: Db,
  config: Config,
  overrides: Record<string, unknown>,
  now: number,
  also: Statement[] = [],
  settings = settingsFrom(overrides, config),
) {
  await runBatch(db, [writeOverrides(db, overrides, now), ...also]);
  readCache(db).keepSettings(config, settings, now);
  return settings;
}
