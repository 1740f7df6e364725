import { describe, expect, it } from 'vitest';
import { defaultSpamSettings, SpamSettingsSchema } from '../../../src/settings/spam';

describe('SpamSettingsSchema', () => {
  it.each([
    ['holdThreshold', 5],
    ['spamThreshold', 10],
    ['honeypotField', 'hp'],
    ['minSeconds', 3],
    ['formTokenMaxAgeSeconds', 86_400],
    ['maxLinks', 2],
    ['siteLanguage', 'fr'],
    ['languageMinWords', 10],
    ['learnerMinExamples', 10],
    ['learnerPrior', true],
    ['floodSeconds', 15],
    ['maxPerHourPerIp', 10],
  ] as const)('defaults %s to %s', (key, value) => {
    expect(defaultSpamSettings[key]).toBe(value);
  });

  it('gives every weight and threshold a default', () => {
    const parsed = SpamSettingsSchema.parse({});
    for (const [key, value] of Object.entries(parsed)) {
      expect(value, key).not.toBeUndefined();
      if (key.startsWith('weight')) expect(typeof value, key).toBe('number');
    }
    expect(parsed).toEqual(defaultSpamSettings);
  });

  it.each([
    [{ holdThreshold: 3, weightLink: 0.5 }, true],
    [{ siteLanguage: 'en' }, true],
    [{ unknownKey: 1 }, false],
    [{ spamThreshold: -1 }, false],
    [{ maxLinks: 0 }, false],
    [{ maxLinks: 2.5 }, false],
    [{ honeypotField: 'has space' }, false],
    [{ siteLanguage: 'French' }, false],
    [{ weightHoneypot: '10' }, false],
  ])('validates %j → %s', (input, ok) => {
    expect(SpamSettingsSchema.safeParse(input).success).toBe(ok);
  });

  it('keeps overrides and fills the rest', () => {
    const parsed = SpamSettingsSchema.parse({ spamThreshold: 12 });
    expect(parsed.spamThreshold).toBe(12);
    expect(parsed.holdThreshold).toBe(5);
  });

  it('can derive a partial schema for updates', () => {
    expect(SpamSettingsSchema.partial().safeParse({ maxLinks: 3 }).success).toBe(true);
  });
});
