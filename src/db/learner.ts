import { and, eq, inArray, sql, type Placeholder } from 'drizzle-orm';
import type { Db } from '../deps';
import type { Label, LearnerInput, LearnerTotals, TokenCounts } from '../spam/types';
import type { Statement } from './batch';
import { chunk, MAX_PARAMS } from './comments';
import { learnerCounts } from './schema';

/**
 * The learner's table (spam/learner.ts): one row per token with the trained documents of each
 * class that held it. Two rows hold the totals: trained documents per class, and the tokens those
 * documents held. Real tokens always carry a "x:" prefix, so "#…" names never collide with them.
 */
const TOTALS = '#total';
const TOKEN_TOTALS = '#tokens';

/**
 * A scalar subquery: the counts of a document's tokens (distinct, as learnerTokens gives them) and
 * the totals, as one JSON array of [token, spam, ham]. The token list goes as one JSON parameter
 * (learnerTokenList; D1 binds at most 100). Part of readHistory's statement. A join walks the list and looks each token up by its
 * key; `token IN (SELECT … json_each)` first copies the list into a temporary index, which took
 * three times as long for a comment's 60-odd tokens.
 */
export const learnerCountsOf = (list: Placeholder) =>
  sql`(SELECT json_group_array(json_array(t.token, t.spam, t.ham))
      FROM json_each(${list}) AS j JOIN learner_tokens AS t ON t.token = j.value)`;

/** The value of learnerCountsOf's placeholder for a document's tokens: them and the totals, as a JSON list. */
export const learnerTokenList = (tokens: readonly string[]) => JSON.stringify([TOTALS, TOKEN_TOTALS, ...tokens]);

/** The learner's input from what learnerCountsOf read for a document's tokens. */
export function learnerInput(tokens: string[], json: string): LearnerInput {
  const stats = new Map<string, TokenCounts>();
  for (const [token, spam, ham] of JSON.parse(json) as [string, number, number][]) stats.set(token, { spam, ham });
  const documents = stats.get(TOTALS) ?? { spam: 0, ham: 0 };
  const tokenTotals = stats.get(TOKEN_TOTALS) ?? { spam: 0, ham: 0 };
  stats.delete(TOTALS);
  stats.delete(TOKEN_TOTALS);
  const totals: LearnerTotals = { ...documents, spamTokens: tokenTotals.spam, hamTokens: tokenTotals.ham };
  return { tokens, stats, totals };
}

/** How many tokens the learner holds, and how many documents of each class it was trained with. */
export async function learnerSize(db: Db) {
  const row = await db
    .select({
      vocabulary: sql<number>`sum(${learnerCounts.token} NOT IN (${TOTALS}, ${TOKEN_TOTALS}))`,
      spam: sql<number>`coalesce(max(case when ${learnerCounts.token} = ${TOTALS} then ${learnerCounts.spam} end), 0)`,
      ham: sql<number>`coalesce(max(case when ${learnerCounts.token} = ${TOTALS} then ${learnerCounts.ham} end), 0)`,
    })
    .from(learnerCounts)
    .get();
  return { vocabulary: row?.vocabulary ?? 0, spam: row?.spam ?? 0, ham: row?.ham ?? 0 };
}

/**
 * What a change of lessons adds to one label's counts: to each token's, to the tokens total and,
 * for a whole comment taught or taken back (`document`), to the documents total.
 */
export class CountDeltas {
  readonly tokens = new Map<string, number>();

  add(tokens: readonly string[], delta: number, document: boolean) {
    const bump = (token: string, n: number) => this.tokens.set(token, (this.tokens.get(token) ?? 0) + n);
    if (document) bump(TOTALS, delta);
    bump(TOKEN_TOTALS, delta * tokens.length);
    for (const token of tokens) bump(token, delta);
  }
}

/**
 * Statements that add each delta (positive or negative) to the label's count of its token, counts
 * never going below zero; a token no lesson counts any more is deleted, not kept at zero (an erased
 * name leaves no row). Increments are upserts of 20 rows; decrements one UPDATE per amount and slice.
 */
export function countStatements(db: Db, label: Label, deltas: CountDeltas, now: number): Statement[] {
  const column = label === 'spam' ? learnerCounts.spam : learnerCounts.ham;
  const up = [...deltas.tokens].filter(([, n]) => n > 0);
  const down = new Map<number, string[]>();
  for (const [token, n] of deltas.tokens) {
    if (n >= 0) continue;
    const same = down.get(-n);
    if (same) same.push(token);
    else down.set(-n, [token]);
  }
  const gone = [...down.values()].flat().filter((token) => !token.startsWith('#'));
  return [
    ...chunk(up, 20).map((slice) =>
      db
        .insert(learnerCounts)
        .values(slice.map(([token, n]) => ({ token, spam: 0, ham: 0, [label]: n, updatedAt: now })))
        .onConflictDoUpdate({
          target: learnerCounts.token,
          set: { [label]: sql`${column} + excluded.${sql.raw(label)}`, updatedAt: now },
        }),
    ),
    ...[...down].flatMap(([n, tokens]) =>
      chunk(tokens, MAX_PARAMS).map((slice) =>
        db
          .update(learnerCounts)
          .set({ [label]: sql`max(0, ${column} - ${n})`, updatedAt: now })
          .where(inArray(learnerCounts.token, slice)),
      ),
    ),
    ...chunk(gone, MAX_PARAMS).map((slice) =>
      db
        .delete(learnerCounts)
        .where(and(inArray(learnerCounts.token, slice), eq(learnerCounts.spam, 0), eq(learnerCounts.ham, 0))),
    ),
  ];
}

/** Rows of the table, the two of the totals included. */
export async function learnerRowCount(db: Db): Promise<number> {
  const [size] = await db.select({ n: sql<number>`count(*)` }).from(learnerCounts).all();
  return size?.n ?? 0;
}

/** Deletes `count` tokens, the rarest first and, among those, the least recently updated (learner.ts pruneCount). */
export async function pruneRarest(db: Db, count: number): Promise<void> {
  await db.run(
    sql`DELETE FROM learner_tokens WHERE token IN (SELECT token FROM learner_tokens WHERE token NOT LIKE '#%' ORDER BY spam + ham, updated_at LIMIT ${count})`,
  );
}
