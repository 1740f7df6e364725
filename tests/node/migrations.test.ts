import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client, type InValue } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { bootstrap } from '../../src/bootstrap';
import { parseConfig } from '../../src/config';
import { deriveKeys } from '../../src/crypto';
import * as schema from '../../src/db/schema';
import type { Deps } from '../../src/deps';
import { MIGRATIONS_DIR } from '../../src/entry/node-db';
import { createLogger } from '../../src/logger';
import { comment, path, postOk, thread } from '../harness/client';
import { START, TEST_ENV, testClock } from '../harness/types';
import { tempDatabase } from './server';

/**
 * Upgrading a database that holds data: build it at the previous migration (every migration but
 * the last, through drizzle's own migrator, as a deployed server would have), fill every table,
 * then run the full migrator. Generic: it reads the tables and columns from the database, so it
 * needs no change when a migration is added.
 */

interface Journal {
  entries: { idx: number; version: string; tag: string; when: number; breakpoints: boolean }[];
}
const readJournal = (folder: string) => JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as Journal;
const journal = readJournal(MIGRATIONS_DIR);

/** A copy of a migrations folder whose journal stops before the migration `tag` (default: the last one). */
function previousMigrations(source: string, dir: string, tag?: string): string {
  const folder = join(dir, 'migrations-previous');
  cpSync(source, folder, { recursive: true });
  const full = readJournal(source);
  const stop = tag === undefined ? full.entries.length - 1 : full.entries.findIndex((e) => e.tag === tag);
  expect(stop).toBeGreaterThanOrEqual(0);
  for (const entry of full.entries.slice(stop)) rmSync(join(folder, `${entry.tag}.sql`));
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...full, entries: full.entries.slice(0, stop) }));
  return folder;
}

/** migrations/ plus one more migration with this SQL: to show that the check catches a lossy upgrade. */
function withExtraMigration(dir: string, sql: string): string {
  const folder = join(dir, 'migrations-lossy');
  cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const last = journal.entries.at(-1)!;
  const tag = `${String(last.idx + 1).padStart(4, '0')}_lossy`;
  writeFileSync(join(folder, `${tag}.sql`), sql);
  const entries = [...journal.entries, { ...last, idx: last.idx + 1, tag, when: last.when + 1 }];
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return folder;
}

interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

async function userTables(client: Client): Promise<string[]> {
  const rows = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE '_cf_%' ORDER BY name",
  );
  return rows.rows.map((r) => String(r.name));
}

async function columns(client: Client, table: string): Promise<Column[]> {
  return (await client.execute(`PRAGMA table_info(\`${table}\`)`)).rows.map((r) => ({
    name: String(r.name),
    type: String(r.type).toLowerCase(),
    notnull: Number(r.notnull),
    pk: Number(r.pk),
  }));
}

const ROWS = 4;
const ARTICLE = 'mig-article';

/**
 * Builds a database at the previous migration of `folder`, fills every table, upgrades it with the
 * whole folder, and returns what went missing (nothing, when the upgrade keeps the data). `check`
 * then runs against the upgraded database.
 */
async function upgradeWithData(
  folder: string,
  check: (db: ReturnType<typeof drizzle<typeof schema>>, client: Client) => Promise<void> = async () => undefined,
) {
  const temp = tempDatabase('tamis-migrate-');
  const client = createClient({ url: temp.url });
  const problems: string[] = [];
  const count = readJournal(folder).entries.length;
  try {
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: previousMigrations(folder, temp.dir) });
    const applied = await client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
    expect(Number(applied.rows[0]!.n)).toBe(count - 1);

    // Real values where the app will read them back (a public thread), generated ones elsewhere.
    const keys = await deriveKeys(TEST_ENV.SECRET!);
    const emails = Array.from({ length: ROWS }, (_, i) => `ancien.${i}@exemple.fr`);
    const sealed = await Promise.all(emails.map((e) => keys.encrypt(e)));
    const hashed = await Promise.all(emails.map((e) => keys.hash(e)));
    const special = (table: string, column: string, i: number): InValue | undefined => {
      if (table === 'comments') {
        const id = `old-comment-${i}`;
        const values: Record<string, InValue> = {
          id,
          article_id: ARTICLE,
          parent_id: null,
          root_id: id,
          depth: 1,
          status: 'approved',
          verdict: 'approve',
          reasons: '[]',
          staff: 0,
          trained: null,
          edited_at: null,
          score: 0.5,
          created_at: START - (ROWS - i) * 60_000,
          updated_at: START - (ROWS - i) * 60_000,
          content: `Ancien commentaire ${i}`,
          html: `<p>Ancien commentaire ${i}</p>`,
          email_enc: sealed[i]!,
          email_hash: hashed[i]!,
          author: `Ancien ${i}`,
        };
        return column in values ? values[column] : undefined;
      }
      if (table === 'articles' && i === 0) {
        const values: Record<string, InValue> = {
          id: ARTICLE,
          version: 7,
          closed: 0,
          moderation: null,
          language: null,
          first_comment_at: START - 3_600_000,
        };
        return column in values ? values[column] : undefined;
      }
      if (column === 'reasons' || column === 'before' || column === 'after') return '{}';
      if (table === 'settings' && column === 'value') return '{}';
      return undefined;
    };

    const before = new Map<string, { columns: string[]; rows: Record<string, InValue>[] }>();
    for (const table of await userTables(client)) {
      // Never holds a row: its CHECK refuses every one (the batch guards of db/batch.ts).
      if (table === 'write_conflicts') continue;
      const cols = await columns(client, table);
      const rows: Record<string, InValue>[] = [];
      for (let i = 0; i < ROWS; i++) {
        const row: Record<string, InValue> = {};
        for (const c of cols) {
          const given = special(table, c.name, i);
          row[c.name] =
            given !== undefined
              ? given
              : c.type.startsWith('int')
                ? i + 1
                : c.type === 'real'
                  ? i + 0.25
                  : `${table}.${c.name}.${i}`;
        }
        rows.push(row);
        const names = Object.keys(row);
        await client.execute({
          sql: `INSERT INTO \`${table}\` (${names.map((n) => `\`${n}\``).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
          args: names.map((n) => row[n]!),
        });
      }
      before.set(table, { columns: cols.map((c) => c.name), rows });
    }
    expect(before.size).toBeGreaterThan(3);

    // The upgrade, as the server does at start.
    await migrate(db, { migrationsFolder: folder });
    expect(Number((await client.execute('SELECT count(*) AS n FROM __drizzle_migrations')).rows[0]!.n)).toBe(count);
    expect((await client.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');

    const after = new Set(await userTables(client));
    for (const [table, { columns: old, rows }] of before) {
      if (!after.has(table)) {
        problems.push(`table ${table} is gone`);
        continue;
      }
      const now = new Set((await columns(client, table)).map((c) => c.name));
      for (const c of old) if (!now.has(c)) problems.push(`column ${table}.${c} is gone`);
      const kept = old.filter((c) => now.has(c));
      const found = await client.execute(`SELECT ${kept.map((c) => `\`${c}\``).join(', ')} FROM \`${table}\``);
      const key = (r: Record<string, unknown>) => JSON.stringify(kept.map((c) => r[c] ?? null));
      const have = new Set(found.rows.map((r) => key(r as Record<string, unknown>)));
      const lost = rows.filter((r) => !have.has(key(r)));
      if (lost.length || found.rows.length !== rows.length) {
        problems.push(`${table}: ${found.rows.length} rows of ${rows.length}, ${lost.length} changed or lost`);
      }
    }
    if (problems.length === 0) await check(db, client);
    return problems;
  } finally {
    client.close();
    temp.remove();
  }
}

describe('migrations', () => {
  it.skipIf(journal.entries.length < 2)(
    `a database at the previous migration (${journal.entries.at(-2)?.tag}), holding data, upgrades to ${journal.entries.at(-1)?.tag} with its data intact`,
    async () => {
      const problems = await upgradeWithData(MIGRATIONS_DIR, async (db, client) => {
        // The upgraded database serves: the old comments read back through the API, new ones go in.
        const config = parseConfig(TEST_ENV);
        const clock = testClock();
        const { keys } = await bootstrap(db, config, clock.now());
        const deps: Deps = { db, config, clock, keys, logger: createLogger('silent'), defer: () => undefined };
        const app = createApp(deps);
        const t = {
          request: async (p: string, init?: RequestInit) => app.request(p, init),
          clock,
          adminToken: config.ADMIN_TOKEN!,
        };
        const old = await thread(t, ARTICLE);
        expect(old.comments.map((c) => c.content)).toEqual(
          Array.from({ length: ROWS }, (_, i) => `Ancien commentaire ${i}`),
        );
        await postOk(t, ARTICLE, comment());
        expect((await thread(t, ARTICLE)).total).toBe(ROWS + 1);
        expect((await t.request(path(ARTICLE))).status).toBe(200);
        const stored = await client.execute("SELECT email_enc FROM comments WHERE id = 'old-comment-0'");
        expect(await keys.decrypt(String(stored.rows[0]!.email_enc))).toBe('ancien.0@exemple.fr');
      });
      expect(problems).toEqual([]);
    },
    30_000,
  );

  it('the check catches an upgrade that loses data', async () => {
    const temp = tempDatabase('tamis-lossy-');
    try {
      // The usual SQLite table rebuild, done wrong: the new table forgets a column and some rows.
      const lossy = withExtraMigration(
        temp.dir,
        [
          'CREATE TABLE `__new_settings` (`key` text PRIMARY KEY NOT NULL, `value` text NOT NULL);',
          "INSERT INTO `__new_settings` (`key`, `value`) SELECT `key`, `value` FROM `settings` WHERE `key` <> 'settings.key.0';",
          'DROP TABLE `settings`;',
          'ALTER TABLE `__new_settings` RENAME TO `settings`;',
        ].join('\n--> statement-breakpoint\n'),
      );
      const problems = await upgradeWithData(lossy);
      expect(problems).toEqual(['column settings.updated_at is gone', 'settings: 3 rows of 4, 1 changed or lost']);
    } finally {
      temp.remove();
    }
  }, 30_000);

  it('live admin tokens that share a name keep working, the older ones renamed, when names become unique', async () => {
    const temp = tempDatabase('tamis-token-names-');
    const client = createClient({ url: temp.url });
    try {
      const db = drizzle(client, { schema });
      await migrate(db, { migrationsFolder: previousMigrations(MIGRATIONS_DIR, temp.dir, '0004_live_token_names') });
      const tokens: [string, string, number, number | null][] = [
        ['tok-b', 'desk', 2, null],
        ['tok-a', 'desk', 1, null],
        ['tok-c', 'desk', 2, null],
        ['tok-d', 'desk', 0, 5],
        ['tok-e', 'night', 3, null],
      ];
      for (const [id, name, createdAt, revokedAt] of tokens) {
        await client.execute({
          sql: 'INSERT INTO admin_tokens (id, name, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
          args: [id, name, `hash-${id}`, createdAt, revokedAt],
        });
      }
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
      const rows = await client.execute('SELECT id, name, token_hash, revoked_at FROM admin_tokens ORDER BY id');
      expect(rows.rows.map((r) => [r.id, r.name, r.token_hash, r.revoked_at])).toEqual([
        ['tok-a', 'desk (tok-a)', 'hash-tok-a', null],
        ['tok-b', 'desk (tok-b)', 'hash-tok-b', null],
        ['tok-c', 'desk', 'hash-tok-c', null],
        ['tok-d', 'desk', 'hash-tok-d', 5],
        ['tok-e', 'night', 'hash-tok-e', null],
      ]);
      await expect(
        client.execute(
          "INSERT INTO admin_tokens (id, name, token_hash, created_at) VALUES ('tok-f', 'desk', 'hash-tok-f', 9)",
        ),
      ).rejects.toThrow(/UNIQUE/);
    } finally {
      client.close();
      temp.remove();
    }
  }, 30_000);
});
