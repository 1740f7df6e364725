import { describe, expect, it } from 'vitest';
import { checkLinks } from '../../../src/spam/checks';
import { matchEntry } from '../../../src/spam/lists';
import type { ListEntry } from '../../../src/spam/types';
import { context, features, settings } from './fixtures';

const disallowed = (kind: ListEntry['kind'], value: string): ListEntry => ({ list: 'disallowed', kind, value });

// Each of these is published as a link to spam-pharma.com (the renderer reads hosts with the URL parser).
const PHARMA = ['spam-pharma。com', 'spam-pharma．com', 'spam%2Dpharma.com', 'spam-pharma%2Ecom'];

describe('list entries match the host a browser reads', () => {
  it.each(PHARMA)(
    'domain entry spam-pharma.com: https://%s in the content, the website and a markdown link',
    (host) => {
      const entry = disallowed('domain', 'spam-pharma.com');
      expect(matchEntry(entry, features({ content: `Voir https://${host}/offre pour la suite.` }))).toBe('link');
      expect(matchEntry(entry, features({ content: `Voir [l'offre](https://${host}/offre).` }))).toBe('link');
      expect(matchEntry(entry, features({ website: `https://${host}` }))).toBe('website');
    },
  );

  it.each(PHARMA)('word entry "pharma" sees https://%s', (host) => {
    expect(matchEntry(disallowed('word', 'pharma'), features({ content: `Voir https://${host}/offre` }))).toBe(
      'content',
    );
    expect(matchEntry(disallowed('word', 'pharma'), features({ website: `https://${host}` }))).toBe('website');
  });

  it('an international domain entry matches its punycode spelling, and back', () => {
    expect(
      matchEntry(disallowed('domain', 'bücher.example'), features({ content: 'https://xn--bcher-kva.example/x' })),
    ).toBe('link');
    expect(
      matchEntry(disallowed('domain', 'xn--bcher-kva.example'), features({ website: 'https://BÜCHER.example' })),
    ).toBe('website');
  });

  it('a phrase does not run from the text into the hosts of its links', () => {
    expect(
      matchEntry(disallowed('word', 'offre spam'), features({ content: 'Une offre https://spam.example' })),
    ).toBeNull();
  });
});

describe('the shortener rule reads the host a browser reads', () => {
  it.each(['https://bit%2Ely/x', 'https://bit。ly/x', 'https://BIT．LY/x', 'https://x.bit%2Ely/x'])(
    '%s → shortened_link',
    (url) => {
      expect(checkLinks(features({ content: `Regardez ${url}` }), context(), settings).map((s) => s.rule)).toContain(
        'shortened_link',
      );
      expect(checkLinks(features({ website: url }), context(), settings).map((s) => s.rule)).toContain(
        'shortened_link',
      );
    },
  );
});
