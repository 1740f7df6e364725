import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from '../db/schema';
import type { Db } from '../deps';

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Durability on a local file: WAL, and `synchronous=FULL` so that a comment answered 201 survives
 * a crash of the process or of the machine. Writers wait up to 5 s for the lock instead of failing.
 */
export const PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA busy_timeout = 5000'];

/** Opens libSQL (a local file, :memory:, or Turso over HTTP) and applies the migrations. */
export async function openDatabase(url: string, authToken?: string): Promise<{ db: Db; client: Client }> {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length);
    if (path && !path.startsWith(':')) mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const client = createClient({ url, authToken });
  if (url.startsWith('file:')) for (const pragma of PRAGMAS) await client.execute(pragma);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, client };
}
