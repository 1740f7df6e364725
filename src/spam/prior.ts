import { PRIOR_DATA } from './prior.generated';
import type { LearnerTotals, TokenCounts } from './types';

/**
 * The learner's starter knowledge: token counts learned at build time from the corpora in the
 * repository (scripts/build-prior.ts writes prior.generated.ts), so that a site is never cold. At run
 * time the prior and the site's lessons are two classifiers over the same tokens, their evidence
 * mixed by weight: the prior counts as `learnerPriorDocuments` lessons on a new site, and for less
 * and less as the site's lessons accumulate (halved at `learnerPriorHalfLife` lessons). Two
 * classifiers rather than one table of summed counts: each normalizes by its own totals, so the
 * prior's spam (other sites, other languages) does not make everything this site's spam lacks
 * look like ham. Pure: no clock, no database.
 */
export interface LearnerPrior {
  counts: ReadonlyMap<string, TokenCounts>;
  /** Documents of each class it was built from, and the token counts of the tokens it kept. */
  totals: Required<LearnerTotals>;
}

/** The prior as the data module stores it: one line per token, "token\tspam\tham". */
export interface PriorData {
  totals: Required<LearnerTotals>;
  entries: string;
}

export function decodePrior(data: PriorData): LearnerPrior {
  const counts = new Map<string, TokenCounts>();
  for (const line of data.entries.split('\n')) {
    const [token, spam, ham] = line.split('\t');
    if (token) counts.set(token, { spam: Number(spam) || 0, ham: Number(ham) || 0 });
  }
  return { counts, totals: data.totals };
}

let shipped: LearnerPrior | undefined;
/** The prior shipped with Tamis, decoded on first use. */
export const shippedPrior = (): LearnerPrior => {
  shipped ??= decodePrior(PRIOR_DATA);
  return shipped;
};

/**
 * The prior's share of the evidence (0–1) beside a site that has `siteLessons` lessons: it is
 * worth `documents` lessons, halved at `halfLife` of the site's.
 */
export function priorShare(siteLessons: number, documents: number, halfLife: number): number {
  const site = Math.max(0, siteLessons);
  const worth = documents * (halfLife / (halfLife + site));
  return worth + site > 0 ? worth / (worth + site) : 0;
}
