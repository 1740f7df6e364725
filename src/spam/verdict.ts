import type { SpamSettings } from '../settings/spam';
import type { Assessment, Signal, Verdict } from './types';

/**
 * Rules that decide on their own ("→ spam", "→ hold" in the issue), by rule name: the verdict is
 * at least this whenever such a signal is present, whatever the other signals add or take away.
 */
export const DECISIVE_RULES = {
  honeypot: 'spam',
  form_too_fast: 'spam',
  link_markup: 'spam',
  disallowed_list: 'spam',
  cross_post: 'spam',
  too_many_links: 'hold',
  moderation_list: 'hold',
} as const satisfies Record<string, 'hold' | 'spam'>;

const RANK: Record<Verdict, number> = { approve: 0, hold: 1, spam: 2 };

/**
 * Sums the signals and compares the sum with the two thresholds:
 * score ≥ spamThreshold → 'spam', score ≥ holdThreshold → 'hold', else 'approve'.
 *
 * Then the decisive rules (DECISIVE_RULES) impose their verdict as a floor. So negative signals
 * (an email with approved comments, a learner sure of ham) can outweigh weak evidence, never a
 * honeypot, a form sent too fast, link markup, the disallowed list or cross-posting ('spam'), nor
 * too many links or the moderation list ('hold', as WordPress holds those even from known
 * commenters). A floor rather than a huge weight keeps scores readable and lets moderators move
 * the thresholds freely; a decisive rule is turned off by setting its weight to 0 (it then raises
 * no signal at all).
 */
export function verdict(signals: readonly Signal[], settings: SpamSettings): Assessment {
  const floorOf = (s: Signal): Verdict | undefined => (DECISIVE_RULES as Record<string, Verdict | undefined>)[s.rule];
  const reasons = signals
    .filter((s) => Number.isFinite(s.score) && (s.score !== 0 || floorOf(s)))
    .sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || b.score - a.score);
  const total = reasons.reduce((sum, s) => sum + s.score, 0);
  let decided: Verdict =
    total >= settings.spamThreshold ? 'spam' : total >= settings.holdThreshold ? 'hold' : 'approve';
  for (const s of reasons) {
    const floor = floorOf(s);
    if (floor && RANK[floor] > RANK[decided]) decided = floor;
  }
  return { verdict: decided, score: Math.round(total * 10) / 10, reasons };
}
