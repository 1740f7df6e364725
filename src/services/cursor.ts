import { fromBase64Url, toBase64Url } from '../crypto';
import type { Cursor } from '../db/comments';

/** Keyset cursors (time, id) of the thread and the moderation queue, opaque to clients. */

const enc = new TextEncoder();
const dec = new TextDecoder();

export type { Cursor };

export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(enc.encode(`${cursor.createdAt}.${cursor.id}`));
}

/** The cursor a text stands for, or null when it is not one this server wrote. */
export function decodeCursor(text: string): Cursor | null {
  const bytes = fromBase64Url(text);
  const match = bytes && /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(dec.decode(bytes));
  return match ? { createdAt: Number(match[1]), id: match[2]! } : null;
}

/**
 * A continuation token (a bulk decision's rest, an export's next part): the value as JSON, in
 * base64url, checked against `schema` when it comes back. Admin-only and never a capability: it
 * says nothing its holder could not send in full, so it needs no signature.
 */
export function encodeContinuation(value: unknown): string {
  return toBase64Url(enc.encode(JSON.stringify(value)));
}

/** The value of a token encodeContinuation wrote, or null. */
export function decodeContinuation<T>(
  text: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): T | null {
  const bytes = fromBase64Url(text);
  if (!bytes) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(dec.decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
