import { detectAll, supportedLanguages, toISO2 } from 'tinyld/light';
import { analyze } from './analyze';
import type { SpamSettings } from '../settings/spam';
import type { CheckContext, Features, Signal } from './types';

/**
 * Language check: a comment written confidently in another language than its article's. Uses
 * tinyld's light profile (24 languages, pure JS, ~34 KB gzipped). A French site legitimately gets
 * some English comments, so the weight stays moderate and the bar for "confident" is high.
 */

const SUPPORTED = new Set(supportedLanguages.map((iso3) => toISO2(iso3)));

/** Primary subtag of a language tag ('fr-CA' → 'fr'). */
const primary = (tag: string) => tag.trim().toLowerCase().split(/[-_]/, 1)[0] ?? '';

export interface DetectedLanguage {
  lang: string;
  confidence: number;
  /** Confidence of the expected language (0 when the detector did not list it). */
  expectedConfidence: number;
}

/** Enough text to tell a language; the detector's cost grows with the length. */
const SAMPLE_LENGTH = 240;

export function detectLanguage(text: string, expected: string): DetectedLanguage | null {
  const sample =
    text.length > SAMPLE_LENGTH ? text.slice(0, text.lastIndexOf(' ', SAMPLE_LENGTH) + 1 || SAMPLE_LENGTH) : text;
  const ranked = detectAll(sample.toWellFormed());
  const top = ranked[0];
  if (!top) return null;
  const wanted = ranked.find((r) => r.lang === expected);
  return { lang: top.lang, confidence: top.accuracy, expectedConfidence: wanted?.accuracy ?? 0 };
}

/**
 * The commonest short words of the languages sites are most often written in (a word common to two
 * of them counts for both). A comment whose words are for a good part those of its article's language, and
 * far more of them than any other's, is written in that language: the detector (~0.15 ms) is asked
 * only about the others. It can only spare a signal the detector would not have given either: the
 * check fires on a confident detection of another language, which such a text never gets.
 */
const COMMON_WORDS: Record<string, string> = {
  en: 'the and is are was were this that with for not you have it of to my your be they what there would about',
  fr: 'le la les des du une est et je il elle nous vous ils qui pas pour dans sur avec cette mais très sont été être au aux ça',
  de: 'der das und ist nicht ich ein eine zu den mit auf sich dem sie es auch wie für von aber wir',
  es: 'el los las del una por con para está pero muy como más lo su sus ya yo también',
  it: 'il gli della che non sono è ma come più anche questo questa nel alla ho mi',
  pt: 'os das dos não uma com mas muito mais são também isso você eu',
  nl: 'het een van ik je niet dat die zijn op voor ook maar wat er',
};
/** Each common word and the languages listing it (a few, like "il" or "mais", are common to two). */
const LANGUAGES_OF = new Map<string, string[]>();
for (const [lang, words] of Object.entries(COMMON_WORDS)) {
  for (const word of words.split(' ')) LANGUAGES_OF.set(word, [...(LANGUAGES_OF.get(word) ?? []), lang]);
}

/** True when the common words say the text is in `lang` beyond doubt (see COMMON_WORDS). */
export function plainlyIn(words: readonly string[], lang: string): boolean {
  if (!Object.hasOwn(COMMON_WORDS, lang)) return false;
  const hits = new Map<string, number>();
  for (const word of words) {
    for (const of of LANGUAGES_OF.get(word.toLowerCase()) ?? []) hits.set(of, (hits.get(of) ?? 0) + 1);
  }
  const mine = hits.get(lang) ?? 0;
  const rival = Math.max(0, ...[...hits].filter(([other]) => other !== lang).map(([, n]) => n));
  return mine >= 3 && mine >= words.length / 4 && mine >= 3 * rival;
}

export function checkLanguage(features: Features, context: CheckContext, settings: SpamSettings): Signal[] {
  const expected = primary(context.articleLanguage ?? settings.siteLanguage);
  if (!SUPPORTED.has(expected)) return [];
  const { words, textWithoutLinks } = analyze(features);
  if (words.length < settings.languageMinWords || plainlyIn(words, expected)) return [];
  const detected = detectLanguage(textWithoutLinks, expected);
  if (!detected || detected.lang === expected) return [];
  // Confident: the detector is sure enough, and the expected language is far behind.
  if (detected.confidence < settings.languageMinConfidence || detected.expectedConfidence * 4 > detected.confidence)
    return [];
  return [
    {
      rule: 'language',
      score: settings.weightLanguageMismatch,
      detail: `written in '${detected.lang}' (confidence ${detected.confidence.toFixed(2)}), article in '${expected}'`,
    },
  ];
}
