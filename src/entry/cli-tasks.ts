import type { Config } from '../config';
import { randomToken } from '../crypto';
import { systemClock } from '../deps';
import { insertAudit } from '../db/audit';
import { createAdminToken } from '../db/tokens';
import { isUniqueViolation } from '../http/errors';
import { CommandError } from './command-error';
import { applyMigrations, openDatabase } from './node-db';

/** The `tamis` commands that only need the database: `migrate` and `token create`. */

/** Applies the migrations the database lacks: how many it applied now, and how many it has. */
export async function migrateCommand(config: Config): Promise<{ applied: number; total: number }> {
  const { db, client } = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, { migrate: false });
  try {
    const count = async () => {
      const table = await client.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'",
      );
      return table.rows.length
        ? Number((await client.execute('SELECT count(*) FROM __drizzle_migrations')).rows[0]![0])
        : 0;
    };
    const before = await count();
    await applyMigrations(db);
    const total = await count();
    return { applied: total - before, total };
  } finally {
    client.close();
  }
}

/** The audit log's actor for what an operator does with the `tamis` command (no token, so no id). */
export const COMMAND_LINE_ACTOR = 'command line';

/**
 * A new admin token named `name` (already normalized), as the admin API makes one: random, stored as
 * its hash, its creation in the audit log in the same batch. The token is returned, to be shown once.
 */
export async function createTokenCommand(
  config: Config,
  name: string,
): Promise<{ id: string; token: string; createdAt: number }> {
  const { db, client } = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  try {
    const now = systemClock.now();
    const token = randomToken('tamis_');
    const row = await createAdminToken(db, name, token, now, (id) =>
      insertAudit(db, [
        {
          at: now,
          actorId: null,
          actorName: COMMAND_LINE_ACTOR,
          action: 'token.create',
          targetType: 'token',
          targetId: id,
          before: null,
          after: { id, name },
        },
      ]),
    ).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new CommandError(
          `A live token is already named "${name}": the audit log could not tell them apart. Choose another name.`,
        );
      throw error;
    });
    return { id: row.id, token, createdAt: now };
  } finally {
    client.close();
  }
}
