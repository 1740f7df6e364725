import { eq } from 'drizzle-orm';
import type { Db } from '../deps';
import { meta } from './schema';

export async function getMeta(db: Db, key: string): Promise<string | null> {
  const row = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get();
  return row?.value ?? null;
}

/** Stores the value unless one is there already; returns the one that is kept (first writer wins). */
export async function getOrInitMeta(db: Db, key: string, make: () => string): Promise<string> {
  const existing = await getMeta(db, key);
  if (existing !== null) return existing;
  await db.insert(meta).values({ key, value: make() }).onConflictDoNothing();
  return (await getMeta(db, key))!;
}
