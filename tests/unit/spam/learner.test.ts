import { priorShare } from '../../../src/spam/prior';
import { describe, expect, it } from 'vitest';
import {
  classify,
  learnerSignal,
  learnerTokens,
  MAX_TOKEN_LENGTH,
  MAX_TOKENS,
  pruneCount,
  runLearner,
  userAgentToken,
} from '../../../src/spam/learner';
import { pruneOrder, train } from '../../../eval/memory-learner';
import type { LearnerTotals, TokenCounts } from '../../../src/spam/types';
import { features, settings, withSettings } from './fixtures';

const spamTexts = [
  'Check out my channel and subscribe for free gift cards https://cheap.example/?ref=1',
  'Subscribe to my channel please, I sub back! Free followers at https://followers.example',
  'Make money from home, click here https://money.example',
  'please check my new music video and subscribe',
  'free iphone giveaway click here now https://win.example',
];
const hamTexts = [
  "Merci pour cet article, je n'avais pas vu les choses sous cet angle.",
  'Le conseil municipal aurait dû consulter les habitants avant de voter.',
  "Très bonne analyse, même si je ne partage pas la conclusion sur l'emploi.",
  'Quelqu’un sait à quelle heure commence la réunion publique ?',
  'Les chiffres de la page deux ne correspondent pas au tableau.',
];

/** A table trained with n documents of each class, cycling through the examples. */
function trained(n: number) {
  const table = new Map<string, TokenCounts>();
  const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
  for (let i = 0; i < n; i++) {
    train(
      table,
      totals,
      learnerTokens(features({ content: spamTexts[i % spamTexts.length]!, email: `s${i}@gmail.com` })),
      'spam',
    );
    train(
      table,
      totals,
      learnerTokens(features({ content: hamTexts[i % hamTexts.length]!, email: `h${i}@orange.fr` })),
      'ham',
    );
  }
  return { table, totals };
}

describe('learnerTokens', () => {
  it('gives words, bigrams, character n-grams and metadata', () => {
    const tokens = learnerTokens(
      features({
        content: 'Visit https://shop.example.co.uk/deal now',
        website: 'https://me.example',
        email: 'x@gmail.com',
      }),
    );
    expect(tokens).toEqual(
      expect.arrayContaining([
        'w:visit',
        'b:visit now',
        'c:^vis',
        'm:site:example.co.uk',
        'm:tld:uk',
        'm:website',
        'm:email:gmail.com',
        'm:links:1',
      ]),
    );
  });

  it('reads a source (a public institution, an encyclopedia) as one token, not as a link', () => {
    const cited = learnerTokens(features({ content: 'Le simulateur sur info-retraite.fr est gratuit' }));
    expect(cited).toEqual(expect.arrayContaining(['m:ref', 'm:links:0']));
    expect(cited.some((t) => t.startsWith('m:kind:') || t.startsWith('m:site:') || t.startsWith('m:tld:'))).toBe(false);
    const both = learnerTokens(features({ content: 'https://fr.wikipedia.org/wiki/X et https://shop.example' }));
    expect(both).toEqual(expect.arrayContaining(['m:ref', 'm:links:1', 'm:site:shop.example']));
    expect(both).not.toContain('m:site:wikipedia.org');
    const lookalike = learnerTokens(features({ content: 'Remboursement : https://impots-gouv.fr/x' }));
    expect(lookalike).toEqual(expect.arrayContaining(['m:links:1', 'm:site:impots-gouv.fr']));
    expect(lookalike).not.toContain('m:ref');
  });

  it('gives one token per promotion category, among the metadata', () => {
    const tokens = learnerTokens(features({ content: 'Please subscribe to my channel! https://me.example' }));
    expect(tokens.filter((t) => t.startsWith('m:promo:'))).toEqual([
      'm:promo:self-promotion',
      'm:promo:subscription_begging',
    ]);
    expect(tokens.indexOf('m:promo:self-promotion')).toBeLessThan(tokens.findIndex((t) => t.startsWith('w:')));
    expect(learnerTokens(features()).some((t) => t.startsWith('m:promo:'))).toBe(false);
  });

  it.each([
    ['letters of one plane', 'rouge', ['c:^ro', 'c:rou', 'c:oug', 'c:uge', 'c:ge$', 'c:^rou', 'c:ouge$']],
    ['a letter outside it (two UTF-16 units)', 'ab𐌰cd', ['c:^ab', 'c:ab𐌰', 'c:b𐌰c', 'c:𐌰cd', 'c:cd$', 'c:^ab𐌰c']],
  ])('cuts character n-grams by code points: %s', (_name, word, expected) => {
    const grams = learnerTokens(features({ content: word })).filter((t) => t.startsWith('c:'));
    expect(grams).toEqual(expect.arrayContaining(expected));
    const size = (gram: string) => Array.from(gram.slice(2)).length;
    expect(grams.every((gram) => size(gram) >= 3 && size(gram) <= 5)).toBe(true);
    expect(grams.some((gram) => /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(gram.slice(2)))).toBe(false);
    expect(grams).toHaveLength([3, 4, 5].reduce((n, k) => n + Math.max(0, Array.from(`^${word}$`).length - k + 1), 0));
  });

  it('is deduplicated and deterministic', () => {
    const f = features({ content: 'spam spam spam spam' });
    const tokens = learnerTokens(f);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(learnerTokens(features({ content: 'spam spam spam spam' }))).toEqual(tokens);
  });

  it.each([
    ['random garbage', Array.from({ length: 5000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('')],
    ['one huge word', 'a'.repeat(5000)],
    ['many distinct words', Array.from({ length: 800 }, (_, i) => `mot${i.toString(36)}x`).join(' ')],
    ['emoji and symbols', '😀🔥💯 '.repeat(1200)],
    ['lone surrogates', '\uD800abc\uDFFFdef\uD83D'.repeat(500)],
  ])('bounds count and length for 5,000 characters of %s', (_name, content) => {
    const tokens = learnerTokens(features({ content: content.slice(0, 5000), author: content.slice(0, 200) }));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.length).toBeLessThanOrEqual(MAX_TOKENS);
    for (const token of tokens) expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
  });

  it.each([
    '\uD800',
    '\uDC00\uD800',
    'a\u0000b\u0007c',
    '\u202Eevil\u202C',
    'e\u0301\u0301\u0301\u0301',
    '𝐟𝐫𝐞𝐞 ｆｕｌｌ',
    '',
    '   ',
  ])('never throws on %j', (content) => {
    expect(() => {
      const tokens = learnerTokens(features({ content, author: content, website: content || null, email: content }));
      classify(tokens, new Map([[tokens[0] ?? 'x', { spam: 3, ham: 1 }]]), {
        spam: 30,
        ham: 30,
        spamTokens: 900,
        hamTokens: 600,
      });
    }).not.toThrow();
  });
});

describe('classify', () => {
  it('learns spam and ham from counts of the document tokens only', () => {
    const { table, totals } = trained(30);
    const spam = learnerTokens(features({ content: 'Subscribe to my channel for free gift cards, click here' }));
    const ham = learnerTokens(features({ content: 'Le conseil municipal a voté, merci pour cet article.' }));
    // The service fetches only these tokens' rows.
    const only = (tokens: string[]) =>
      new Map(tokens.flatMap((t) => (table.has(t) ? [[t, table.get(t)!] as const] : [])));
    const s = classify(spam, only(spam), totals);
    const h = classify(ham, only(ham), totals);
    expect(s.pSpam).toBeGreaterThan(0.9);
    expect(h.pSpam).toBeLessThan(0.1);
    expect(s.top.some((t) => t.weight > 0 && t.token.startsWith('w:'))).toBe(true);
    expect(classify(spam, table, totals).pSpam).toBeCloseTo(s.pSpam, 10);
  });

  it("counts a comment's 80 strongest tokens only: many weak ones do not drown the telling ones", () => {
    // Equal totals, so a token's evidence is log((spam + 1) / (ham + 1)) times its kind's weight.
    const totals = { spam: 40, ham: 40, spamTokens: 4000, hamTokens: 4000 };
    const strong = Array.from({ length: 8 }, (_, i) => `w:strong${i}`);
    const weak = Array.from({ length: 200 }, (_, i) => `c:wk${i}`);
    const stats = new Map<string, TokenCounts>([
      ...strong.map((t) => [t, { spam: 20, ham: 0 }] as const),
      ...weak.map((t) => [t, { spam: 0, ham: 1 }] as const),
    ]);
    const result = classify([...weak, ...strong], stats, totals);
    // 8 × log 21 for the telling words, then the 72 strongest of the weak n-grams (each −log 2 / 3).
    expect(result.logOdds).toBeCloseTo(8 * Math.log(21) - (72 * Math.log(2)) / 3, 6);
    expect(result.pSpam).toBeGreaterThan(0.99);
    // Fewer tokens than that: every one counts.
    expect(classify([...weak.slice(0, 10), ...strong], stats, totals).logOdds).toBeCloseTo(
      8 * Math.log(21) - (10 * Math.log(2)) / 3,
      6,
    );
  });

  it('knows nothing before training', () => {
    const result = classify(learnerTokens(features()), new Map(), { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 });
    expect(result).toMatchObject({ pSpam: 0.5, logOdds: 0, top: [] });
  });

  it.each<[string, TokenCounts, LearnerTotals]>([
    ['negative counts', { spam: -5, ham: -1 }, { spam: 20, ham: 20, spamTokens: 100, hamTokens: 100 }],
    ['NaN counts', { spam: Number.NaN, ham: 1 }, { spam: 20, ham: 20, spamTokens: 100, hamTokens: 100 }],
    ['huge counts', { spam: 1e300, ham: 0 }, { spam: 20, ham: 20, spamTokens: 100, hamTokens: 100 }],
    ['NaN totals', { spam: 1, ham: 0 }, { spam: Number.NaN, ham: 20, spamTokens: Number.NaN, hamTokens: 100 }],
  ])('stays finite with %s', (_name, counts, totals) => {
    const result = classify(['w:x', 'w:y'], new Map([['w:x', counts]]), totals);
    expect(Number.isFinite(result.pSpam)).toBe(true);
    expect(result.pSpam).toBeGreaterThanOrEqual(0);
    expect(result.pSpam).toBeLessThanOrEqual(1);
  });
});

describe('promotion categories as evidence', () => {
  /** Trains 25 + 25 comments where the same call to action comes with either label. */
  function site(promotionIs: 'spam' | 'ham') {
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    const calls = [
      'Check out my channel',
      'Visit my blog',
      'Go see my website',
      'Listen to my tracks',
      'Look at my playlist',
    ];
    const plain = ['Nice video', 'Great song', 'So good', 'I agree with you', 'This is a classic'];
    for (let i = 0; i < 25; i++) {
      const call = `${calls[i % calls.length]} ${i}`;
      const other = `${plain[i % plain.length]} ${i}`;
      train(table, totals, learnerTokens(features({ content: promotionIs === 'spam' ? call : other })), 'spam');
      train(table, totals, learnerTokens(features({ content: promotionIs === 'spam' ? other : call })), 'ham');
    }
    return { table, totals };
  }
  const weightOf = (result: ReturnType<typeof classify>, token: string) =>
    result.top.find((t) => t.token === token)?.weight;

  it.each<['spam' | 'ham', 1 | -1]>([
    ['spam', 1],
    ['ham', -1],
  ])('learns from the site whether self-promotion is %s', (label, sign) => {
    const { table, totals } = site(label);
    // Wording the training never saw: only the category (and a few n-grams) can tell.
    const tokens = learnerTokens(features({ content: 'Watch my covers please' }));
    const result = classify(tokens, table, totals);
    expect(Math.sign(result.logOdds)).toBe(sign);
    expect(Math.sign(weightOf(result, 'm:promo:self-promotion') ?? 0)).toBe(sign);
  });

  it('names the category in the signal it explains', () => {
    const { table, totals } = site('spam');
    const [signal] = runLearner(features({ content: 'Watch my covers please' }), { stats: table, totals }, settings);
    expect(signal?.score).toBeGreaterThan(0);
    expect(signal?.detail).toContain('self-promotion');
  });
});

describe('user agent and author name', () => {
  it.each<[string | null | undefined, string | null]>([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'firefox/128'],
    ['Mozilla/5.0 (Windows NT 6.1; WOW64; rv:5.0) Gecko/20100101 Firefox/5.0', 'firefox/5'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'chrome/126',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
      'edge/126',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'safari/17',
    ],
    ['Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)', 'msie/6'],
    ['Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko', 'msie/11'],
    ['curl/8.5.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests'],
    // Nothing else of the string: it could tell a person apart, and the table outlives the purge.
    ['jean.dupont-laptop-app/3.1', 'other'],
    ['WordPress/6.4; https://jean-dupont.example', 'other'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'other'],
    ['', 'none'],
    [null, 'none'],
    ['   ', 'none'],
    ['%%%', 'other'],
    [undefined, null],
  ])('%j → %j', (agent, token) => {
    expect(userAgentToken(agent)).toBe(token);
    const tokens = learnerTokens(features({ userAgent: agent }));
    expect(tokens.filter((t) => t.startsWith('m:ua:'))).toEqual(token ? [`m:ua:${token}`] : []);
  });

  it('gives the words of the author name', () => {
    expect(learnerTokens(features({ author: 'Cheap Jerseys Online' }))).toEqual(
      expect.arrayContaining(['a:cheap', 'a:jerseys', 'a:online']),
    );
  });

  /** 30 + 30 comments of ordinary words: the bots send one old agent and keyword names, people vary. */
  function blog() {
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    const browsers = [
      'Firefox/128.0',
      'Chrome/126.0.0.0 Safari/537.36',
      'Firefox/127.0',
      'Chrome/125.0.0.0 Safari/537.36',
    ];
    const names = ['Camille', 'Jean', 'Sophie', 'Karim', 'Lucie', 'Marc'];
    for (let i = 0; i < 30; i++) {
      const content = `${hamTexts[i % hamTexts.length]} ${i}`;
      train(
        table,
        totals,
        learnerTokens(
          features({
            content,
            author: ['Cheap Jerseys', 'Best Loans', 'Cheap Pills'][i % 3]!,
            userAgent: 'Mozilla/5.0 (Windows NT 6.1; rv:5.0) Gecko/20100101 Firefox/5.0',
          }),
        ),
        'spam',
      );
      train(
        table,
        totals,
        learnerTokens(
          features({
            content,
            author: `${names[i % names.length]} ${i}`,
            userAgent: `Mozilla/5.0 (X11) ${browsers[i % browsers.length]}`,
          }),
        ),
        'ham',
      );
    }
    return { table, totals };
  }

  it("learns a site's bots from their agent and their names, once per comment", () => {
    const { table, totals } = blog();
    const content = "Merci pour l'article, très clair.";
    const bot = classify(
      learnerTokens(
        features({ content, author: 'Cheap Watches', userAgent: 'Mozilla/5.0 (Windows NT 6.1) Firefox/5.0' }),
      ),
      table,
      totals,
    );
    const person = classify(
      learnerTokens(features({ content, author: 'Nadia', userAgent: 'Mozilla/5.0 (X11) Firefox/128.0' })),
      table,
      totals,
    );
    expect(bot.top.map((t) => t.token)).toEqual(expect.arrayContaining(['m:ua:firefox/5', 'a:cheap']));
    expect(bot.logOdds).toBeGreaterThan(person.logOdds + 3);
  });

  it('takes no ham credit from a name or an agent: both can be copied', () => {
    const { table, totals } = blog();
    const tokens = ['a:camille', 'm:ua:firefox/128'];
    expect(table.get('a:camille')).toMatchObject({ spam: 0 });
    expect(classify(tokens, table, totals).logOdds).toBe(0);
  });

  it('gives no evidence for an agent every comment shares', () => {
    const table = new Map<string, TokenCounts>([['m:ua:chrome/126', { spam: 40, ham: 60 }]]);
    // Spam comments are longer: a per-token evidence would lean every shared token towards ham.
    const totals = { spam: 40, ham: 60, spamTokens: 8000, hamTokens: 4000 };
    expect(classify(['m:ua:chrome/126'], table, totals).logOdds).toBeCloseTo(0, 1);
  });
});

describe('learner signal', () => {
  it.each<[number, number, boolean]>([
    // Without the prior (learnerSignal is given none), the site's learner waits for
    // learnerMinExamples of each class: 10 since #18 (20 before).
    [0, 0, false],
    [9, 40, false],
    [40, 9, false],
    [10, 10, true],
  ])('with %d spam and %d ham trained: contributes %s', (spam, ham, contributes) => {
    const signals = learnerSignal({ pSpam: 0.99, logOdds: 5, top: [] }, { spam, ham }, settings);
    expect(signals.length > 0).toBe(contributes);
  });

  it.each<[number, number]>([
    [0, 0],
    [1, settings.learnerScale],
    [-1, -settings.learnerScale],
    [2, 2 * settings.learnerScale],
    [50, settings.learnerWeight],
    [-50, -settings.learnerHamWeight],
  ])('log-odds %d → score %d (learnerScale points per nat), bounded', (logOdds, score) => {
    const [signal] = learnerSignal(
      { pSpam: 1 / (1 + Math.exp(-logOdds)), logOdds, top: [] },
      { spam: 20, ham: 20 },
      settings,
    );
    expect(signal?.score ?? 0).toBe(score);
  });

  it('explains itself with the telling tokens', () => {
    const { table, totals } = trained(25);
    const signals = runLearner(
      features({ content: 'Subscribe to my channel, free gift cards' }),
      { stats: table, totals },
      settings,
    );
    expect(signals[0]?.score).toBeGreaterThan(0);
    // Who spoke: the site's 25 lessons of each class, and the prior (its points fading with them).
    expect(signals[0]?.detail).toMatch(/^p\(spam\) [01]\.\d\d \(site lessons -?\d+\.\d, prior -?\d+\.\d\): .*"/);
    const alone = runLearner(
      features({ content: 'Subscribe to my channel, free gift cards' }),
      { stats: table, totals },
      withSettings({ learnerPrior: false }),
    );
    expect(alone[0]?.detail).toMatch(/^p\(spam\) [01]\.\d\d \(site lessons\): .*"/);
  });

  it('waits for learnerMinExamples from the settings when the prior is off', () => {
    const { table, totals } = trained(6);
    const f = features({ content: 'Subscribe to my channel, free gift cards' });
    const off = { learnerPrior: false };
    expect(runLearner(f, { stats: table, totals }, withSettings(off))).toEqual([]);
    expect(runLearner(f, { stats: table, totals }, withSettings({ ...off, learnerMinExamples: 5 }))).toHaveLength(1);
  });

  it('speaks from the first comment with the prior, which alone stays under the hold threshold', () => {
    const empty = { stats: new Map<string, TokenCounts>(), totals: { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 } };
    const spam = runLearner(
      features({ content: 'Gagnez 500 € par jour depuis chez vous, contactez-moi sur WhatsApp' }),
      empty,
      settings,
    );
    expect(spam[0]?.score).toBeGreaterThan(0);
    expect(spam[0]?.score).toBeLessThanOrEqual(settings.learnerPriorWeight);
    expect(settings.learnerPriorWeight).toBeLessThan(settings.holdThreshold);
    expect(spam[0]?.detail).toMatch(/^p\(spam\) [01]\.\d\d \(prior\)/);
    expect(runLearner(features(), empty, withSettings({ learnerPrior: false }))).toEqual([]);
    // An explicit prior (the evaluation's) replaces the shipped one; null is none.
    expect(runLearner(features({ content: 'Gagnez 500 € par jour' }), { ...empty, prior: null }, settings)).toEqual([]);
  });

  it("weighs the site's lessons more as they accumulate, by their scarcer class", () => {
    expect(priorShare(0, 200, 100)).toBe(1);
    expect(priorShare(100, 200, 100)).toBeCloseTo(0.5, 5);
    expect(priorShare(1000, 200, 100)).toBeLessThan(0.05);
    expect(priorShare(50, 200, 100)).toBeGreaterThan(priorShare(100, 200, 100));
  });
});

describe('training and pruning', () => {
  it('counts documents and tokens per class, and can take a lesson back', () => {
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    const tokens = ['w:a', 'w:b', 'w:a'];
    train(table, totals, tokens, 'spam');
    train(table, totals, ['w:a'], 'ham');
    expect(table.get('w:a')).toEqual({ spam: 1, ham: 1 });
    expect(totals).toEqual({ spam: 1, ham: 1, spamTokens: 2, hamTokens: 1 });
    train(table, totals, tokens, 'spam', -1);
    expect(table.has('w:b')).toBe(false);
    expect(totals).toEqual({ spam: 0, ham: 1, spamTokens: 0, hamTokens: 1 });
    train(table, totals, tokens, 'spam', -1);
    expect(totals.spam).toBe(0);
  });

  it.each([
    [100, 0],
    [200_000, 0],
    [200_001, 20_001],
    [500_000, 320_000],
  ])('a vocabulary of %d tokens prunes %d', (size, count) => {
    expect(pruneCount(size, settings)).toBe(count);
  });

  it('prunes the rarest tokens first, the oldest among equals', () => {
    const rows = [
      { token: 'common', spam: 5, ham: 5, updatedAt: 1 },
      { token: 'rare-new', spam: 1, ham: 0, updatedAt: 9 },
      { token: 'rare-old', spam: 0, ham: 1, updatedAt: 2 },
    ];
    expect(rows.sort(pruneOrder).map((r) => r.token)).toEqual(['rare-old', 'rare-new', 'common']);
  });
});
