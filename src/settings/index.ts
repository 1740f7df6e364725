/**
 * Site settings that moderators change at run time, in one place: what they are and their
 * defaults (site.ts, the spam defence's in spam.ts), how they are read and stored (store.ts) and
 * changed (patch.ts). src/spam/ imports spam.ts alone, which is pure.
 */
export { LENGTH_CAPS, SETTINGS_DEFAULTS, settingsFrom, SiteSettingsSchema, type SiteSettings } from './site';
export { defaultSpamSettings, SpamSettingsSchema, type SpamSettings } from './spam';
export { loadOverrides, loadSettings, saveSettings } from './store';
export { patchSettings, type SettingsPatch } from './patch';
