import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../../deps';
import { ApiError } from '../errors';

/** Bodies above this size are refused before they are read (413). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Routes that read their body as a stream, under a limit of their own (the import: routes/admin/transfer.ts). */
const OWN_LIMITS = new Set(['/api/v1/admin/import']);

const tooLarge = () => new ApiError(413, 'payload_too_large', { detail: `The limit is ${MAX_BODY_BYTES} bytes.` });
const streamingLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw tooLarge();
  },
});

/**
 * 413 for a body over MAX_BODY_BYTES. GET and HEAD bodies are never read. A declared length is
 * checked without touching the body (on Node, looking at it would build a whole web Request and
 * stream; the route then reads it straight from the socket). Only a body without a length goes
 * through the streaming limit.
 */
export const limitBody: MiddlewareHandler<AppEnv> = (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || OWN_LIMITS.has(c.req.path)) return next();
  const length = c.req.header('content-length');
  if (length === undefined || c.req.header('transfer-encoding') !== undefined || !/^\d+$/.test(length))
    return streamingLimit(c, next);
  if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
  return next();
};

const decoder = new TextDecoder();
/** hono's cache of the body, read by the route's validator: promises, as the request's own methods give them. */
const cache = (c: Context) => c.req.bodyCache as { text?: Promise<string>; formData?: Promise<FormData> };
/** Each request's body as sent, once read. */
const sent = new WeakMap<object, Record<string, unknown>>();

/** The media type of the request's body, when it is one Tamis reads. */
export function bodyType(c: Context): 'json' | 'form' | null {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)) return 'json';
  return type === 'application/x-www-form-urlencoded' ? 'form' : null;
}

/**
 * Reads the body of a route that declares one, before the declaration validates it: 415 for a
 * media type the route does not take, 400 when it cannot be parsed or is not an object. What it
 * read is left in the request's body cache, where the route's validator finds it. A form field
 * sent twice counts once, as the last value.
 */
function readBody(form: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = bodyType(c);
    if (type === null || (type === 'form' && !form)) throw new ApiError(415, 'unsupported_media_type');
    // Decoded by hand: workerd warns on `.text()` of a body whose type is not text (form posts).
    const text = decoder.decode(await c.req.arrayBuffer());
    if (type === 'form') {
      const value = Object.fromEntries(new URLSearchParams(text));
      const fields = new FormData();
      for (const [name, field] of Object.entries(value)) fields.append(name, field);
      cache(c).formData = Promise.resolve(fields);
      sent.set(c.req, value);
      return next();
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'malformed_body', { detail: 'The body is not valid JSON.' });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError(400, 'malformed_body', { detail: 'The body must be a JSON object.' });
    }
    cache(c).text = Promise.resolve(text);
    sent.set(c.req, value as Record<string, unknown>);
    return next();
  };
}

/** A JSON body. */
export const jsonBody = readBody(false);
/** A JSON body, or the same fields as a plain HTML form post. */
export const jsonOrFormBody = readBody(true);

/**
 * The body as it was sent, read by jsonBody or jsonOrFormBody: the validated one is normalized and
 * drops what the declaration does not name (the honeypot field, whose name is a site setting).
 */
export function sentBody(c: Context): Record<string, unknown> {
  return sent.get(c.req) ?? {};
}
