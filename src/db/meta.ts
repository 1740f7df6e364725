import { eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { meta } from './schema';

export async function getMeta(db: Db, key: string): Promise<string | null> {
  const row = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get();
  return row?.value ?? null;
}

/** The cheapest query: whether the database answers at all. */
export async function ping(db: Db): Promise<void> {
  await db.run(sql`select 1`);
}

/**
 * Sets `key` to `value` only if it still holds `expected` (null: the key has no row yet), so that of
 * two processes that read the same value, one wins. True when this call wrote it.
 */
export async function compareAndSetMeta(db: Db, key: string, expected: string | null, value: string): Promise<boolean> {
  const written = await db
    .insert(meta)
    .values({ key, value })
    .onConflictDoUpdate({
      target: meta.key,
      set: { value },
      setWhere: expected === null ? isNull(meta.value) : eq(meta.value, expected),
    })
    .returning({ key: meta.key });
  return written.length > 0;
}
