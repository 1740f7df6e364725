import { eq, sql } from 'drizzle-orm';
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
