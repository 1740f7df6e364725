import { z } from 'zod';
import type { Config } from '../config';
import { SpamSettingsSchema } from './spam';

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
    editWindowMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(15),
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
    /** Moderators' emails (MODERATOR_EMAILS): one per held comment (`off`), or one digest an hour (`hourly`). */
    moderatorDigest: z.enum(['off', 'hourly']).default('off'),
    /** Thresholds and weights of the spam checks, flood control included. */
    spam: SpamSettingsSchema.prefault({}),
  })
  .strict();

export type SiteSettings = z.infer<typeof SiteSettingsSchema> & { avatars: 'none' | 'gravatar' };

/** The settings of a site that changed none (avatars aside, which the environment sets). */
export const SETTINGS_DEFAULTS = SiteSettingsSchema.parse({});

/** The settings in force under these stored overrides: the defaults wherever they say nothing. */
export function settingsFrom(overrides: Record<string, unknown>, config: Config): SiteSettings {
  const parsed = SiteSettingsSchema.safeParse(overrides);
  const value = parsed.success ? parsed.data : SiteSettingsSchema.parse({});
  return { ...value, avatars: value.avatars ?? config.AVATARS };
}
