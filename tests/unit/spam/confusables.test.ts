import { describe, expect, it } from 'vitest';
import { foldConfusables } from '../../../src/spam/analyze';
import { checkAuthor } from '../../../src/spam/checks';
import { matchEntry } from '../../../src/spam/lists';
import { promotionCategories } from '../../../src/spam/promotion';
import type { ListEntry } from '../../../src/spam/types';
import { context, features, settings } from './fixtures';

// "viagra" spelled to slip past a filter: dotless i, small capitals, a combining dot, full-width
// letters, a precomposed diaeresis, a Cyrillic а, a capital İ, a combining acute on every letter.
const VIAGRA = [
  'vıagra',
  'ᴠɪᴀɢʀᴀ',
  'v̇iagra',
  'ＶＩＡＧＲＡ',
  'vïagra',
  'viаgra',
  'VİAGRA',
  'v\u0301i\u0301a\u0301g\u0301r\u0301a\u0301',
];

const entry = (value: string): ListEntry => ({ list: 'disallowed', kind: 'word', value });

describe('foldConfusables', () => {
  it.each(VIAGRA)('%s → viagra', (word) => {
    expect(foldConfusables(word)).toBe('viagra');
  });

  it.each([
    ['Été à Noël', 'ete a noel'],
    ['Москва', 'москва'], // a Cyrillic word keeps its letters
    ['ραδιο', 'ραδιο'],
    ['हिंदी', 'हिंदी'], // scripts spelled with marks keep them
    ['한국어', '한국어'],
  ])('%s → %s', (text, folded) => {
    expect(foldConfusables(text)).toBe(folded);
  });
});

describe('confusable spellings match "viagra" wherever words are matched', () => {
  it.each(VIAGRA)('%s', (word) => {
    expect(matchEntry(entry('viagra'), features({ content: `Buy ${word} now` }))).toBe('content');
    expect(matchEntry(entry('viagra'), features({ author: `${word} Shop` }))).toBe('author');
    expect(matchEntry(entry(word), features({ content: 'Buy viagra now' }))).toBe('content');
    expect([...promotionCategories(features({ content: `Cheap ${word} without prescription` })).keys()]).toContain(
      'commercial spam',
    );
    const author = checkAuthor(features({ author: `${word} Shop` }), context(), settings).map((s) => s.detail);
    expect(author.join()).toMatch(/spam keyword "viagra" in the name/);
  });

  it.each(['https://ᴠɪᴀɢʀᴀ-deals.example', 'https://vi%61gra-deals.example', 'https://vıagra-deals.example'])(
    'website %s',
    (website) => {
      const details = checkAuthor(features({ website }), context(), settings).map((s) => s.detail);
      expect(details.join()).toMatch(/spam keyword "viagra" in the website's address/);
    },
  );

  it('still matches whole words only', () => {
    expect(matchEntry(entry('été'), features({ content: 'Une société' }))).toBeNull();
    expect(matchEntry(entry('cunt'), features({ content: 'Scunthorpe, ſcunthorpe' }))).toBeNull();
    expect(matchEntry(entry('été'), features({ content: 'Il a ete élu' }))).toBe('content');
  });

  it('French wording is still read without its accents', () => {
    const categories = (content: string) => [...promotionCategories(features({ content })).keys()];
    expect(categories('Écrivez-moi sur WhatsApp')).toContain('contact solicitation');
    expect(categories('Le grand marabout sérieux et célèbre')).toContain('scam services');
    // The category of 'work from home' (#18: French in the same categories as English).
    expect(categories('Du travail à domicile pour tous')).toContain('money offer');
  });
});
