import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/http/client';

describe('client IPs: one spelling per address, a port is not part of it', () => {
  it.each<[string | undefined, string | null]>([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['203.0.113.7:5678', '203.0.113.7'],
    ['"203.0.113.7:5678"', '203.0.113.7'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:DB8:0::1]:443', '2001:db8::1'],
    ['"[2001:db8::1]:443"', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['[::1]:443', '::1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['[::ffff:203.0.113.7]:80', '203.0.113.7'],
    // Not addresses: the caller falls back to the socket's.
    [undefined, null],
    ['', null],
    ['unknown', null],
    ['_hidden', null],
    ['203.0.113', null],
    ['203.0.113.256', null],
    ['010.0.0.1', null],
    ['0x7f.1', null],
    ['2130706433', null],
    ['203.0.113.7:65535', '203.0.113.7'],
    ['2001:db8::1:443', '2001:db8::1:443'],
    ['[2001:db8::1', null],
    ['2001:db8::g', null],
    ['journal.example.fr', null],
    ['1.2.3.4, 5.6.7.8', null],
    [`${'1'.repeat(65)}`, null],
  ])('%j → %j', (raw, ip) => {
    expect(canonicalIp(raw)).toBe(ip);
  });
});
