import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Config } from './config';
import type { Db } from './deps';
import { runBatch, type Statement } from './db/batch';
import { readCache } from './db/read-cache';
import { settings as settingsTable } from './db/schema';
import { SpamSettingsSchema } from './spam/settings';

/**
 * How far the length settings go: request schemas check texts against these caps, the services
 * against the site's own limits (services/limits.ts).
 */
export const LENGTH_CAPS = { maxAuthorLength: 200, maxContentLength: 50_000 } as const;

/**
 * Site settings that moderators change at run time. Stored as one JSON document of overrides;
 * what is not stored takes its default here.
 */
export const SiteSettingsSchema = z
  .object({
    /** auto: verdicts decide; all: every comment waits for a moderator; none: only spam is held back. */
    moderation: z.enum(['auto', 'all', 'none']).default('auto'),
    /** Levels shown in a thread; deeper replies attach to the deepest allowed ancestor. */
    maxDepth: z.number().int().min(2).max(10).default(5),
    editWindowMinutes: z.number().int().min(0).max(24 * 60).default(15),
    maxAuthorLength: z.number().int().min(10).max(LENGTH_CAPS.maxAuthorLength).default(100),
    maxContentLength: z.number().int().min(100).max(LENGTH_CAPS.maxContentLength).default(5000),
    /** Comments close this many days after an article's first comment; null: never. */
    closeAfterDays: z.number().int().min(1).max(3650).nullable().default(null),
    avatars: z.enum(['none', 'gravatar']).optional(),
    /** Cache lifetime of public thread responses, in seconds. */
    cacheMaxAge: z.number().int().min(0).max(3600).default(10),
    cacheStaleWhileRevalidate: z.number().int().min(0).max(86_400).default(60),
    /** IPs and user agents are erased from comments after this many days. */
    ipRetentionDays: z.number().int().min(1).max(3650).default(30),
    /** Thresholds and weights of the spam checks, flood control included. */
    spam: SpamSettingsSchema.prefault({}),
  })
  .strict();

export type SiteSettings = z.infer<typeof SiteSettingsSchema> & { avatars: 'none' | 'gravatar' };

/** The settings of a site that changed none (avatars aside, which the environment sets). */
export const SETTINGS_DEFAULTS = SiteSettingsSchema.parse({});

const KEY = 'site';

/** The stored overrides alone (what moderators changed), without the defaults. */
export async function loadOverrides(db: Db): Promise<Record<string, unknown>> {
  const row = await db.select({ value: settingsTable.value }).from(settingsTable).where(eq(settingsTable.key, KEY)).get();
  const value = row?.value;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The settings in force under these stored overrides: the defaults wherever they say nothing. */
export function settingsFrom(overrides: Record<string, unknown>, config: Config): SiteSettings {
  const parsed = SiteSettingsSchema.safeParse(overrides);
  const value = parsed.success ? parsed.data : SiteSettingsSchema.parse({});
  return { ...value, avatars: value.avatars ?? config.AVATARS };
}

/**
 * Settings are read by nearly every request and change rarely, so the read cache keeps the
 * validated settings for a second. A change made through `saveSettings` is seen at once; one made
 * by another process or Workers isolate, within a second.
 */
export function loadSettings(db: Db, config: Config): Promise<SiteSettings> {
  return readCache(db).settings(config, async () => settingsFrom(await loadOverrides(db), config));
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
  await runBatch(db, [
    db
      .insert(settingsTable)
      .values({ key: KEY, value: overrides, updatedAt: now })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value: overrides, updatedAt: now } }),
    ...also,
  ]);
  readCache(db).keepSettings(config, settings);
  return settings;
}
