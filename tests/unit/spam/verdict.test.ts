import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../src/spam/types';
import { DECISIVE_RULES, verdict } from '../../../src/spam/verdict';
import { settings, withSettings } from './fixtures';

const s = (score: number, rule = 'test'): Signal => ({ rule, score, detail: `score ${score}` });

describe('verdict', () => {
  it.each([
    [[], 'approve', 0],
    [[s(4.9)], 'approve', 4.9],
    [[s(5)], 'hold', 5],
    [[s(3), s(2)], 'hold', 5],
    [[s(9.9)], 'hold', 9.9],
    [[s(10)], 'spam', 10],
    [[s(6), s(4)], 'spam', 10],
    [[s(12), s(-4)], 'hold', 8],
    [[s(6), s(-4)], 'approve', 2],
    [[s(-6)], 'approve', -6],
  ] as Array<[Signal[], string, number]>)('%j → %s (score %d)', (signals, expected, score) => {
    const result = verdict(signals, settings);
    expect(result.verdict).toBe(expected);
    expect(result.score).toBe(score);
  });

  it.each([
    [[s(10, 'honeypot'), s(-6), s(-4)], 'spam'],
    [[s(1, 'link_markup')], 'spam'],
    [[s(1, 'form_too_fast')], 'spam'],
    [[s(1, 'disallowed_list')], 'spam'],
    [[s(1, 'cross_post')], 'spam'],
    [[s(5, 'too_many_links'), s(-4)], 'hold'],
    [[s(5, 'moderation_list'), s(5)], 'spam'],
    [[s(0, 'moderation_list')], 'hold'],
    [[s(1, 'links'), s(-4)], 'approve'],
  ] as Array<[Signal[], string]>)('a decisive rule sets a floor: %j → %s', (signals, expected) => {
    expect(verdict(signals, settings).verdict).toBe(expected);
  });

  it('lists exactly the rules the issue marks "→ spam" and "→ hold"', () => {
    expect(DECISIVE_RULES).toEqual({
      honeypot: 'spam',
      form_too_fast: 'spam',
      link_markup: 'spam',
      disallowed_list: 'spam',
      cross_post: 'spam',
      too_many_links: 'hold',
      moderation_list: 'hold',
    });
  });

  it('follows the thresholds of the settings', () => {
    const strict = withSettings({ holdThreshold: 2, spamThreshold: 4 });
    expect(verdict([s(2)], strict).verdict).toBe('hold');
    expect(verdict([s(4)], strict).verdict).toBe('spam');
    expect(verdict([s(4)], settings).verdict).toBe('approve');
  });

  it('orders reasons strongest first and drops zero scores', () => {
    const result = verdict([s(1), s(0), s(-3), s(6)], settings);
    expect(result.reasons.map((r) => r.score)).toEqual([6, -3, 1]);
  });

  it('ignores non-finite scores instead of poisoning the sum', () => {
    expect(verdict([s(Number.NaN), s(Number.POSITIVE_INFINITY), s(2)], settings)).toMatchObject({
      verdict: 'approve',
      score: 2,
    });
  });
});
