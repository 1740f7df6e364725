import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { pickLanguage } from '../../src/http/i18n';

describe('parseConfig', () => {
  it('gives the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      DATABASE_URL: 'file:./data/tamis.db',
      ALLOWED_ORIGINS: ['*'],
      TRUST_PROXY: 'none',
      LOG_LEVEL: 'info',
      AVATARS: 'none',
    });
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(config.SECRET).toBeUndefined();
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ PORT: '', SECRET: '' })).toMatchObject({ PORT: 8787, SECRET: undefined });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'postgres://x'],
    ['TRUST_PROXY', 'all'],
    ['LOG_LEVEL', 'loud'],
    ['ALLOWED_ORIGINS', 'example.com'],
    ['SECRET', 'short'],
    ['ADMIN_TOKEN', 'short'],
    ['WEBHOOK_URL', 'ftp://x'],
  ])('a bad %s stops start-up with a message naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}:`));
  });

  it('reads a list of origins', () => {
    expect(parseConfig({ ALLOWED_ORIGINS: 'https://a.fr, https://b.fr' }).ALLOWED_ORIGINS).toEqual([
      'https://a.fr',
      'https://b.fr',
    ]);
  });
});

describe('pickLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['fr', 'fr'],
    ['fr-CA,en;q=0.5', 'fr'],
    ['en-US,fr;q=0.9', 'en'],
    ['de;q=0.9,fr;q=0.95', 'fr'],
    ['*', 'en'],
  ])('%s → %s', (header, expected) => {
    expect(pickLanguage(header)).toBe(expected);
  });
});
