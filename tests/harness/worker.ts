import { applyD1Migrations } from 'cloudflare:test';
import { env as bindings } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../../src/db/schema';
import { harnessOn, type AppHarness } from './app';

export type WorkerHarness = AppHarness;

/**
 * Empties the D1 database of this test file and applies the migrations again, so that every test
 * starts from a fresh migrated database. (vitest-pool-workers isolates storage per test file only;
 * tests of one file run one after the other.)
 */
export async function resetDatabase(db: D1Database = bindings.DB): Promise<void> {
  const { results } = await db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
    )
    .all<{ type: 'table' | 'view'; name: string }>();
  if (results.length) {
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    await db.batch([
      db.prepare('PRAGMA defer_foreign_keys = on'),
      ...results.map((r) => db.prepare(`DROP ${r.type === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${quote(r.name)}`)),
    ]);
  }
  await applyD1Migrations(db, bindings.TEST_MIGRATIONS);
}

/** A fresh app on a fresh, migrated D1 database, inside workerd. Same contract as the Node harness. */
export async function setup(env: Record<string, string> = {}): Promise<WorkerHarness> {
  await resetDatabase(bindings.DB);
  return harnessOn(drizzle(bindings.DB, { schema }), env);
}
