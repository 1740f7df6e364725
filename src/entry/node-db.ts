import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { createFileClient } from './node-client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from '../db/schema';
import { isDatabaseBusy } from '../http/errors';

/**
 * The migration files, found from this module's own location: `src/entry/` when run from the
 * sources, `dist/entry/` in the bundles (`npm run build`). Both are two levels under the project,
 * so a bundle must stay in `dist/entry/` beside the `migrations/` folder it ships with.
 */
export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Every connection to a local file. Durability: WAL, and every commit on disk before it is answered,
 * so that a comment answered 201 survives a crash of the process or of the machine: the server's
 * own client syncs the WAL itself (syncWal in node-client.ts), other clients get
 * `synchronous=FULL` (PRAGMAS). Writers wait up to 5 s for the lock instead of failing (the busy timeout, which the server's own client sets when it opens the
 * file). Privacy: `secure_delete` overwrites what a statement deletes or replaces with zeros (a
 * cell's old bytes in its page, a freed page), so that an erasure or the retention purge leaves no
 * copy in the file; a connection-level setting, hence on every connection. See docs/reliability.md.
 */
const CONNECTION_PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA secure_delete = ON'];
/** The same for another client (the benchmark's plain @libsql/client, scripts), busy timeout included. */
export const PRAGMAS = [...CONNECTION_PRAGMAS, 'PRAGMA synchronous = FULL', `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`];

/** Pauses before each new attempt after SQLITE_BUSY (jittered ±50%); their number is the retries. */
const BUSY_RETRY_DELAYS_MS = [50, 250];

export interface OpenOptions {
  /** For tests: a shorter busy timeout than BUSY_TIMEOUT_MS. */
  busyTimeoutMs?: number;
  /** False: open the database as it is (a backup of a running server's file must not migrate it). */
  migrate?: boolean;
}

/** The path of a local database file (`file:…`), ':memory:', or null for a remote database (Turso). */
export function localDatabasePath(url: string): string | null {
  if (url === ':memory:') return url;
  return url.startsWith('file:') ? url.replace(/^file:(\/\/(?=\/))?/, '') : null;
}

/** The Node entry's database: drizzle over libSQL, a Db (db/database.ts) and what the libSQL migrator takes. */
export type NodeDb = LibSQLDatabase<typeof schema>;

export interface OpenedDatabase {
  db: NodeDb;
  client: Client;
  /** Deps.scrubStorage, for a database file (nothing else keeps old pages on this machine). */
  scrubStorage?: () => Promise<boolean>;
}

/** Opens libSQL (a local file, :memory:, or Turso over HTTP) and applies the migrations (unless `migrate: false`). */
export async function openDatabase(
  url: string,
  authToken?: string,
  options: OpenOptions = {},
): Promise<OpenedDatabase> {
  let client: Client;
  const path = localDatabasePath(url);
  if (path === ':memory:') {
    // Nothing else can lock a database in memory: no retries needed.
    client = createFileClient(path, 0);
  } else if (path !== null) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    client = await openFileClient(path, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
  } else {
    client = createClient({ url, authToken });
  }
  const db = drizzle(client, { schema });
  if (options.migrate !== false) await applyMigrations(db);
  return { db, client, ...(path !== null && path !== ':memory:' ? { scrubStorage: () => checkpoint(client) } : {}) };
}

/** Applies the migrations not yet applied (drizzle's table `__drizzle_migrations` lists those that were). */
export async function applyMigrations(db: NodeDb) {
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

/**
 * Copies every page the WAL holds into the database file and truncates the WAL to zero bytes, so
 * that the old images of the pages an erasure or a purge changed are gone from the -wal too (in the
 * file, `secure_delete` has zeroed them). False when another connection (a backup, a script) still
 * reads an older snapshot after the busy timeout: then the WAL could not be emptied this time.
 */
async function checkpoint(client: Client): Promise<boolean> {
  const { rows } = await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  return Number(rows[0]?.[0]) === 0;
}

/**
 * A client for a local file that survives SQLITE_BUSY (another process holding the lock longer
 * than the busy timeout: a backup, a script, a second server).
 *
 * - One connection (node-client.ts, which keeps its prepared statements), with the pragmas above.
 *   The driver is synchronous, so a second connection in one process would never run anything in
 *   parallel anyway.
 * - A statement that failed with SQLITE_BUSY stays "in progress" on its connection until the garbage
 *   collector finalizes it, and until then every COMMIT there fails with "cannot commit transaction -
 *   SQL statements in progress" (tursodatabase/libsql-client-ts#352, libsql-js#237): one busy moment
 *   would fail every later submission. So a busy failure replaces the connection with a fresh one.
 * - Then the call is tried again, twice at most, after a short pause. A batch that failed was rolled
 *   back and a single statement that failed busy wrote nothing, so a retry never applies anything
 *   twice. If it is still busy, the error goes up and the app answers 503 with Retry-After.
 */
async function openFileClient(path: string, busyTimeoutMs: number): Promise<Client> {
  const open = async () => {
    const fresh = createFileClient(path, busyTimeoutMs);
    for (const pragma of CONNECTION_PRAGMAS) await fresh.execute(pragma);
    // In WAL mode, the client syncs the WAL after each commit itself, in the thread pool, before
    // answering: FULL's guarantee, without the main thread waiting for the disk (node-client.ts).
    fresh.syncWal();
    return fresh;
  };
  let current = await open();
  let replacing: Promise<void> | null = null;
  const replace = (broken: Client) => {
    if (broken !== current) return Promise.resolve();
    replacing ??= open()
      .then((fresh) => {
        current = fresh;
        broken.close();
      })
      .finally(() => {
        replacing = null;
      });
    return replacing;
  };
  const retrying =
    (name: 'execute' | 'batch') =>
    async (...args: unknown[]) => {
      for (let attempt = 0; ; attempt++) {
        const used = current;
        try {
          return await (used[name] as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          // CLIENT_CLOSED: this call was queued on a connection another call has just replaced.
          const replaced = used !== current && (error as { code?: unknown }).code === 'CLIENT_CLOSED';
          if ((!isDatabaseBusy(error) && !replaced) || attempt >= BUSY_RETRY_DELAYS_MS.length) throw error;
          await replace(used);
          await new Promise((done) => setTimeout(done, BUSY_RETRY_DELAYS_MS[attempt]! * (0.5 + Math.random())));
        }
      }
    };
  const wrapped = { execute: retrying('execute'), batch: retrying('batch') };
  return new Proxy(current, {
    get(_target, prop) {
      if (prop === 'execute' || prop === 'batch') return wrapped[prop];
      const value = Reflect.get(current, prop, current) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
