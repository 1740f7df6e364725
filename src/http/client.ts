import type { Context } from 'hono';
import type { AppEnv } from '../deps';
import type { RequestMeta } from '../services/comments';

const IP_CHARS = /^[0-9A-Fa-f:.]{2,45}$/;

function cleanIp(value: string | undefined): string | null {
  const ip = value?.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return ip && IP_CHARS.test(ip) ? ip : null;
}

/** The client's IP, from where TRUST_PROXY says it comes, and its user agent. */
export function requestMeta(c: Context<AppEnv>): RequestMeta {
  const { config, remoteAddress } = c.var.deps;
  let ip: string | null;
  switch (config.TRUST_PROXY) {
    case 'x-forwarded-for':
      // The right-most entry is the one our own proxy added; the rest the client could forge.
      ip = cleanIp(c.req.header('x-forwarded-for')?.split(',').at(-1));
      break;
    case 'cf-connecting-ip':
      ip = cleanIp(c.req.header('cf-connecting-ip'));
      break;
    default:
      ip = cleanIp(remoteAddress?.(c));
  }
  const userAgent = c.req.header('user-agent')?.trim().slice(0, 512) || null;
  return { ip, userAgent };
}

/** True when the origin may use the public API from a browser (ALLOWED_ORIGINS). */
export function originAllowed(allowed: string[], origin: string): boolean {
  return allowed.includes('*') || allowed.includes(origin);
}
