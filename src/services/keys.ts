import type { Keys } from '../crypto';
import type { MemoryKeys } from '../db/spam-memory';
import type { Deps } from '../deps';
import { memoryHost } from '../spam/analyze';
import type { Features } from '../spam/types';
import { normalizeEmail } from '../text';

/**
 * Keyed hashes: how an email, an IP or a website's host is looked up without being stored in
 * clear (duplicates, local memory, export, erasure, search). Keys.hash is an HMAC under a key
 * derived from the secret.
 */

/** The keyed hash of an email, as every look-up by email takes it (duplicates, memory, export, erasure, search). */
export const emailHash = (keys: Keys, email: string) => keys.hash(normalizeEmail(email));

/** The keyed hash of a website's host, as local memory keys it, or null. */
export function hostHash(keys: Keys, website: string | null) {
  const host = memoryHost(website);
  return host ? keys.hash(`host:${host}`) : null;
}

/** Keyed hashes of what local memory remembers about a submitter. */
export async function memoryKeys(
  deps: Pick<Deps, 'keys'>,
  f: Pick<Features, 'email' | 'ip' | 'website'>,
): Promise<MemoryKeys> {
  const [email, ip, host] = await Promise.all([
    emailHash(deps.keys, f.email),
    f.ip ? deps.keys.hash(f.ip) : null,
    hostHash(deps.keys, f.website),
  ]);
  return { email, ip, host };
}
