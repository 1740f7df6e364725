import type { SpamSettings } from './settings';
import type { Signal, Verdict } from './types';

export interface Decision {
  verdict: Verdict;
  /** Sum of the signals' scores, rounded to 0.1. */
  score: number;
  /** The signals that moved the score, strongest first (positive before negative at equal size). */
  reasons: Signal[];
}

/**
 * Sums the signals and compares the sum with the two thresholds:
 * score ≥ spamThreshold → 'spam', score ≥ holdThreshold → 'hold', else 'approve'.
 *
 * Decisive rules ("→ spam", "→ hold" in the issue): a single signal whose own score reaches a
 * threshold imposes at least that verdict, whatever the other signals add or take away. The rules
 * that must decide on their own (honeypot, a form sent too fast, link markup, the disallowed list,
 * cross-posting) weigh 20 by default, twice spamThreshold; "→ hold" rules (many links, the
 * moderation list) weigh holdThreshold. So negative signals (a trusted email, a learner sure of
 * ham) can cancel weak evidence, never a decisive one; and moderators keep control through the
 * weights: a weight set below the threshold makes its rule one contribution among others.
 */
export function verdict(signals: readonly Signal[], settings: SpamSettings): Decision {
  const reasons = signals
    .filter((s) => Number.isFinite(s.score) && s.score !== 0)
    .sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || b.score - a.score);
  const total = reasons.reduce((sum, s) => sum + s.score, 0);
  const strongest = reasons.reduce((max, s) => Math.max(max, s.score), 0);
  const reaches = (threshold: number) => total >= threshold || strongest >= threshold;
  const decided: Verdict = reaches(settings.spamThreshold) ? 'spam' : reaches(settings.holdThreshold) ? 'hold' : 'approve';
  return { verdict: decided, score: Math.round(total * 10) / 10, reasons };
}
