import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { LABEL, parseIp } from '../spam/net';
import { normalizeLine } from '../text';
import type { ListKind } from '../db/lists';

/**
 * Values of the moderators' lists, checked and written one way per kind, so that the same entry
 * cannot be added twice under two spellings. Each returns the stored form, or null when invalid.
 */

const DOTTED_QUAD = ipaddr.IPv4.isValidFourPartDecimal;

/** An IPv4 address must be four decimal parts ('010.1.1.1' would otherwise be read as octal 8.1.1.1). */
export function normalizeIp(value: string): string | null {
  const text = value.trim();
  if (!text.includes(':') && !DOTTED_QUAD(text)) return null;
  return parseIp(text)?.toString() ?? null;
}

/** 'address/bits', written as the network's first address ('10.1.2.3/8' → '10.0.0.0/8'). */
export function normalizeCidr(value: string): string | null {
  const text = value.trim();
  const [address, bits, ...rest] = text.split('/');
  if (rest.length || !address || !bits || !/^\d{1,3}$/.test(bits) || (!address.includes(':') && !DOTTED_QUAD(address))) return null;
  try {
    let [base, prefix] = ipaddr.parseCIDR(text);
    if (base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
      base = (base as ipaddr.IPv6).toIPv4Address();
      prefix -= 96;
    }
    const network = base.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${base}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${base}/${prefix}`);
    return `${network.toString()}/${prefix}`;
  } catch {
    return null;
  }
}

/** A domain or a top-level domain ('spam.example', '*.spam.example', 'xyz'); it covers its subdomains. */
export function normalizeDomain(value: string): string | null {
  const d = value.trim().toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
  if (!d || d.length > 253 || parseIp(d)) return null;
  return d.split('.').every((label) => LABEL.test(label)) ? d : null;
}

export function normalizeEmailEntry(value: string): string | null {
  const email = value.trim().toLowerCase();
  return z.email().max(254).safeParse(email).success ? email : null;
}

/** A word or a phrase, matched as whole words (see src/spam/lists.ts). */
export function normalizeWord(value: string): string | null {
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
