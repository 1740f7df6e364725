import type { Deps } from '../deps';
import { invalid } from '../errors';
import { audit, type Actor } from '../services/audit';
import { SiteSettingsSchema, settingsFrom } from './site';
import { loadOverrides, saveSettings } from './store';

/** A partial update as the route validated it: every key optional, `spam` partial too, `avatars: null` back to the environment's value. */
export type SettingsPatch = Record<string, unknown> & { spam?: Record<string, unknown> | undefined };

/**
 * Merges the patch into the stored overrides (`spam` one level deep), validates the result as a
 * whole and stores it with an audit entry of the keys that changed, before and after.
 */
export async function patchSettings(deps: Deps, actor: Actor, patch: SettingsPatch) {
  const { db, config } = deps;
  const stored = await loadOverrides(db);
  const current = settingsFrom(stored, config);
  const { spam, ...top } = patch;
  const storedSpam = (stored.spam ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...stored, ...top };
  if (spam && Object.keys(spam).length) merged.spam = { ...storedSpam, ...spam };
  if (merged.avatars === null) delete merged.avatars;
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  // Each key was valid; the whole must be too (an override stored by an earlier release may not be).
  const whole = SiteSettingsSchema.safeParse(merged);
  if (!whole.success)
    throw invalid(
      Object.fromEntries(whole.error.issues.map((i) => [i.path.join('.') || 'body', { key: 'invalid_value' }])),
    );

  const now = deps.clock.now();
  const next = settingsFrom(merged, config);
  const changes = diff(current, next, Object.keys(top));
  const spamChanges = diff(current.spam, next.spam, Object.keys(spam ?? {}));
  if (Object.keys(spamChanges.after).length)
    Object.assign(changes, {
      before: { ...changes.before, spam: spamChanges.before },
      after: { ...changes.after, spam: spamChanges.after },
    });
  const entry = Object.keys(changes.after).length
    ? audit(deps, actor, [{ action: 'settings.update', target: 'settings', targetId: 'site', ...changes }], now)
    : [];
  return saveSettings(db, config, merged, now, entry, next);
}

/** The keys whose value differs, with the value before and after. */
function diff(a: object, b: object, keys: string[]) {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key] ?? null;
    const y = (b as Record<string, unknown>)[key] ?? null;
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    before[key] = x;
    after[key] = y;
  }
  return { before, after };
}
