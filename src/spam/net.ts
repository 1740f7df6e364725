import ipaddr from 'ipaddr.js';

/** Addresses, networks and domain names, as the list and email checks compare them. */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses an IPv4 or IPv6 address; an IPv4-mapped IPv6 address (::ffff:1.2.3.4) becomes IPv4. */
export function parseIp(value: string): Address | null {
  const text = value.trim();
  // Without a colon, only digits, dots and hex/octal prefixes can spell an address: a host name is
  // turned away here, without ipaddr's parse attempt (it throws, which costs more than the rest).
  if (!text.includes(':') && !/^[\dA-Fa-fXx.]+$/.test(text)) return null;
  if (!ipaddr.isValid(text)) return null;
  try {
    return ipaddr.process(text);
  } catch {
    return null;
  }
}

/** Same address, whatever its spelling ('::FFFF:1.2.3.4' and '1.2.3.4', '2001:db8::1' and '2001:DB8:0::1'). */
export function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== null && y !== null && x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

/** Is the address inside the network written 'address/bits' (IPv4 or IPv6)? */
export function inCidr(ip: string, cidr: string): boolean {
  const address = parseIp(ip);
  if (!address) return false;
  const network = parseCidr(cidr);
  if (!network) return false;
  const [base, bits] = network;
  return address.kind() === base.kind() && address.match(base, bits);
}

/** 'address/bits' parsed, an IPv4-mapped IPv6 network read as the IPv4 one; null when malformed. */
export function parseCidr(cidr: string): [Address, number] | null {
  let network: [Address, number];
  try {
    network = ipaddr.parseCIDR(cidr.trim());
  } catch {
    return null;
  }
  let [base, bits] = network;
  if (base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    base = (base as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  return [base, bits];
}

/** A domain as lists write it, without a leading '*.' or '.' nor a trailing dot, lower case. */
export const canonicalDomain = (domain: string) =>
  domain
    .trim()
    .toLowerCase()
    .replace(/^\*?\./, '')
    .replace(/\.$/, '');

/** Is host the domain itself or one of its subdomains ('mail.spam.example' under 'spam.example')? */
export function underDomain(host: string, domain: string): boolean {
  const d = canonicalDomain(domain);
  const h = host.toLowerCase().replace(/\.$/, '');
  return d.length > 0 && (h === d || h.endsWith(`.${d}`));
}

/** The longest domain name DNS can carry (RFC 1035): a longer host is no domain name. */
export const MAX_DOMAIN_LENGTH = 253;

/**
 * The domain and each parent with at least two labels: 'a.b.example.com' → [that, 'b.example.com', 'example.com'].
 * None for a name longer than a domain can be: its parents would cost the square of its length to
 * build and look up ('a.a.a.…' over 64 KB took seconds), and no list holds such a name.
 */
function domainAndParents(domain: string): string[] {
  if (domain.length > MAX_DOMAIN_LENGTH) return [];
  const out: string[] = [];
  let start = 0;
  for (let dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', start)) {
    out.push(domain.slice(start));
    start = dot + 1;
  }
  return out;
}

/** Whether the domain or one of its parents is in the set (a list of registrable domains). */
export const inDomainSet = (domain: string, set: ReadonlySet<string>) =>
  domainAndParents(domain).some((d) => set.has(d));

// RFC 2606 / RFC 6761 special-use names: no mail is ever delivered there.
const RESERVED_TLDS = new Set([
  'invalid',
  'test',
  'example',
  'localhost',
  'local',
  'onion',
  'internal',
  'home',
  'lan',
  'corp',
]);
const RESERVED_DOMAINS = ['example.com', 'example.net', 'example.org'];
/** One label of a domain name: letters, digits and inner hyphens, 63 at most. */
export const LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

/** Why a domain cannot receive mail, or null when its shape is fine (no DNS lookup: checks are pure). */
export function domainProblem(domain: string): string | null {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!d) return 'empty domain';
  if (d.length > MAX_DOMAIN_LENGTH) return 'domain too long';
  if (parseIp(d.replace(/^\[|\]$/g, ''))) return 'IP address instead of a domain';
  const labels = d.split('.');
  if (labels.length < 2) return 'domain without a dot';
  if (!labels.every((label) => LABEL.test(label))) return 'malformed domain label';
  const tld = labels[labels.length - 1] ?? '';
  if (/^\d+$/.test(tld) || (tld.length < 2 && !tld.startsWith('xn--'))) return 'malformed top-level domain';
  if (RESERVED_TLDS.has(tld)) return `reserved top-level domain .${tld}`;
  if (RESERVED_DOMAINS.some((r) => underDomain(d, r))) return 'reserved example domain';
  return null;
}
