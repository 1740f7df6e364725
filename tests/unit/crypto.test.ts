import { describe, expect, it } from 'vitest';
import { deriveKeys, fromBase64Url, randomBytes, toBase64Url } from '../../src/crypto';
import { deriveNodeKeys } from '../../src/entry/node-crypto';

const SECRET = 'unit-secret-0123456789-0123456789-0123456789';

describe('keys: Web Crypto and node:crypto read each other', () => {
  it('hash the same way', async () => {
    const [web, node] = await Promise.all([deriveKeys(SECRET), deriveNodeKeys(SECRET)]);
    expect(await node.fingerprint('un texte')).toBe(await web.fingerprint('un texte'));
    expect(await web.fingerprint('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const value of ['camille@exemple.fr', '203.0.113.7', '', 'é🙂']) {
      expect(await node.hash(value)).toBe(await web.hash(value));
    }
    expect(await web.hash('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await deriveKeys(`${SECRET}x`)).hash('a')).not.toBe(await web.hash('a'));
  });

  it('open what the other sealed, and refuse tampering', async () => {
    const [web, node] = await Promise.all([deriveKeys(SECRET), deriveNodeKeys(SECRET)]);
    for (const plain of ['camille@exemple.fr', '2001:db8::1', 'é🙂']) {
      expect(await node.decrypt(await web.encrypt(plain))).toBe(plain);
      expect(await web.decrypt(await node.encrypt(plain))).toBe(plain);
    }
    const sealed = await node.encrypt('secret');
    expect(sealed).not.toContain('secret');
    // Another letter in place of the last but one (the last may only carry spare bits).
    const tampered = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.slice(-1);
    expect(tampered).not.toBe(sealed);
    expect(await web.decrypt(tampered)).toBeNull();
    expect(await node.decrypt(tampered)).toBeNull();
    expect(await node.decrypt('v1.short.x')).toBeNull();
  });

  it('verify what the other signed, and refuse a forged or foreign signature', async () => {
    const [web, node] = await Promise.all([deriveKeys(SECRET), deriveNodeKeys(SECRET)]);
    expect(await web.verify(await node.sign('edit.abc.123'))).toBe('edit.abc.123');
    expect(await node.verify(await web.sign('form.xyz.456'))).toBe('form.xyz.456');
    const other = await deriveNodeKeys(`${SECRET}x`);
    expect(await node.verify(await other.sign('edit.abc.123'))).toBeNull();
    expect(await node.verify('edit.abc.123.AAAA')).toBeNull();
  });
});

describe('base64url: one text per value', () => {
  const flipLowBit = (text: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    return text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1)!) ^ 1];
  };

  it('refuses the texts that decode to the same bytes as a canonical one', () => {
    for (const length of [1, 2, 16, 31, 32]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
      const text = toBase64Url(bytes);
      expect(fromBase64Url(text)).toEqual(bytes);
      // 1 byte leaves 4 spare bits in the last character, 2 bytes leave 2: flipping one changes no byte.
      expect(fromBase64Url(flipLowBit(text)), `${length} bytes`).toBeNull();
      expect(fromBase64Url(`${text}=`), `${length} bytes, padded`).toBeNull();
    }
    expect(fromBase64Url('A')).toBeNull();
    expect(fromBase64Url('')).toEqual(new Uint8Array(0));
  });

  it('a signature with its last character changed is refused, by both implementations', async () => {
    const [web, node] = await Promise.all([deriveKeys(SECRET), deriveNodeKeys(SECRET)]);
    for (const keys of [web, node]) {
      const token = await keys.sign('edit.abc.123');
      expect(await keys.verify(token)).toBe('edit.abc.123');
      expect(await web.verify(flipLowBit(token))).toBeNull();
      expect(await node.verify(flipLowBit(token))).toBeNull();
    }
  });
});

describe('randomBytes: drawn from a pool, never twice the same', () => {
  it('gives the size asked, across refills of the pool and beyond its size', () => {
    const seen = new Set<string>();
    // 1,000 draws of 12 bytes cross the 4 KiB pool's refill twice.
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(12);
      expect(bytes.length).toBe(12);
      seen.add(toBase64Url(bytes));
    }
    expect(seen.size).toBe(1000);
    const large = randomBytes(10_000);
    expect(large.length).toBe(10_000);
    // Random bytes, not a wiped pool: 10,000 zero bytes would be a fault, not chance.
    expect(large.some((b) => b !== 0)).toBe(true);
    expect(randomBytes(16).some((b) => b !== 0)).toBe(true);
  });
});
