import { detectAll, supportedLanguages, toISO2 } from 'tinyld/light';
import { analyze } from './analyze';
import type { SpamSettings } from './settings';
import type { Context, Features, Signal } from './types';

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
  const sample = text.length > SAMPLE_LENGTH ? text.slice(0, text.lastIndexOf(' ', SAMPLE_LENGTH) + 1 || SAMPLE_LENGTH) : text;
  const ranked = detectAll(sample.toWellFormed());
  const top = ranked[0];
  if (!top) return null;
  const wanted = ranked.find((r) => r.lang === expected);
  return { lang: top.lang, confidence: top.accuracy, expectedConfidence: wanted?.accuracy ?? 0 };
}

export function checkLanguage(features: Features, context: Context, settings: SpamSettings): Signal[] {
  const expected = primary(context.articleLanguage ?? settings.siteLanguage);
  if (!SUPPORTED.has(expected)) return [];
  const { words, textWithoutLinks } = analyze(features);
  if (words.length < settings.languageMinWords) return [];
  const detected = detectLanguage(textWithoutLinks, expected);
  if (!detected || detected.lang === expected) return [];
  // Confident: the detector is sure enough, and the expected language is far behind.
  if (detected.confidence < settings.languageMinConfidence || detected.expectedConfidence * 4 > detected.confidence) return [];
  return [
    {
      rule: 'language',
      score: settings.weightLanguageMismatch,
      detail: `written in '${detected.lang}' (confidence ${detected.confidence.toFixed(2)}), article in '${expected}'`,
    },
  ];
}
