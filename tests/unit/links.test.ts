import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainName, webHost } from '../../src/links';
import { renderHtml } from '../../src/render';
import { analyze } from '../../src/spam/analyze';
import { features } from './spam/fixtures';

/** Hosts of the links renderHtml makes, as a browser reads their href. */
const renderedHosts = (content: string) =>
  [...renderHtml(content).matchAll(/<a href="([^"]*)"/g)].map((m) =>
    new URL(m[1]!.replaceAll('&amp;', '&')).hostname.replace(/\.$/, ''),
  );

// Spellings that a hand-written host parser read as no host at all, and the browser as spam-pharma.com.
const PHARMA = [
  'spam-pharma。com',
  'spam-pharma．com',
  'spam-pharma｡com',
  'spam%2Dpharma.com',
  'spam-pharma%2Ecom',
  'SPAM-Pharma.com.',
];

describe('webHost: a link target read as the browser reads it', () => {
  it.each([
    ...PHARMA.flatMap((host) => [`https://${host}`, `http://${host}/offre?x=1`, `//${host}/x`, `www.${host}`]),
    'https://user@spam-pharma.com:8080/x',
    'https:spam-pharma.com',
    'spam-pharma.com/x',
    'ftp://spam-pharma.com',
  ])('%s → spam-pharma.com', (target) => {
    expect(webHost(target)?.replace(/^www\./, '')).toBe('spam-pharma.com');
  });

  it.each([
    ['https://bit%2Ely/x', 'bit.ly'],
    ['https://bit。ly/x', 'bit.ly'],
    ['https://Bücher.example/x', 'xn--bcher-kva.example'],
    ['https://good.example\\@spam-pharma.com', 'good.example'], // a backslash ends the host, as in a browser
    ['http://0x7f.1/', '127.0.0.1'],
  ])('%s → %s', (target, host) => {
    expect(webHost(target)).toBe(host);
  });

  it.each([
    'https://[2001:db8::1]/',
    'http://localhost/',
    'note',
    'javascript:alert(1)',
    'https://spam-pharma.com:99999/',
    `https://${'a.'.repeat(127)}com`,
  ])('%s → null', (target) => {
    expect(webHost(target)).toBeNull();
  });

  it('writes a list domain as a browser would', () => {
    expect(domainName('Bücher.example.')).toBe('xn--bcher-kva.example');
    expect(domainName('рф')).toBe('xn--p1ai');
    expect(domainName('spam.example/x')).toBeNull();
  });
});

describe('the spam analysis sees every host the renderer links to', () => {
  it.each([
    ...PHARMA.map((host) => `Voir https://${host}/offre.`),
    'Voir https://x{.spam-pharma.com/offre', // the analysis's own pattern stops at '{', the renderer's does not
    '[https://spam-pharma.com (promo)](https://good.example)', // a markdown label holding a link
    '<a href="https://good.example">https://spam-pharma.com</a>',
  ])('%s', (content) => {
    const rendered = renderedHosts(content);
    expect(rendered.length).toBeGreaterThan(0);
    const hosts = analyze(features({ content })).links.map((link) => link.host);
    for (const host of rendered) expect(hosts).toContain(host);
  });

  it('holds for random text made of URL pieces (property)', () => {
    const piece = fc.constantFrom(
      'https://',
      'http://',
      'spam-pharma',
      'bit',
      '.',
      '。',
      '．',
      '%2E',
      '%2D',
      'com',
      'ly',
      '-',
      '/',
      '@',
      '\\',
      ':',
      '[',
      ']',
      '(',
      ')',
      '{',
      '}',
      '<a href="',
      '">',
      '</a>',
      '[url=',
      '[/url]',
      ' ',
      '\n',
      'x',
      'www.',
      '"',
      "'",
      '#',
      '?',
      '%',
      'ı',
      '»',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const content = pieces.join('');
        const hosts = new Set(analyze(features({ content })).links.map((link) => link.host));
        for (const host of renderedHosts(content)) {
          if (host.includes('.') && !host.startsWith('[')) expect(hosts, content).toContain(host);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
