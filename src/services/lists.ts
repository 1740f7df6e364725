import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { canonicalDomain, LABEL, parseCidr, parseIp } from '../spam/net';
import { normalizeEmail, normalizeLine } from '../text';
import type { ListKind } from '../db/lists';

/**
 * Values of the moderators' lists, checked and written one way per kind, so that the same entry
 * cannot be added twice under two spellings. Each returns the stored form, or null when invalid.
 */

const DOTTED_QUAD = ipaddr.IPv4.isValidFourPartDecimal;

/** An IPv4 address must be four decimal parts ('010.1.1.1' would otherwise be read as octal 8.1.1.1). */
function normalizeIp(value: string): string | null {
  const text = value.trim();
  if (!text.includes(':') && !DOTTED_QUAD(text)) return null;
  return parseIp(text)?.toString() ?? null;
}

/** 'address/bits', written as the network's first address ('10.1.2.3/8' → '10.0.0.0/8'). */
function normalizeCidr(value: string): string | null {
  const text = value.trim();
  const [address, bits, ...rest] = text.split('/');
  if (rest.length || !address || !bits || !/^\d{1,3}$/.test(bits) || (!address.includes(':') && !DOTTED_QUAD(address))) return null;
  const parsed = parseCidr(text);
  if (!parsed) return null;
  // parseCidr checked the prefix length: the network address can always be computed.
  const [base, prefix] = parsed;
  const network = base.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${base}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${base}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

/** A domain or a top-level domain ('spam.example', '*.spam.example', 'xyz'); it covers its subdomains. */
function normalizeDomain(value: string): string | null {
  const d = canonicalDomain(value);
  if (!d || d.length > 253 || parseIp(d)) return null;
  return d.split('.').every((label) => LABEL.test(label)) ? d : null;
}

function normalizeEmailEntry(value: string): string | null {
  const email = normalizeEmail(value);
  return z.email().max(254).safeParse(email).success ? email : null;
}

/** A word or a phrase, matched as whole words (see src/spam/lists.ts). */
function normalizeWord(value: string): string | null {
  const word = normalizeLine(value);
  return word.length >= 1 && word.length <= 100 && /[\p{L}\p{N}]/u.test(word) ? word : null;
}

export const normalizeListValue: Record<ListKind, (value: string) => string | null> = {
  ip: normalizeIp,
  cidr: normalizeCidr,
  domain: normalizeDomain,
  email: normalizeEmailEntry,
  word: normalizeWord,
};
