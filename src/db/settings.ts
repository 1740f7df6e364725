import { eq } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Statement } from './batch';
import { settings } from './schema';

/** The site settings are one row: a JSON document of the overrides moderators made (settings/store.ts). */
const KEY = 'site';

/** The stored overrides, or undefined when no moderator changed anything. */
export async function readOverrides(db: Db): Promise<unknown> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY)).get();
  return row?.value;
}

/** The statement storing the overrides (replacing the previous ones). */
export function writeOverrides(db: Db, overrides: Record<string, unknown>, now: number): Statement {
  return db
    .insert(settings)
    .values({ key: KEY, value: overrides, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: overrides, updatedAt: now } });
}
