import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import { patchSettings, SettingsPatchSchema } from '../../../services/settings';
import { loadSettings, SiteSettingsSchema } from '../../../settings';
import { readBody } from '../../body';
import { bodyOf, json, problems, registerAdminPath } from '../../openapi';
import { actorOf } from './common';

/** Site settings: moderation mode, thread depth, edit window, limits, avatars, and every spam weight. */
export const adminSettings = new Hono<AppEnv>();

adminSettings.get('/', async (c) => c.json({ settings: await loadSettings(c.var.deps.db, c.var.deps.config) }));

adminSettings.patch('/', async (c) => c.json({ settings: await patchSettings(c.var.deps, actorOf(c), await readBody(c)) }));

const tags = ['Settings'];
const Settings = z.object({ settings: SiteSettingsSchema });
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/settings',
  tags,
  summary: 'The settings in force (defaults included)',
  responses: { 200: json(Settings) },
});
registerAdminPath({
  method: 'patch',
  path: '/api/v1/admin/settings',
  tags,
  summary: 'Change some settings',
  description:
    'Only the keys given change; `spam` is merged one level deep (send only the weights you change). Unknown keys → 422. `avatars: null` returns to the AVATARS environment value; `closeAfterDays: null` never closes.',
  request: { body: bodyOf(SettingsPatchSchema) },
  responses: { 200: json(Settings), 422: problems[422] },
});
