import { defaultSpamSettings, SpamSettingsSchema, type SpamSettings } from '../../../src/settings/spam';
import type { CheckContext, Features, Signal } from '../../../src/spam/types';
import { DECISIVE_RULES } from '../../../src/spam/verdict';

/** A plain, legitimate submission; tests override what they exercise. */
export function features(overrides: Partial<Features> = {}): Features {
  return {
    articleId: 'article-1',
    author: 'Camille Martin',
    email: 'camille.martin@orange.fr',
    website: null,
    content: "Merci pour cet article, je n'avais pas vu les choses sous cet angle.",
    ip: '192.0.2.10',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    honeypot: '',
    ...overrides,
  };
}

/** A context with nothing against the submitter: a valid form token of 40 s, no history, no lists. */
export function context(overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    formToken: { state: 'ok', ageMs: 40_000 },
    articleLanguage: 'fr',
    memory: { spamByIp: 0, spamByEmail: 0, spamByWebsiteHost: 0, approvedByEmail: 0 },
    crossPosts: 0,
    lists: [],
    ...overrides,
  };
}

export const settings: SpamSettings = defaultSpamSettings;

export const withSettings = (overrides: Partial<SpamSettings>): SpamSettings => SpamSettingsSchema.parse(overrides);

/** The verdict a signal imposes on its own (its rule is decisive), if any. */
export const floorOf = (signal: Signal | undefined): 'hold' | 'spam' | undefined =>
  signal ? (DECISIVE_RULES as Record<string, 'hold' | 'spam' | undefined>)[signal.rule] : undefined;
