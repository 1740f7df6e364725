import type { Label, LearnerTotals, TokenCounts } from '../src/spam/types';

/**
 * The learner's table in memory, for the offline evaluation and the tests: what db/learner.ts
 * does to the `learner_tokens` rows (tests/api/learner-parity.test.ts checks that both count alike).
 */

/**
 * Adds (delta +1) or removes (delta −1, when a moderator reverses a decision) one document of a
 * class: +delta to the label's count of each of its distinct tokens (a row at zero in both classes
 * goes), to the label's documents and, by the number of its tokens, to the label's tokens total.
 * Counts never go below zero.
 */
export function train(
  table: Map<string, TokenCounts>,
  totals: LearnerTotals,
  tokens: readonly string[],
  label: Label,
  delta: 1 | -1 = 1,
): void {
  for (const token of new Set(tokens)) {
    const row = { ...(table.get(token) ?? { spam: 0, ham: 0 }) };
    row[label] = Math.max(0, row[label] + delta);
    if (row.spam === 0 && row.ham === 0) table.delete(token);
    else table.set(token, row);
  }
  const distinct = new Set(tokens).size;
  totals[label] = Math.max(0, totals[label] + delta);
  const key = label === 'spam' ? 'spamTokens' : 'hamTokens';
  totals[key] = Math.max(0, (totals[key] ?? 0) + delta * distinct);
}

/** The pruning order of learner.ts pruneCount on an in-memory table (updatedAt per token supplied by the caller). */
export function pruneOrder(a: TokenCounts & { updatedAt: number }, b: TokenCounts & { updatedAt: number }): number {
  return a.spam + a.ham - (b.spam + b.ham) || a.updatedAt - b.updatedAt;
}
