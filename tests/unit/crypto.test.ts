import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../src/crypto';
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
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
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
