import { describe, expect, it } from 'vitest';
import { checkLists } from '../../../src/spam/checks';
import { matchEntry } from '../../../src/spam/lists';
import { inCidr, sameIp, underDomain } from '../../../src/spam/net';
import type { Features, ListEntry } from '../../../src/spam/types';
import { context, features, floorOf, settings } from './fixtures';

const entry = (kind: ListEntry['kind'], value: string, list: ListEntry['list'] = 'disallowed'): ListEntry => ({
  list,
  kind,
  value,
});

describe('word entries: whole words, any case, Unicode-aware', () => {
  it.each<[string, Partial<Features>, string | null]>([
    ['cunt', { content: 'I grew up in Scunthorpe.' }, null],
    ['cunt', { content: 'What a CUNT.' }, 'content'],
    ['ass', { content: 'Une classe de cinquième, assez calme.' }, null],
    ['ass', { content: 'kick ass' }, 'content'],
    ['viagra', { content: 'Buy VIAGRA now' }, 'content'],
    ['viagra', { content: 'Buy ｖｉａｇｒａ now' }, 'content'], // full-width letters
    ['viagra', { content: 'Buy vi\u200Bagra now' }, 'content'], // zero-width space inside
    ['été', { content: 'Cet ÉTÉ sera chaud' }, 'content'],
    ['été', { content: 'Il a été élu' }, 'content'],
    ['été', { content: 'Une société' }, null],
    ['payday loan', { content: 'Get a payday   loan today' }, 'content'],
    ['payday loan', { content: 'payday loans' }, null],
    ['c++', { content: 'I code in C++ daily' }, 'content'],
    ['spammer', { author: 'The Spammer' }, 'author'],
    ['bot', { userAgent: 'SuperBot/1.0 (bot; +http://x.example)' }, 'userAgent'],
    ['shop', { website: 'https://cheap-shop.example' }, 'website'],
    ['shop', { email: 'sales@shop.example' }, 'email'],
    ['10.0.0.1', { ip: '10.0.0.1' }, 'ip'],
  ])('%j in %j → %s', (value, f, where) => {
    expect(matchEntry(entry('word', value), features(f))).toBe(where);
  });
});

describe('ip and cidr entries', () => {
  it.each<[ListEntry['kind'], string, string | null, boolean]>([
    ['ip', '192.0.2.10', '192.0.2.10', true],
    ['ip', '192.0.2.10', '192.0.2.11', false],
    ['ip', '192.0.2.10', '::ffff:192.0.2.10', true],
    ['ip', '2001:db8::1', '2001:DB8:0:0::1', true],
    ['ip', '2001:db8::1', null, false],
    ['cidr', '192.0.2.0/24', '192.0.2.200', true],
    ['cidr', '192.0.2.0/24', '192.0.3.1', false],
    ['cidr', '10.0.0.0/8', '10.255.255.255', true],
    ['cidr', '0.0.0.0/0', '203.0.113.9', true],
    ['cidr', '192.0.2.0/24', '::ffff:192.0.2.7', true],
    ['cidr', '2001:db8::/32', '2001:db8:abcd::42', true],
    ['cidr', '2001:db8::/32', '2001:db9::1', false],
    ['cidr', '2001:db8::/32', '192.0.2.1', false],
    ['cidr', '192.0.2.0/24', '2001:db8::1', false],
    ['cidr', '::ffff:192.0.2.0/120', '192.0.2.5', true],
    ['cidr', 'not-a-network', '192.0.2.5', false],
    ['cidr', '192.0.2.0/24', 'garbage', false],
  ])('%s %s vs %j → %s', (kind, value, ip, matches) => {
    expect(matchEntry(entry(kind, value), features({ ip })) !== null).toBe(matches);
  });

  it('compares spellings of the same address', () => {
    expect(sameIp('::ffff:1.2.3.4', '1.2.3.4')).toBe(true);
    expect(inCidr('1.2.3.4', '1.2.3.0/24')).toBe(true);
  });
});

describe('email and domain entries', () => {
  it.each<[ListEntry['kind'], string, Partial<Features>, string | null]>([
    ['email', 'bot@spam.example', { email: 'BOT@spam.example' }, 'email'],
    ['email', 'bot@spam.example', { email: 'other@spam.example' }, null],
    ['email', 'bot@spam.example', { content: 'write to bot@spam.example' }, 'content'],
    ['domain', 'spam.example', { email: 'x@spam.example' }, 'email'],
    ['domain', 'spam.example', { email: 'x@mail.spam.example' }, 'email'],
    ['domain', 'spam.example', { email: 'x@notspam.example' }, null],
    ['domain', 'spam.example', { website: 'https://www.spam.example/shop' }, 'website'],
    ['domain', 'spam.example', { content: 'go to https://deals.spam.example/x' }, 'link'],
    ['domain', 'spam.example', { content: 'go to www.spam.example' }, 'link'],
    ['domain', 'spam.example', { content: '[deal](https://spam.example)' }, 'link'],
    ['domain', 'spam.example', { content: 'spam.example is not a link without a known TLD' }, null],
    ['domain', 'pills.com', { content: 'buy at pills.com today' }, 'link'],
    ['domain', 'pills.com', { content: 'buy at mypills.com today' }, null],
  ])('%s %s in %j → %s', (kind, value, f, where) => {
    expect(matchEntry(entry(kind, value), features(f))).toBe(where);
  });

  it('matches subdomains only at a label boundary', () => {
    expect(underDomain('a.spam.example', 'spam.example')).toBe(true);
    expect(underDomain('antispam.example', 'spam.example')).toBe(false);
  });
});

describe('checkLists', () => {
  it.each<[ListEntry[], Partial<Features>, string | null, 'spam' | 'hold' | undefined]>([
    [[], {}, null, undefined],
    [[entry('word', 'casino')], { content: 'Le casino a fermé' }, 'disallowed_list', 'spam'],
    [[entry('word', 'casino', 'moderation')], { content: 'Le casino a fermé' }, 'moderation_list', 'hold'],
    [[entry('word', 'cunt')], { author: 'Scunthorpe United' }, null, undefined],
    [[entry('cidr', '192.0.2.0/24', 'moderation')], { ip: '192.0.2.10' }, 'moderation_list', 'hold'],
  ])('%j → %s', (lists, f, rule, floor) => {
    const signals = checkLists(features(f), context({ lists }), settings);
    expect(signals[0]?.rule ?? null).toBe(rule);
    expect(floorOf(signals[0])).toBe(floor);
  });

  it('reports both lists when both match', () => {
    const lists = [entry('word', 'casino'), entry('domain', 'orange.fr', 'moderation')];
    const rules = checkLists(features({ content: 'casino' }), context({ lists }), settings).map((s) => s.rule);
    expect(rules).toEqual(['disallowed_list', 'moderation_list']);
  });
});
