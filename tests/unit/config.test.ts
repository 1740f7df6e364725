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
    ['WEBHOOK_URL', 'teams:https://x.example'],
    ['WEBHOOK_FORMAT', 'teams'],
    ['SMTP_URL', 'https://mail.example'],
    ['PUBLIC_URL', 'comments.example.fr'],
    ['MODERATOR_EMAILS', 'a@b.fr, not-an-address'],
    ['OUTBOX_RETRY_HOURS', '0'],
  ])('a bad %s stops start-up with a message naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}:`));
  });

  it('reads the notification settings: webhooks with their formats, SMTP with its sender, moderators', () => {
    const config = parseConfig({
      WEBHOOK_URL: 'https://a.example/hook, slack:https://hooks.slack.com/services/T/B/x,,',
      SMTP_URL: 'smtps://user:p%40ss@mail.example:465',
      MAIL_FROM: 'Commentaires <tamis@exemple.fr>',
      PUBLIC_URL: 'https://commentaires.exemple.fr/',
      MODERATOR_EMAILS: ' a@exemple.fr ,b@exemple.fr',
    });
    expect(config).toMatchObject({
      WEBHOOK_URL: ['https://a.example/hook', 'slack:https://hooks.slack.com/services/T/B/x'],
      WEBHOOK_FORMAT: 'json',
      PUBLIC_URL: 'https://commentaires.exemple.fr',
      MODERATOR_EMAILS: ['a@exemple.fr', 'b@exemple.fr'],
      OUTBOX_RETRY_HOURS: 24,
    });
    expect(parseConfig({}).MODERATOR_EMAILS).toEqual([]);
    expect(() => parseConfig({ SMTP_URL: 'smtp://mail.example' })).toThrow(/MAIL_FROM: required with SMTP_URL/);
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
