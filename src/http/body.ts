import type { Context } from 'hono';
import { ApiError } from './errors';

/** Bodies above this size are refused before they are read (413). */
export const MAX_BODY_BYTES = 64 * 1024;

const decoder = new TextDecoder();

/**
 * Reads a JSON or form body as a plain object. 415 for other media types, 400 when it cannot be
 * parsed or is not an object. Validation of the fields is the caller's job.
 */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
  const isForm = type === 'application/x-www-form-urlencoded';
  if (!isJson && !isForm) throw new ApiError(415, 'unsupported_media_type');

  // Decoded by hand: workerd warns on `.text()` of a body whose type is not text (form posts).
  const text = decoder.decode(await c.req.arrayBuffer());
  if (isForm) return Object.fromEntries(new URLSearchParams(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'malformed_body', { detail: 'The body is not valid JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'malformed_body', { detail: 'The body must be a JSON object.' });
  }
  return value as Record<string, unknown>;
}

/** True when the client would rather have a page than JSON: a plain HTML form post. */
export function prefersHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /\btext\/html\b/i.test(accept) && !/\bapplication\/(problem\+)?json\b/i.test(accept.split(',')[0] ?? '');
}
