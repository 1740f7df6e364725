import type { z } from 'zod';
import type { DomainError, DomainErrorKind, FieldIssue } from '../errors';
import { fieldMessage, problemTitle, type Lang } from './i18n';

export type { FieldIssue };

/**
 * The one error type of the API. `onError` renders it as RFC 9457 problem+json;
 * `code` is stable (clients may branch on it), the title is for people.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly options: {
      detail?: string;
      fields?: Record<string, FieldIssue>;
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(code);
  }
}

export { isDatabaseBusy, isUniqueViolation } from '../db/errors';

export const notFound = (code = 'not_found') => new ApiError(404, code);

const STATUS: Record<DomainErrorKind, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid: 422,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * A service's refusal as the API answers it: the status of its kind, its code, fields and detail,
 * Retry-After when it says when, and the Bearer challenge of a 401 (the public API's credentials
 * are bearer tokens: an author's edit token).
 */
export function toApiError(error: DomainError): ApiError {
  const { detail, fields, retryAfterSeconds } = error.options;
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  if (error.kind === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer';
  return new ApiError(STATUS[error.kind], error.code, {
    ...(detail === undefined ? {} : { detail }),
    ...(fields === undefined ? {} : { fields }),
    ...(Object.keys(headers).length ? { headers } : {}),
  });
}

export function validationError(fields: Record<string, FieldIssue>): ApiError {
  return new ApiError(422, 'validation_failed', { fields });
}

/**
 * Maps zod issues to one message key per field (the first issue of each field wins); unknown keys
 * are reported each under its own name as well.
 */
export function zodFields(error: z.ZodError, input: unknown): Record<string, FieldIssue> {
  const fields: Record<string, FieldIssue> = {};
  const unknown: Record<string, FieldIssue> = {};
  for (const issue of error.issues) {
    const name = issue.path.length ? issue.path.join('.') : 'body';
    fields[name] ??= issueToField(issue, valueAt(input, issue.path));
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys) unknown[[...issue.path, key].join('.')] ??= { key: 'unknown_field' };
  }
  return { ...fields, ...unknown };
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path)
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function issueToField(issue: z.core.$ZodIssue, value: unknown): FieldIssue {
  switch (issue.code) {
    case 'invalid_type':
      return { key: value === undefined || value === null ? 'required' : 'invalid_type' };
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? { key: 'required' }
          : { key: 'too_short', params: { min: Number(issue.minimum) } };
      }
      if (issue.origin === 'array') return { key: 'required' };
      return { key: 'too_small', params: { min: Number(issue.minimum) } };
    case 'too_big':
      if (issue.origin === 'string') return { key: 'too_long', params: { max: Number(issue.maximum) } };
      if (issue.origin === 'array') return { key: 'too_many', params: { max: Number(issue.maximum) } };
      return { key: 'too_big', params: { max: Number(issue.maximum) } };
    case 'invalid_format':
      if (issue.format === 'email') return { key: 'invalid_email' };
      if (issue.format === 'url') return { key: 'invalid_url' };
      return { key: 'invalid_value' };
    case 'unrecognized_keys':
      return { key: 'unknown_field' };
    case 'custom':
      return { key: String(issue.params?.key ?? issue.message ?? 'invalid_value') };
    default:
      return { key: 'invalid_value' };
  }
}

/** The 422 of a request part that failed its declared schema: every failing field, each with its message key. */
export const invalidRequest = (error: z.ZodError, input: unknown) => validationError(zodFields(error, input));

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: Record<string, string>;
  [key: string]: unknown;
}

export function toProblem(error: ApiError, lang: Lang, instance?: string): Problem {
  const problem: Problem = {
    type: `https://tamis.dev/problems/${error.code.replace(/_/g, '-')}`,
    title: problemTitle(lang, error.code),
    status: error.status,
    code: error.code,
    ...error.options.extra,
  };
  if (error.options.detail) problem.detail = error.options.detail;
  if (instance) problem.instance = instance;
  if (error.options.fields) {
    problem.errors = Object.fromEntries(
      Object.entries(error.options.fields).map(([field, issue]) => [
        field,
        fieldMessage(lang, issue.key, issue.params),
      ]),
    );
  }
  return problem;
}
