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
