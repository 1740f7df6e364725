import { describe, expect, it } from 'vitest';
import { learnerTokens, runChecks, verdict, type LearnerTotals, type TokenCounts } from '../../../src/spam/index';
import { train } from '../../../eval/memory-learner';
import type { CheckContext, Features } from '../../../src/spam/types';
import { context, features, settings, withSettings } from './fixtures';

const trusted: Partial<CheckContext> = {
  memory: { spamByIp: 0, spamByEmail: 0, spamByWebsiteHost: 0, approvedByEmail: 40 },
};

describe('runChecks + verdict', () => {
  it.each<[string, Partial<Features>, Partial<CheckContext>, 'approve' | 'hold' | 'spam']>([
    ['an ordinary comment', {}, {}, 'approve'],
    ['the admin dry run (form token skipped)', {}, { formToken: { state: 'skipped' } }, 'approve'],
    ['a filled honeypot', { honeypot: 'x' }, {}, 'spam'],
    ['a filled honeypot from a trusted email', { honeypot: 'x' }, trusted, 'spam'],
    [
      'an HTML anchor from a trusted email',
      { content: 'Voir <a href="https://pills.example">ici</a>' },
      trusted,
      'spam',
    ],
    ['a form sent in one second', {}, { formToken: { state: 'ok', ageMs: 1000 } }, 'spam'],
    ['cross-posted text', {}, { crossPosts: 2 }, 'spam'],
    ['two links', { content: 'https://a.example et https://b.example' }, {}, 'hold'],
    ['two links from a trusted email', { content: 'https://a.example et https://b.example' }, trusted, 'hold'],
    [
      'the moderation list',
      { content: 'Le casino a fermé' },
      { lists: [{ list: 'moderation', kind: 'word', value: 'casino' }] },
      'hold',
    ],
    ['the disallowed list', {}, { lists: [{ list: 'disallowed', kind: 'cidr', value: '192.0.2.0/24' }] }, 'spam'],
    ['a promotional comment', { content: 'Please subscribe to my channel!' }, {}, 'hold'],
    ['a promotional comment from a trusted email', { content: 'Please subscribe to my channel!' }, trusted, 'approve'],
    ['a script without form token', { userAgent: 'python-requests/2.31' }, { formToken: { state: 'missing' } }, 'hold'],
    [
      'a script without form token, selling',
      { userAgent: 'python-requests/2.31', content: 'Buy now https://pills.example' },
      { formToken: { state: 'missing' } },
      'spam',
    ],
    [
      'a bot with everything against it',
      {
        userAgent: 'curl/8.0',
        email: 'x@mailinator.com',
        author: 'Cheap Pills',
        content: 'Buy now https://pills.example/?ref=9',
      },
      { formToken: { state: 'missing' } },
      'spam',
    ],
    [
      'a submitter already marked spam',
      { content: 'Merci !' },
      { memory: { spamByIp: 2, spamByEmail: 1, spamByWebsiteHost: 0, approvedByEmail: 0 } },
      'spam',
    ],
  ])('%s → %s', (_name, f, c, expected) => {
    const signals = runChecks(features(f), context(c), settings);
    expect(verdict(signals, settings).verdict).toBe(expected);
  });

  it('adds the learner only when given its state; without the prior, only after 10/10 examples', () => {
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    const f = features({ content: 'Achetez nos montres de luxe pas chères' });
    const noPrior = withSettings({ learnerPrior: false });
    const hasLearner = () =>
      runChecks(f, context(), noPrior, { stats: table, totals }).some((s) => s.rule === 'learner');
    for (let i = 0; i < 9; i++) {
      train(table, totals, learnerTokens(features({ content: `montres de luxe pas chères, modèle ${i}` })), 'spam');
      train(table, totals, learnerTokens(features({ content: `le conseil municipal a voté, séance ${i}` })), 'ham');
    }
    expect(hasLearner()).toBe(false);
    train(table, totals, learnerTokens(features({ content: 'montres de luxe pas chères' })), 'spam');
    train(table, totals, learnerTokens(features({ content: 'le conseil municipal a voté' })), 'ham');
    expect(hasLearner()).toBe(true);
    expect(runChecks(f, context(), settings).some((s) => s.rule === 'learner')).toBe(false);
    // With the prior (the default), from the first comment (#18).
    const empty: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    expect(
      runChecks(f, context(), settings, { stats: new Map(), totals: empty }).some((s) => s.rule === 'learner'),
    ).toBe(true);
  });

  it('never judges a reader spam for writing in another language than the article, even when the learner learnt it with the spam', () => {
    // A French site whose English comments were all spam: the learner leans spam on English words.
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    for (let i = 0; i < 30; i++) {
      const english = `Great article and the best way to get rich is with the right people at the right time ${i}`;
      train(table, totals, learnerTokens(features({ content: english })), 'spam');
      train(
        table,
        totals,
        learnerTokens(features({ content: `Le conseil municipal a voté le budget, séance ${i}` })),
        'ham',
      );
    }
    const reader = features({
      content: 'My son plays hockey in the town and the cost is now over three thousand dollars with the equipment.',
    });
    const signals = runChecks(reader, context(), settings, { stats: table, totals });
    const learner = signals.find((s) => s.rule === 'learner');
    const language = signals.find((s) => s.rule === 'language');
    expect(language?.score).toBe(settings.weightLanguageMismatch);
    // Sure of spam from its words alone, the learner is bounded: with the language signal it holds.
    expect(learner?.score).toBe(settings.spamThreshold - settings.weightLanguageMismatch - 1);
    expect(learner?.detail).toMatch(/bounded: another language than the article's$/);
    expect(verdict(signals, settings).verdict).toBe('hold');
    // The same words under an English article: no language signal, and the learner speaks in full.
    const home = runChecks(reader, context({ articleLanguage: 'en' }), settings, { stats: table, totals });
    expect(home.find((s) => s.rule === 'learner')?.score).toBeGreaterThan(learner?.score ?? 0);
  });

  it('lets a learner with fewer spam lessons than learnerBlocksFrom hold a comment alone, never judge it spam', () => {
    // 30 lessons of each: sure of spam from words that a few dozen spam happened to share.
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    for (let i = 0; i < 30; i++) {
      train(table, totals, learnerTokens(features({ content: `Jeu vidéo sans discussion, le meilleur ${i}` })), 'spam');
      train(table, totals, learnerTokens(features({ content: `Le conseil municipal a voté le budget ${i}` })), 'ham');
    }
    const reader = features({ content: 'Jeu vidéo sans discussion, le meilleur de l’année' });
    const signals = runChecks(reader, context(), settings, { stats: table, totals });
    const learner = signals.find((s) => s.rule === 'learner');
    expect(learner?.score).toBe(settings.spamThreshold - 1);
    expect(learner?.detail).toMatch(/bounded: fewer than 100 spam lessons$/);
    expect(verdict(signals, settings).verdict).toBe('hold');
    // Once the site has taught it enough spam, the learner speaks in full and may judge spam alone.
    const grown = { ...settings, learnerBlocksFrom: 30 };
    const full = runChecks(reader, context(), grown, { stats: table, totals });
    expect(full.find((s) => s.rule === 'learner')?.score).toBeGreaterThanOrEqual(settings.spamThreshold);
    expect(verdict(full, grown).verdict).toBe('spam');
  });

  it("does not count the learner's certainty of ham against a website bought for its keywords", () => {
    // A site whose readers write like this: the learner is sure such a text is a reader's.
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    for (let i = 0; i < 30; i++) {
      train(table, totals, learnerTokens(features({ content: `Achetez nos montres de luxe pas chères ${i}` })), 'spam');
      train(
        table,
        totals,
        learnerTokens(features({ content: `On a eu le même souci l'an dernier, c'est fou ${i}` })),
        'ham',
      );
    }
    const learnerOf = (website: string, s = settings) =>
      runChecks(features({ content: "On a eu le même souci l'an dernier, c'est fou", website }), context(), s, {
        stats: table,
        totals,
      });
    // Quiet link spam: a reader's text, a keyword address (the author rule's 3 and the link's 2).
    const quiet = learnerOf('https://toiture-couvreur-express.example');
    expect(quiet.find((s) => s.rule === 'learner')).toMatchObject({
      score: 0,
      detail: expect.stringMatching(/not counted against a keyword address$/),
    });
    expect(verdict(quiet, settings).verdict).toBe('hold');
    // The same text from a reader's own site, or with the author rule turned off: the learner counts.
    const own = learnerOf('https://carnets-de-camille.example');
    expect(own.find((s) => s.rule === 'learner')?.score).toBeLessThan(0);
    expect(verdict(own, settings).verdict).toBe('approve');
    const off = withSettings({ weightAuthorSpamWords: 0 });
    expect(
      learnerOf('https://toiture-couvreur-express.example', off).find((s) => s.rule === 'learner')?.score,
    ).toBeLessThan(0);
  });

  it('is pure: same input, same signals, nothing mutated', () => {
    const f = features({ content: 'Voir https://a.example et https://b.example' });
    const c = context();
    const frozen = JSON.stringify([f, c]);
    expect(runChecks(f, c, settings)).toEqual(runChecks({ ...f }, structuredClone(c), settings));
    expect(JSON.stringify([f, c])).toBe(frozen);
  });

  it('stays fast on 50,000 characters of hostile text', () => {
    const hostile = [
      'a'.repeat(50_000),
      '[x]('.repeat(12_500),
      '<a href=x>'.repeat(5_000),
      'a@'.repeat(25_000),
      '\uD800x'.repeat(25_000),
    ];
    for (const content of hostile) {
      const start = performance.now();
      const f = features({ content, author: content.slice(0, 100) });
      runChecks(f, context({ lists: [{ list: 'disallowed', kind: 'word', value: 'casino' }] }), settings, {
        tokens: learnerTokens(f),
        stats: new Map(),
        totals: { spam: 20, ham: 20, spamTokens: 2000, hamTokens: 2000 },
      });
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });
});
