import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Label } from '../spam/types';
import type { Statement } from './batch';
import { chunk, MAX_PARAMS } from './comments';
import { spamMemory } from './schema';

/** What local memory keys a submitter by: keyed hashes (services/keys.ts), never the values. */
export interface MemoryKeys {
  email: string;
  ip: string | null;
  host: string | null;
}

/**
 * The statements that count one decision of this label (delta +1) for each of the submitter's keys,
 * or take it back (delta −1); counts never go below zero.
 */
export function memoryStatements(db: Db, keys: MemoryKeys, label: Label, delta: 1 | -1, now: number): Statement[] {
  const column = label === 'spam' ? spamMemory.spam : spamMemory.ham;
  return (['email', 'ip', 'host'] as const)
    .filter((kind) => keys[kind])
    .map((kind) =>
      db
        .insert(spamMemory)
        .values({ kind, hash: keys[kind]!, spam: 0, ham: 0, [label]: Math.max(0, delta), updatedAt: now })
        .onConflictDoUpdate({
          target: [spamMemory.kind, spamMemory.hash],
          set: { [label]: sql`max(0, ${column} + ${delta})`, updatedAt: now },
        }),
    );
}

/** The statements that forget an email's hash and IPs' hashes (an erasure). */
export function forgetSubmitter(db: Db, emailHash: string, ipHashes: string[]): Statement[] {
  return [
    db.delete(spamMemory).where(and(eq(spamMemory.kind, 'email'), eq(spamMemory.hash, emailHash))),
    ...chunk(ipHashes, MAX_PARAMS).map((slice) =>
      db.delete(spamMemory).where(and(eq(spamMemory.kind, 'ip'), inArray(spamMemory.hash, slice))),
    ),
  ];
}

/** Forgets the IPs not marked again since `before` (the retention purge); returns how many. */
export async function forgetIpsBefore(db: Db, before: number): Promise<number> {
  const gone = await db
    .delete(spamMemory)
    .where(and(eq(spamMemory.kind, 'ip'), lt(spamMemory.updatedAt, before)))
    .returning({ hash: spamMemory.hash });
  return gone.length;
}
