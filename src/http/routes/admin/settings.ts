import { createRoute, z } from '@hono/zod-openapi';
import { loadSettings, patchSettings, SiteSettingsSchema, SpamSettingsSchema } from '../../../settings';
import { jsonBody } from '../../middleware/body';
import { adminRoute, body, bodyProblems, json, router } from '../../openapi';
import { actorOf } from './common';

/** Site settings: moderation mode, thread depth, edit window, limits, avatars, and every spam weight. */
export const adminSettings = router();
const tags = ['Settings'];
const Settings = z.object({ settings: SiteSettingsSchema });

const read = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'The settings in force (defaults included)',
    responses: { 200: json(Settings) },
  }),
);
adminSettings.openapi(read, async (c) => c.json({ settings: await loadSettings(c.var.deps) }, 200));

/**
 * A partial update: every key optional and without its default (a default would otherwise be
 * written as an override), unknown keys refused, `spam` partial as well.
 */
function optionalKeys<T extends z.ZodRawShape>(shape: T) {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => {
      const inner = schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault ? schema.unwrap() : schema;
      return [key, (inner as z.ZodType).optional()];
    }),
  );
}

const SettingsPatch = z
  .object({
    ...optionalKeys(SiteSettingsSchema.shape),
    avatars: z
      .enum(['none', 'gravatar'])
      .nullable()
      .optional()
      .describe('null: back to the AVATARS environment value.'),
    spam: z.object(optionalKeys(SpamSettingsSchema.shape)).strict().optional(),
  })
  .strict()
  .openapi({ example: { moderation: 'all', maxContentLength: 3000, spam: { holdThreshold: 6 } } });

const patch = createRoute(
  adminRoute({
    method: 'patch',
    path: '/',
    tags,
    summary: 'Change some settings',
    description:
      'Only the keys given change; `spam` is merged one level deep (send only the weights you change). Unknown keys → 422. `avatars: null` returns to the AVATARS environment value; `closeAfterDays: null` never closes.',
    middleware: [jsonBody] as const,
    request: { body: body(SettingsPatch) },
    responses: { 200: json(Settings), ...bodyProblems },
  }),
);
adminSettings.openapi(patch, async (c) =>
  c.json({ settings: await patchSettings(c.var.deps, actorOf(c), c.req.valid('json')) }, 200),
);
