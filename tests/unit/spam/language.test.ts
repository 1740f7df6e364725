import { describe, expect, it } from 'vitest';
import { checkLanguage, plainlyIn } from '../../../src/spam/language';
import { context, features, settings, withSettings } from './fixtures';

const french = [
  "Je ne comprends pas pourquoi la municipalité a décidé de fermer la piscine en plein été, c'est absurde.",
  "Article intéressant mais il manque les chiffres du chômage dans la région depuis le début de l'année.",
  'Bravo aux bénévoles qui ont organisé la fête du village, nous étions très nombreux samedi soir.',
  "Le maire devrait plutôt s'occuper des routes, les nids de poule sont partout dans le centre-ville.",
  "ok merci pour l'info, je vais aller voir ça ce week-end avec mes enfants si la météo le permet",
];
const english = [
  'I completely disagree with this article, the city council has been doing a great job with the budget.',
  'Thanks for sharing, I did not know that the museum was going to close for renovation next year.',
];

describe('language', () => {
  it.each(french)('French comment on a French article: nothing (%s)', (content) => {
    expect(checkLanguage(features({ content }), context({ articleLanguage: 'fr' }), settings)).toEqual([]);
  });

  it.each(english)('English comment on a French article: a moderate score (%s)', (content) => {
    const signals = checkLanguage(features({ content }), context({ articleLanguage: 'fr' }), settings);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.score).toBe(settings.weightLanguageMismatch);
    expect(signals[0]?.score).toBeLessThan(settings.holdThreshold);
    expect(signals[0]?.detail).toMatch(/'en'/);
  });

  it.each(english)('English comment on an English article: nothing (%s)', (content) => {
    expect(checkLanguage(features({ content }), context({ articleLanguage: 'en-GB' }), settings)).toEqual([]);
  });

  it.each<[string, string | null, number]>([
    ['Super article, merci', 'fr', 0], // fewer than 10 words
    ['Great article, thanks a lot', 'fr', 0],
    [english[0]!, null, 1], // falls back on siteLanguage 'fr'
    [english[0]!, 'xx', 0], // a language the detector does not know: no opinion
    ['Das ist ein sehr guter Artikel über die Politik in Frankreich und Deutschland heute, vielen Dank.', 'fr', 1],
  ])('%j on an article in %j → %d signal(s)', (content, articleLanguage, n) => {
    expect(checkLanguage(features({ content }), context({ articleLanguage }), settings)).toHaveLength(n);
  });

  it('uses siteLanguage and languageMinWords from the settings', () => {
    const content = english[0]!;
    expect(
      checkLanguage(features({ content }), context({ articleLanguage: null }), withSettings({ siteLanguage: 'en' })),
    ).toEqual([]);
    expect(checkLanguage(features({ content }), context(), withSettings({ languageMinWords: 50 }))).toEqual([]);
  });

  it('ignores links when counting words', () => {
    const content = 'see https://a.example/1 https://a.example/2 https://a.example/3 https://a.example/4 now';
    expect(checkLanguage(features({ content }), context(), settings)).toEqual([]);
  });
});

describe('common words spare the detector when they settle the language', () => {
  const wordsOf = (text: string) => text.match(/[\p{L}']+/gu) ?? [];

  it.each(french)('plainly French: %s', (content) => {
    expect(plainlyIn(wordsOf(content), 'fr')).toBe(true);
    expect(plainlyIn(wordsOf(content), 'en')).toBe(false);
  });

  it.each(english)('plainly English: %s', (content) => {
    expect(plainlyIn(wordsOf(content), 'en')).toBe(true);
    expect(plainlyIn(wordsOf(content), 'fr')).toBe(false);
  });

  it.each([
    // A few French words in an English text are not enough, nor a text without common words.
    'Merci pour the article, but honestly the numbers you quote are wrong and the whole thing is biased.',
    'Check cheap pills online www pharma example com best price guaranteed fast shipping worldwide delivery',
  ])('not settled for French: %s', (content) => {
    expect(plainlyIn(wordsOf(content), 'fr')).toBe(false);
  });

  it('a language without a list always goes to the detector', () => {
    expect(plainlyIn(wordsOf(french[0]!), 'sv')).toBe(false);
  });

  it('an English comment with some French words on a French article still gets the signal', () => {
    const content =
      'Merci pour the article, but honestly the numbers you quote are wrong and the whole thing is biased.';
    expect(checkLanguage(features({ content }), context({ articleLanguage: 'fr' }), settings)).toHaveLength(1);
  });
});
