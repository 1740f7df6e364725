import ipaddr from 'ipaddr.js';
import type { Context } from 'hono';
import type { AppEnv } from '../deps';
import type { RequestMeta } from '../services/comments';

/**
 * An address as a proxy or the socket writes it, in one canonical spelling, or null when it is not
 * one: a port is dropped ('203.0.113.7:5678', '[2001:db8::1]:443'), an IPv4-mapped IPv6 address is
 * the IPv4 one, IPv6 is written as RFC 5952 says (lower case, zeros compressed, no zone), so that
 * flood control, local memory and the lists see one address however it was spelt. IPv4 must be
 * four decimal numbers: '010.0.0.1' or '0x7f.1' are not read as octal or hex.
 */
export function canonicalIp(value: string | undefined): string | null {
  let text = value?.trim().replace(/^"(.*)"$/, '$1');
  if (!text || text.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  if (text.includes(':')) {
    if (!ipaddr.IPv6.isValid(text)) return null;
    const address = ipaddr.IPv6.parse(text);
    if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
    address.zoneId = undefined;
    return address.toString();
  }
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toString() : null;
}

/**
 * The client's IP, from where TRUST_PROXY says it comes, and its user agent. When the header is
 * missing or holds no address, the socket's address stands in (behind a proxy, the proxy's own: such
 * requests then share one IP's limits rather than escape them).
 */
export function requestMeta<E extends AppEnv>(c: Context<E>): RequestMeta {
  const { config, remoteAddress } = c.var.deps;
  let ip: string | null = null;
  switch (config.TRUST_PROXY) {
    case 'x-forwarded-for':
      // The right-most entry is the one our own proxy added; the rest the client could forge.
      ip = canonicalIp(c.req.header('x-forwarded-for')?.split(',').at(-1));
      break;
    case 'cf-connecting-ip':
      ip = canonicalIp(c.req.header('cf-connecting-ip'));
      break;
  }
  ip ??= canonicalIp(remoteAddress?.(c));
  const userAgent = c.req.header('user-agent')?.trim().slice(0, 512) || null;
  return { ip, userAgent };
}

/** True when the origin may use the public API from a browser (ALLOWED_ORIGINS). */
export function originAllowed(allowed: string[], origin: string): boolean {
  return allowed.includes('*') || allowed.includes(origin);
}

/** The origin of an http(s) URL ('https://journal.example.fr'), or null when it is not one. */
export function httpOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a write (POST, PATCH, DELETE) may come from where the browser says it comes from. With
 * ALLOWED_ORIGINS `*`, from anywhere. Otherwise the `Origin` header (or, without it, the origin of
 * the `Referer`) must be in the list, or be Tamis's own (same host, or `Sec-Fetch-Site:
 * same-origin`). `Origin: null` (a sandboxed frame, a page sent with `Referrer-Policy: no-referrer`)
 * is refused. A request with neither header is not a browser's (every browser sends `Origin` with a
 * POST, PATCH or DELETE): curl and servers may write, as they may send any header they like.
 */
export function writeOriginAllowed(c: Context, allowed: string[]): boolean {
  if (allowed.includes('*')) return true;
  const header = c.req.header('origin');
  const referer = c.req.header('referer');
  const site = c.req.header('sec-fetch-site');
  // Only a browser sends Sec-Fetch-Site; saying cross-site, it would have said where from.
  if (header === undefined && referer === undefined) return site !== 'cross-site' && site !== 'same-site';
  // A browser serializes Origin one way: it is compared as sent, as CORS compares it.
  const origin = header ?? httpOrigin(referer!);
  if (origin === null || origin === 'null') return false;
  if (allowed.includes(origin) || site === 'same-origin') return true;
  const own = httpOrigin(origin);
  return own !== null && new URL(own).host === new URL(c.req.url).host;
}
