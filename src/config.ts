import { z } from 'zod';

/**
 * Every environment setting, parsed once at the entry (Node or Workers).
 * Nothing else reads the environment.
 */
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

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
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
        message: 'must be * or a comma-separated list of origins like https://example.com',
      }),
  ),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.enum(['none', 'x-forwarded-for', 'cf-connecting-ip']).default('none')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  AVATARS: z.preprocess(emptyToUndefined, z.enum(['none', 'gravatar']).default('none')),
  WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  WEBHOOK_SECRET: optionalString,
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
  return result.data;
}
