/**
 * Web Crypto only, so the same code runs on Node and Workers.
 * One server SECRET; three keys derived from it with HKDF: one to sign tokens, one for keyed
 * hashes (equality look-ups on emails and IPs without storing them in clear), one to encrypt.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Decodes base64url as toBase64Url writes it, and only so: no padding, and the bits the last
 * character carries beyond the final byte are zero. Otherwise several texts would decode to the
 * same bytes (a signature with its last character's low bit flipped would still verify).
 */
export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  const tail = s.length % 4;
  // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits); 1 carries nothing whole.
  if (tail === 1 || (tail > 1 && (BASE64URL.indexOf(s.at(-1)!) & (tail === 2 ? 0b1111 : 0b11)) !== 0)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of view) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Random bytes from the platform's CSPRNG, drawn 4 KiB at a time: on Node 20 each getRandomValues
 * call costs about 2 µs whatever its size, and a comment needs several (its id, two IVs). The bytes
 * handed out are wiped from the pool.
 */
const pool = new Uint8Array(4096);
let drawn = pool.length;

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  if (n > pool.length) return crypto.getRandomValues(new Uint8Array(n));
  if (drawn + n > pool.length) {
    crypto.getRandomValues(pool);
    drawn = 0;
  }
  const bytes = pool.slice(drawn, drawn + n);
  pool.fill(0, drawn, drawn + n);
  drawn += n;
  return bytes;
}

/** An opaque identifier: 16 random bytes, base64url (22 characters). */
export function randomId(): string {
  return toBase64Url(randomBytes(16));
}

/** A random token for people to hold (admin tokens, generated secrets). */
export function randomToken(prefix = ''): string {
  return prefix + toBase64Url(randomBytes(32));
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

export interface Keys {
  /**
   * Unkeyed SHA-256 (hex), and must stay so: comment texts (duplicates, cross-posting) and the
   * Gravatar hash of an address, which Gravatar computes the same way.
   */
  fingerprint(text: string): Promise<string>;
  /** Keyed hash (HMAC-SHA256, hex) for equality look-ups. */
  hash(value: string): Promise<string>;
  /** AES-256-GCM; the output is `v1.<iv>.<ciphertext>` in base64url. */
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string | null>;
  /** Signs a payload: `<payload>.<signature>`. */
  sign(payload: string): Promise<string>;
  /** Returns the payload when the signature is valid (checked in constant time), otherwise null. */
  verify(token: string): Promise<string | null>;
}

/** `<payload>.<signature>` split, the signature decoded; null when it cannot be a signed token. */
export function splitSigned(token: string): { payload: string; signature: Uint8Array<ArrayBuffer> } | null {
  const cut = token.lastIndexOf('.');
  if (cut <= 0) return null;
  const signature = fromBase64Url(token.slice(cut + 1));
  return signature && signature.length === 32 ? { payload: token.slice(0, cut), signature } : null;
}

/** `v1.<iv>.<ciphertext>` split and decoded; null when it cannot be a sealed value. */
export function splitSealed(sealed: string): { iv: Uint8Array<ArrayBuffer>; data: Uint8Array<ArrayBuffer> } | null {
  const [version, ivText, dataText] = sealed.split('.');
  const iv = fromBase64Url(ivText ?? '');
  const data = fromBase64Url(dataText ?? '');
  return version === 'v1' && iv?.length === 12 && data && data.length >= 16 ? { iv, data } : null;
}

export async function deriveKeys(secret: string): Promise<Keys> {
  const master = await crypto.subtle.importKey('raw', enc.encode(secret), 'HKDF', false, ['deriveKey']);
  // Parameter types taken from deriveKey itself: the DOM and Workers typings name them differently.
  type DerivedAlgorithm = Parameters<typeof crypto.subtle.deriveKey>[2];
  type Usages = Parameters<typeof crypto.subtle.deriveKey>[4];
  const derive = (info: string, algorithm: DerivedAlgorithm, usages: Usages) =>
    crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('tamis'), info: enc.encode(info) },
      master,
      algorithm,
      false,
      usages,
    );
  const hmac = { name: 'HMAC', hash: 'SHA-256', length: 256 };
  const [signKey, hashKey, encKey] = await Promise.all([
    derive('tamis/sign/v1', hmac, ['sign', 'verify']),
    derive('tamis/hash/v1', hmac, ['sign']),
    derive('tamis/encrypt/v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
  ]);

  return {
    fingerprint: sha256Hex,
    async hash(value) {
      return toHex(await crypto.subtle.sign('HMAC', hashKey, enc.encode(value)));
    },
    async encrypt(plain) {
      const iv = randomBytes(12);
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, encKey, enc.encode(plain));
      return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
    },
    async decrypt(sealed) {
      const parts = splitSealed(sealed);
      if (!parts) return null;
      try {
        return dec.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: parts.iv }, encKey, parts.data));
      } catch {
        return null;
      }
    },
    async sign(payload) {
      const sig = await crypto.subtle.sign('HMAC', signKey, enc.encode(payload));
      return `${payload}.${toBase64Url(new Uint8Array(sig))}`;
    },
    async verify(token) {
      const parts = splitSigned(token);
      if (!parts) return null;
      const ok = await crypto.subtle.verify('HMAC', signKey, parts.signature, enc.encode(parts.payload));
      return ok ? parts.payload : null;
    },
  };
}
