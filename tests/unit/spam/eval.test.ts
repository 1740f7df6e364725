import { describe, expect, it } from 'vitest';
import {
  confusionOf,
  evaluate,
  formatReport,
  isHtmlExport,
  mcc,
  metrics,
  parseCorpus,
  sumConfusions,
  textFromHtmlExport,
  type Confusion,
  type Engine,
  type EvalRow,
} from '../../../eval/evaluate';
import { createLocalEngine, generatedEmail, rowToFeatures } from '../../../eval/local-engine';
import { checkEmailDomain } from '../../../src/spam/checks';
import { context, features, settings } from './fixtures';

describe('metrics', () => {
  it.each<[Confusion, number]>([
    [{ tp: 50, fp: 0, tn: 50, fn: 0 }, 1],
    [{ tp: 0, fp: 50, tn: 0, fn: 50 }, -1],
    [{ tp: 25, fp: 25, tn: 25, fn: 25 }, 0],
    [{ tp: 0, fp: 0, tn: 50, fn: 50 }, 0], // nothing blocked: undefined, reported as 0
    // (90·85 − 15·10) / √(105·100·95·100) = 7500 / 9987.49… ≈ 0.7509
    [{ tp: 90, fp: 15, tn: 85, fn: 10 }, 0.7509],
    // (48·50 − 2·4) / √(50·52·52·54) = 2392 / 2702.00… ≈ 0.8853
    [{ tp: 48, fp: 2, tn: 50, fn: 4 }, 0.8853],
  ])('MCC of %j ≈ %d', (c, expected) => {
    expect(mcc(c)).toBeCloseTo(expected, 4);
  });

  it('computes accuracy, recall, blocked ham, precision and F1', () => {
    const m = metrics({ tp: 40, fp: 2, tn: 48, fn: 10 });
    expect(m.n).toBe(100);
    expect(m.accuracy).toBeCloseTo(0.88, 10);
    expect(m.recall).toBeCloseTo(0.8, 10);
    expect(m.blockedHam).toBeCloseTo(0.04, 10);
    expect(m.precision).toBeCloseTo(40 / 42, 10);
    expect(m.f1).toBeCloseTo((2 * (40 / 42) * 0.8) / (40 / 42 + 0.8), 10);
  });

  it('builds and sums confusion matrices with spam as the positive class', () => {
    const c = confusionOf([
      { label: 'spam', blocked: true },
      { label: 'spam', blocked: false },
      { label: 'ham', blocked: true },
      { label: 'ham', blocked: false },
      { label: 'ham', blocked: false },
    ]);
    expect(c).toEqual({ tp: 1, fn: 1, fp: 1, tn: 2 });
    expect(sumConfusions([c, c])).toEqual({ tp: 2, fn: 2, fp: 2, tn: 4 });
  });
});

const row = (over: Partial<EvalRow>): EvalRow => ({
  site: 'blog',
  author: 'Ann',
  email: null,
  website: null,
  ip: null,
  userAgent: null,
  content: 'hello',
  label: 'ham',
  split: 'test',
  ...over,
});

describe('evaluate', () => {
  it('trains on train rows, then scores test rows, per site, with fresh engines', async () => {
    const fed: string[] = [];
    const engines: string[] = [];
    const newEngine = (site: string): Engine => {
      engines.push(site);
      return {
        feedback: async (label, r) => void fed.push(`${site}:${label}:${r.content}`),
        check: async (r) => ({
          verdict: r.content.includes('buy') ? 'spam' : r.content.includes('maybe') ? 'hold' : 'approve',
          score: 0,
          reasons: [],
        }),
      };
    };
    const rows = [
      row({ site: 'a', split: 'train', label: 'spam', content: 'buy' }),
      row({ site: 'a', content: 'buy now', label: 'spam' }),
      row({ site: 'a', content: 'maybe', label: 'spam' }),
      row({ site: 'b', content: 'hello', label: 'ham' }),
      row({ site: 'b', content: 'buy this', label: 'ham' }),
      row({ site: 'b', content: 'maybe later', label: 'ham' }),
    ];
    const results = await evaluate(rows, newEngine, { train: true });
    expect(engines).toEqual(['a', 'b']);
    expect(fed).toEqual(['a:spam:buy']);
    expect(results.map((r) => [r.site, r.strict, r.loose])).toEqual([
      ['a', { tp: 1, fn: 1, fp: 0, tn: 0 }, { tp: 2, fn: 0, fp: 0, tn: 0 }],
      ['b', { tp: 0, fn: 0, fp: 1, tn: 2 }, { tp: 0, fn: 0, fp: 2, tn: 1 }],
    ]);
    expect(results[0]!.mistakes.map((m) => m.row.content)).toEqual(['maybe']);
    // Ham held for a moderator is listed too (it counts as blocked under spam+hold).
    expect(results[1]!.mistakes.map((m) => `${m.row.content} → ${m.assessment.verdict}`)).toEqual([
      'buy this → spam',
      'maybe later → hold',
    ]);
    const report = formatReport('title', results);
    expect(report).toMatch(/^title\na \(n=2\)\n {2}spam .*MCC/);
    expect(report).toMatch(/overall \(n=5\)/);
    expect(report).toMatch(/spam\+hold/);

    fed.length = 0;
    await evaluate(rows, newEngine, { train: false });
    expect(fed).toEqual([]);
  });

  it('runs the local engine end to end: the learner only speaks after enough feedback', async () => {
    const rows: EvalRow[] = [];
    for (let i = 0; i < 25; i++) {
      rows.push(
        row({
          split: 'train',
          label: 'spam',
          author: `s${i}`,
          content: `subscribe to my channel number ${i} for free gift cards`,
        }),
      );
      rows.push(
        row({
          split: 'train',
          label: 'ham',
          author: `h${i}`,
          content: `I really liked this song, part ${i} is the best`,
        }),
      );
    }
    rows.push(row({ label: 'spam', content: 'free gift cards on my channel, subscribe' }));
    rows.push(row({ label: 'ham', content: 'this song is the best part of my day' }));
    const make = (learner: boolean) => () => createLocalEngine({ settings, articleLanguage: 'en', learner });
    const [trained] = await evaluate(rows, make(true), { train: true });
    expect(trained!.strict).toEqual({ tp: 1, fn: 0, fp: 0, tn: 1 });
    const [cold] = await evaluate(rows, make(false), { train: false });
    expect(cold!.strict.fp).toBe(0);
  });
});

describe('corpus rows', () => {
  it.each([
    ['Hi<br />there', 'Hi\nthere'],
    ['I&#39;m &quot;here&quot; &amp; &lt;3', 'I\'m "here" & <3'],
    ['<a href="http://www.youtube.com/watch?v=x&amp;t=3m40s">3:40</a> best part\uFEFF', '3:40 best part'],
    ['see <a href="https://spam.example">https://spam.example</a>', 'see https://spam.example'],
    ['sub to <span class="p">+</span><a class="proflink" href="x">Name</a>', 'sub to +Name'],
    ['&#x1F600; &#128512; &bogus;', '😀 😀 &bogus;'],
    [
      '<a href="http://www.casino.example/">www.casino.example</a> and <a href="https://x.example/a">https://x.example/a…</a>',
      'www.casino.example and https://x.example/a…',
    ],
    [
      '<a href="https://www.youtube.com/results?search_query=%23party">#party</a> <a href="/user/x">@Sam</a>',
      '#party @Sam',
    ],
    // Typed HTML (the anchor hides where it leads) stays, as a comment form would have received it.
    [
      'Great post! <a href="http://pills.example/buy?a=1&amp;b=2">cheap <b>pills</b></a>',
      'Great post! <a href="http://pills.example/buy?a=1&b=2">cheap pills</a>',
    ],
    ["<a href='https://loans.example'>Best Loans</a>", "<a href='https://loans.example'>Best Loans</a>"],
    [
      '<a href="http://cheap-pills.example">cheap</a> <a href="https://casino.example">c</a>',
      '<a href="http://cheap-pills.example">cheap</a> <a href="https://casino.example">c</a>',
    ],
    [
      '<a href="https://shop.example.com/deal">shop.example</a>',
      '<a href="https://shop.example.com/deal">shop.example</a>',
    ],
  ])('recovers the typed text of %j', (html, text) => {
    expect(textFromHtmlExport(html)).toBe(text);
  });

  it('treats rows without metadata as an HTML export, others as submitted', () => {
    expect(isHtmlExport(row({}))).toBe(true);
    expect(isHtmlExport(row({ email: 'a@b.fr', ip: '192.0.2.1', userAgent: 'Mozilla/5.0' }))).toBe(false);
    const raw = rowToFeatures(
      row({ email: 'a@b.fr', ip: '192.0.2.1', userAgent: 'curl/8', content: '<a href="x">y</a>' }),
    );
    expect(raw.content).toBe('<a href="x">y</a>');
  });

  it('generates an email that no check penalizes, one per author', () => {
    const email = generatedEmail('Ann');
    expect(email).toBe(generatedEmail('Ann'));
    expect(email).not.toBe(generatedEmail('Bob'));
    expect(checkEmailDomain(features({ email }), context(), settings)).toEqual([]);
  });
});

describe('parseCorpus', () => {
  const line = (row: Record<string, unknown>) => JSON.stringify(row);

  it('reads the documented rows, keeping null metadata as null', () => {
    const text = [
      line({
        id: 'a1',
        site: 'Psy',
        author: 'Ann',
        email: null,
        website: null,
        ip: null,
        userAgent: null,
        content: 'Great song',
        label: 'ham',
        split: 'train',
      }),
      '',
      line({
        site: 'blog',
        author: 'Bob',
        email: 'bob@example.fr',
        website: 'https://bob.example',
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0',
        content: 'Buy now',
        label: 'spam',
        split: 'test',
        articleLanguage: 'fr',
      }),
    ].join('\n');
    expect(parseCorpus(text)).toEqual([
      {
        id: 'a1',
        site: 'Psy',
        author: 'Ann',
        email: null,
        website: null,
        ip: null,
        userAgent: null,
        content: 'Great song',
        label: 'ham',
        split: 'train',
      },
      {
        site: 'blog',
        author: 'Bob',
        email: 'bob@example.fr',
        website: 'https://bob.example',
        ip: '203.0.113.9',
        userAgent: 'Mozilla/5.0',
        content: 'Buy now',
        label: 'spam',
        split: 'test',
        articleLanguage: 'fr',
      },
    ]);
  });

  it('takes a missing key as null, a missing author or content as empty, numbers as text, labels in any case', () => {
    const [row] = parseCorpus(line({ id: 7, site: 3, label: ' Spam ', split: 'TEST', content: null }));
    expect(row).toEqual({
      id: '7',
      site: '3',
      author: '',
      email: null,
      website: null,
      ip: null,
      userAgent: null,
      content: '',
      label: 'spam',
      split: 'test',
    });
    // A row without metadata is then a platform export, and the local engine reads it without throwing.
    expect(isHtmlExport(row!)).toBe(true);
    expect(rowToFeatures(row!).email).toBe(generatedEmail(''));
  });

  it.each([
    ['not json', /^line 2: not a JSON object$/],
    [line({ site: 'x', label: 'maybe', split: 'train' }), /^line 2: missing or invalid label$/],
    [line({ label: 'ham' }), /^line 2: missing or invalid site, split$/],
    ['[1, 2]', /^line 2: missing or invalid \(row\)$/],
  ])('refuses %s with its line number and fields', (bad, message) => {
    const good = line({ site: 's', label: 'ham', split: 'train', content: 'ok' });
    expect(() => parseCorpus(`${good}\n${bad}`)).toThrow(message);
  });
});
