import { applyD1Migrations } from 'cloudflare:test';
import { env as bindings } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../../src/db/schema';
import { crossed, Meter, meteredD1, type Cost } from '../../src/entry/worker-limits';
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

/** A request the harness sent, and what it cost once it and its background work were over. */
export interface Measured {
  method: string;
  path: string;
  cost: Cost;
}

/** Every request of the current test, measured (tests/workers/limits.setup.ts checks them against the Paid limits). */
export const measured: Measured[] = [];
const pending = new Set<Promise<unknown>>();

/** Waits for the meters still open (background work), then gives what they measured and forgets it. */
export async function takeMeasured(): Promise<Measured[]> {
  while (pending.size) await Promise.all([...pending]);
  return measured.splice(0);
}

/** The Paid limits a measured request crossed, one line per request. */
export const overPaid = (list: Measured[]) =>
  list.flatMap((m) => {
    const over = crossed(m.cost, 'paid');
    return over.length ? [`${m.method} ${m.path}: ${over.join(', ')}`] : [];
  });

const meters = new Set<Meter>();
const metered = meteredD1(bindings.DB, meters);

/** What `task` (a cron run, a service called directly) cost, measured as a request is. */
export async function costOfTask<T>(task: () => Promise<T>): Promise<{ result: T; cost: Cost }> {
  const meter = new Meter(meters);
  try {
    const result = await task();
    meter.close();
    return { result, cost: await meter.cost };
  } catch (error) {
    meter.close();
    throw error;
  }
}

/**
 * A fresh app on a fresh, migrated D1 database, inside workerd. Same contract as the Node harness.
 * Its D1 binding is metered (src/entry/worker-limits.ts): each request's statements, bound
 * parameters, SQL length and time go to `measured`.
 */
export async function setup(env: Record<string, string> = {}): Promise<WorkerHarness> {
  await resetDatabase(bindings.DB);
  return harnessOn(
    drizzle(metered, { schema }),
    env,
    {},
    {
      open(request) {
        const meter = new Meter(meters);
        const url = new URL(request.url);
        const entry = { method: request.method, path: url.pathname + url.search };
        const done = meter.cost.then((cost) => void measured.push({ ...entry, cost }));
        pending.add(done);
        void done.finally(() => pending.delete(done));
        return meter;
      },
    },
  );
}
