import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PRIOR_CORPORA, PRIOR_OUT, priorModule } from '../../../scripts/build-prior';
import { PRIOR_DATA } from '../../../src/spam/prior.generated';
import { decodePrior, shippedPrior } from '../../../src/spam/prior';

/** The learner's prior shipped with Tamis (#18): built from the corpora, small, and kept in step with them. */
describe('the shipped prior', () => {
  const committed = readFileSync(PRIOR_OUT, 'utf8');

  it('stays within 10 KiB gzipped (the Workers bundle has a budget)', () => {
    expect(gzipSync(committed).length).toBeLessThanOrEqual(10 * 1024);
  });

  it('is what scripts/build-prior.ts makes of the corpora today', () => {
    if (!PRIOR_CORPORA.every((file) => existsSync(file))) return; // a checkout without the development corpus
    expect(priorModule()).toBe(committed);
  });

  it("keeps no one's name nor a site's habits, only tokens seen in three documents or more", () => {
    const prior = decodePrior(PRIOR_DATA);
    expect(prior.counts.size).toBeGreaterThan(500);
    for (const [token, counts] of prior.counts) {
      expect(token).not.toMatch(/^(?:a:|c:|m:(?:links|kind|site|tld|email:|etld|ua|words|caps))/);
      expect(counts.spam + counts.ham, token).toBeGreaterThanOrEqual(3);
    }
    // Naming one's own channel or blog: spam on YouTube, how readers point to their writing elsewhere.
    expect(prior.counts.has('m:promo:self-promotion')).toBe(false);
    // Asking to be called or written to: the promotion and shape rules count it already.
    expect(prior.counts.has('m:promo:contact_solicitation')).toBe(false);
    expect(prior.counts.has('m:phone')).toBe(true);
    expect(prior.counts.has('m:promo:commercial_spam')).toBe(true);
    expect(prior.totals.spam).toBeGreaterThan(300);
    expect(prior.totals.ham).toBeGreaterThan(300);
    expect(shippedPrior()).toBe(shippedPrior()); // decoded once
  });
});
