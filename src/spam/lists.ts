import { domainName } from '../links';
import { analyze, fold, foldConfusables, perSubmission } from './analyze';
import { canonicalDomain, inCidr, sameIp, underDomain } from './net';
import type { Features, ListEntry } from './types';

/**
 * Matching the moderators' lists against a submission (WordPress's "disallowed" and "moderation"
 * keys, with typed entries). Words and phrases match whole words only, case-insensitively and
 * Unicode-aware: 'cunt' does not match 'Scunthorpe', 'été' matches 'ÉTÉ', 'viagra' matches 'vıagra'
 * and 'ᴠɪᴀɢʀᴀ' (foldConfusables). Domains match the hosts a browser reads (src/links.ts).
 */

const FIELDS = ['author', 'email', 'website', 'content', 'ip', 'userAgent'] as const;
type Field = (typeof FIELDS)[number];

// Compiled word patterns, shared by requests. Bounded: cleared when it grows past the limit.
const wordPatterns = new Map<string, RegExp | null>();
const WORD_PATTERN_LIMIT = 5000;

function wordPattern(value: string): RegExp | null {
  let pattern = wordPatterns.get(value);
  if (pattern === undefined) {
    const folded = foldConfusables(value).trim();
    // Inner white space matches any run of white space; the entry is otherwise taken literally.
    const body = folded
      .split(/\s+/u)
      .filter(Boolean)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('\\s+');
    pattern = body ? new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])${body}(?![\\p{L}\\p{N}\\p{M}])`, 'u') : null;
    if (wordPatterns.size >= WORD_PATTERN_LIMIT) wordPatterns.clear();
    wordPatterns.set(value, pattern);
  }
  return pattern;
}

// Joins a field to the hosts of its links: no phrase matches across it.
const HOSTS_AFTER = ' | ';

/**
 * Folded fields, computed once per submission. The website and the content are followed by the
 * hosts their links lead to, as a browser reads them ('spam%2Dpharma.com' → 'spam-pharma.com').
 */
const folded = perSubmission((features): Record<Field, string> => {
  const { links } = analyze(features);
  const withHosts = (text: string, website: boolean) =>
    [
      foldConfusables(text),
      ...links.flatMap((link) => ((link.kind === 'website') === website && link.host ? [link.host] : [])),
    ].join(HOSTS_AFTER);
  return {
    author: foldConfusables(features.author),
    email: foldConfusables(features.email),
    website: withHosts(features.website ?? '', true),
    content: withHosts(features.content, false),
    ip: foldConfusables(features.ip ?? ''),
    userAgent: foldConfusables(features.userAgent ?? ''),
  };
});

/**
 * The submission's domains, folded as a browser folds them (src/links.ts: lower case, IDNA
 * mapping, punycode), computed once: its email's, its website's, those named in its content.
 */
export const foldedDomains = perSubmission((features) => {
  const analysis = analyze(features);
  const domain = (name: string) => domainName(name) ?? fold(name);
  return {
    email: analysis.emailDomain ? domain(analysis.emailDomain) : null,
    website: analysis.websiteHost,
    content: [
      ...analysis.links.flatMap((link) => (link.kind !== 'website' && link.host ? [link.host] : [])),
      ...analysis.emails.map((email) => domain(email.slice(email.lastIndexOf('@') + 1))),
    ],
  };
});

/** Where an entry matches the submission ('content', 'email'…), or null. */
export function matchEntry(entry: ListEntry, features: Features): Field | 'link' | null {
  const value = entry.value.trim();
  if (!value) return null;
  switch (entry.kind) {
    case 'word': {
      const pattern = wordPattern(value);
      if (!pattern) return null;
      const fields = folded(features);
      return FIELDS.find((field) => pattern.test(fields[field])) ?? null;
    }
    case 'ip':
      return features.ip && sameIp(features.ip, value) ? 'ip' : null;
    case 'cidr':
      return features.ip && inCidr(features.ip, value) ? 'ip' : null;
    case 'email': {
      const wanted = foldConfusables(value);
      if (folded(features).email.trim() === wanted) return 'email';
      return analyze(features).emails.some((email) => foldConfusables(email) === wanted) ? 'content' : null;
    }
    case 'domain': {
      const domain = domainName(canonicalDomain(value)) ?? fold(value);
      const domains = foldedDomains(features);
      if (domains.email && underDomain(domains.email, domain)) return 'email';
      if (domains.website && underDomain(domains.website, domain)) return 'website';
      return domains.content.some((host) => underDomain(host, domain)) ? 'link' : null;
    }
  }
}
