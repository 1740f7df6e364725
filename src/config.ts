import { z } from 'zod';

/**
 * Every environment setting, parsed once at the entry (Node or Workers).
 * Nothing else reads the environment.
 */
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
/** `a, b,,c` → ['a', 'b', 'c']. */
const commaList = (s: string) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** An on/off setting: 1 or true, 0 or false. */
const flag = (fallback: '0' | '1') =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['0', '1', 'false', 'true'])
      .default(fallback)
      .transform((v) => v === '1' || v === 'true'),
  );

export const ConfigSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(8787)),
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default('127.0.0.1')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(file:|libsql:\/\/|https?:\/\/|:memory:$)/, 'must be file:…, :memory:, libsql://… or https://…')
      .default('file:./data/tamis.db'),
  ),
  DATABASE_AUTH_TOKEN: optionalString,
  ADMIN_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  /**
   * Node, without SECRET: the key file holding the generated secret (created on first start, mode
   * 0600). Default: `secret.key` in the directory of the database file (src/entry/node-secret.ts).
   */
  SECRET_FILE: optionalString,
  ALLOWED_ORIGINS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('*')
      .transform(commaList)
      .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
        message: 'must be * or a comma-separated list of origins like https://example.com',
      }),
  ),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.enum(['none', 'x-forwarded-for', 'cf-connecting-ip']).default('none')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  /**
   * Workers only (wrangler dev): measure each request against D1's and Workers' limits and log it
   * (`limits` lines: statements, bound parameters, SQL size, time; src/entry/worker-limits.ts).
   */
  DEBUG_LIMITS: flag('0'),
  /**
   * Workers only: thread reads answered from the Cache API of the location while the article has not
   * changed (src/entry/worker-cache.ts). 0 sends every read to the app (and D1).
   */
  EDGE_CACHE: flag('1'),
  AVATARS: z.preprocess(emptyToUndefined, z.enum(['none', 'gravatar']).default('none')),
  /**
   * Where events are POSTed: one URL, or several separated by commas; each may start with `slack:`,
   * `discord:` or `json:` to choose its format instead of WEBHOOK_FORMAT.
   */
  WEBHOOK_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform(commaList)
      .refine((list) => list.length > 0 && list.every((u) => /^((json|slack|discord):)?https?:\/\/[^\s,]+$/.test(u)), {
        message: 'must be http(s) URLs separated by commas, each optionally prefixed by slack:, discord: or json:',
      })
      .optional(),
  ),
  WEBHOOK_SECRET: optionalString,
  /** What the webhooks send: Tamis's signed JSON events, or a message Slack or Discord accepts. */
  WEBHOOK_FORMAT: z.preprocess(emptyToUndefined, z.enum(['json', 'slack', 'discord']).default('json')),
  /** Email: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465`. Unset: no email. */
  SMTP_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
  /** The sender of every email: `tamis@example.fr` or `Commentaires <tamis@example.fr>`. */
  MAIL_FROM: optionalString,
  /** The address readers reach Tamis at (links in emails); without it, the origin of the request. */
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/ })
      .transform((s) => s.replace(/\/+$/, ''))
      .optional(),
  ),
  /** Addresses (comma-separated) told of comments held for moderation. */
  MODERATOR_EMAILS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform(commaList)
      .refine((list) => list.every((e) => z.email().safeParse(e).success), {
        message: 'must be email addresses separated by commas',
      }),
  ),
  /** Failed deliveries are retried (exponential backoff, jitter) for this long, then marked dead. */
  OUTBOX_RETRY_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(720).default(24)),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Parses raw environment values; a bad value throws a message naming the variable. */
export function parseConfig(raw: Record<string, unknown>): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  if (result.data.SMTP_URL && !result.data.MAIL_FROM)
    throw new ConfigError('Invalid configuration:\n  MAIL_FROM: required with SMTP_URL (the sender of every email)');
  return result.data;
}
