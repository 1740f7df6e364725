import { describe, expect, it } from 'vitest';
import { tubeSpamRows } from '../../scripts/corpus';
import { parseCorpus } from '../../eval/evaluate';

const csv = (records: Array<[string, string, string, string, 0 | 1]>) =>
  [
    'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS',
    ...records.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')),
  ].join('\r\n');

describe('tubeSpamRows (YouTube Spam Collection CSV → corpus rows)', () => {
  it('splits each class in time order, the oldest 70 % for training', () => {
    // Ten spam and ten ham, written newest first as in the collection's files.
    const records = Array.from({ length: 20 }, (_, i): [string, string, string, string, 0 | 1] => [
      `id${i}`,
      `Author ${i}`,
      new Date(Date.UTC(2015, 0, 30 - i)).toISOString(),
      `comment number ${i}`,
      (i % 2) as 0 | 1,
    ]);
    const rows = tubeSpamRows('Eminem', csv(records));
    expect(rows.map((r) => r.id)).toEqual(records.map((r) => r[0]));
    for (const label of ['spam', 'ham'] as const) {
      const of = rows.filter((r) => r.label === label);
      expect(of.filter((r) => r.split === 'train')).toHaveLength(7);
      // The newest three (first in the file) are the test rows.
      expect(of.slice(0, 3).every((r) => r.split === 'test')).toBe(true);
    }
    expect(rows[1]).toEqual({
      id: 'id1',
      site: 'Eminem',
      author: 'Author 1',
      email: null,
      website: null,
      ip: null,
      userAgent: null,
      content: 'comment number 1',
      label: 'spam',
      split: 'test',
    });
    // What it writes, the evaluation reads.
    expect(parseCorpus(rows.map((r) => JSON.stringify(r)).join('\n'))).toHaveLength(20);
  });

  it('keeps the oldest of duplicate texts, and counts undated rows as the oldest', () => {
    const rows = tubeSpamRows(
      'Shakira',
      csv([
        ['new', 'A', '2015-05-29T02:30:18.971000', 'Check out my channel', 1],
        ['undated', 'B', '', 'Waka waka, with "quotes", a comma\nand a new line', 0],
        ['old', 'C', '2014-01-01T00:00:00', 'Check out my channel', 1],
      ]),
    );
    expect(rows.map((r) => r.id)).toEqual(['undated', 'old']);
    expect(rows.map((r) => r.split)).toEqual(['train', 'train']); // one row of each class: round(0.7) = 1
    expect(rows[0]!.content).toBe('Waka waka, with "quotes", a comma\nand a new line');
  });

  it('splits as the published experiments did on request: duplicates kept, the file read as oldest first', () => {
    const file = csv([
      ['new', 'A', '2015-05-29T02:30:18.971000', 'Check out my channel', 1],
      ['ham', 'B', '2015-05-28T00:00:00', 'Waka waka', 0],
      ['old', 'C', '2014-01-01T00:00:00', 'Check out my channel', 1],
    ]);
    const split = (options: Parameters<typeof tubeSpamRows>[2]) =>
      tubeSpamRows('LMFAO', file, options).map((r) => `${r.id}:${r.split}`);
    expect(split({ keepDuplicates: true })).toEqual(['new:test', 'ham:train', 'old:train']);
    expect(split({ keepDuplicates: true, fileOrder: true })).toEqual(['new:train', 'ham:train', 'old:test']);
    // Without duplicates, the first in the file is the one kept when the file is the clock.
    expect(split({ fileOrder: true })).toEqual(['new:train', 'ham:train']);
  });

  it('refuses a file whose class is not 0 or 1', () => {
    expect(() => tubeSpamRows('X', 'COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\na,b,,c,spam')).toThrow(/CLASS/);
  });
});
