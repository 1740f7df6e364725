import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { randomBytes, splitSealed, splitSigned, toBase64Url, type Keys } from '../crypto';

/**
 * The same keys as `deriveKeys` (src/crypto.ts), with node:crypto's synchronous primitives: Web
 * Crypto on Node sends every small HMAC or AES operation to the thread pool, which costs more than
 * the operation. Same HKDF derivation, same formats: each side reads what the other wrote
 * (tests/unit/crypto.test.ts).
 */
export async function deriveNodeKeys(secret: string): Promise<Keys> {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'tamis', info, 32));
  const signKey = derive('tamis/sign/v1');
  const hashKey = derive('tamis/hash/v1');
  const encKey = derive('tamis/encrypt/v1');
  const mac = (payload: string) => createHmac('sha256', signKey).update(payload).digest();

  return {
    async fingerprint(text) {
      return createHash('sha256').update(text).digest('hex');
    },
    async hash(value) {
      return createHmac('sha256', hashKey).update(value).digest('hex');
    },
    async encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${toBase64Url(iv)}.${toBase64Url(sealed)}`;
    },
    async decrypt(sealed) {
      const parts = splitSealed(sealed);
      if (!parts) return null;
      const { iv, data } = parts;
      try {
        const decipher = createDecipheriv('aes-256-gcm', encKey, iv);
        decipher.setAuthTag(data.subarray(data.length - 16));
        return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
    async sign(payload) {
      return `${payload}.${toBase64Url(mac(payload))}`;
    },
    async verify(token) {
      const parts = splitSigned(token);
      return parts && timingSafeEqual(mac(parts.payload), parts.signature) ? parts.payload : null;
    },
  };
}
