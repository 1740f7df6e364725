/**
 * What a service refuses, said without HTTP: a stable `code` (clients may branch on it, as the API
 * writes it), and a `kind` that says what sort of refusal it is. The HTTP layer maps the kind to a
 * status and renders problem+json (toApiError in http/errors.ts); a command line or a background
 * task can report the same error its own way.
 */
export type DomainErrorKind =
  /** No valid credentials were given (HTTP 401). */
  | 'unauthenticated'
  /** The caller is known but may not do this, or not any more (403). */
  | 'forbidden'
  /** What was named does not exist (404). */
  | 'not_found'
  /** The state of things forbids it: already there, changed meanwhile, not allowed from this state (409). */
  | 'conflict'
  /** The input is well-formed but breaks a rule: `fields` says which (422). */
  | 'invalid'
  /** Too many, too soon: `retryAfterSeconds` says when to try again (429). */
  | 'rate_limited'
  /** A resource the service depends on is busy or down; trying again later may succeed (503). */
  | 'unavailable';

/** A field's failure, before translation: a message key and its parameters. */
export interface FieldIssue {
  key: string;
  params?: Record<string, string | number>;
}

export interface DomainErrorOptions {
  /** Said to the client as is (English); the code's title is translated. */
  detail?: string | undefined;
  /** `invalid`: every failing field. */
  fields?: Record<string, FieldIssue> | undefined;
  /** `rate_limited`, `unavailable`: when to try again, in whole seconds (at least 1). */
  retryAfterSeconds?: number | undefined;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(code);
  }
}

/** `invalid` with the failing fields (code `validation_failed`). */
export const invalid = (fields: Record<string, FieldIssue>) =>
  new DomainError('invalid', 'validation_failed', { fields });

/** `rate_limited` for `ms` more milliseconds (code `too_many_requests`; rounded up to whole seconds, at least 1). */
export const rateLimited = (ms: number) =>
  new DomainError('rate_limited', 'too_many_requests', { retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });
