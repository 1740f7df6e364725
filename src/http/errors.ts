import type { z } from 'zod';
import { fieldMessage, problemTitle, type Lang } from './i18n';

/** A field failure, before translation: a message key and its parameters. */
export interface FieldIssue {
  key: string;
  params?: Record<string, string | number>;
}

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

/**
 * True when the database gave up waiting for a lock (SQLite's busy timeout ran out): the request
 * may succeed a moment later, so it is answered 503 with Retry-After rather than 500.
 */
export const isDatabaseBusy = (error: unknown) =>
  anyCause(error, (e) => (e as { code?: unknown }).code === 'SQLITE_BUSY' || /\bSQLITE_BUSY\b|database is locked/.test(e.message));

/** True when a write broke a unique index: two identical requests at once, the second one lost. */
export const isUniqueViolation = (error: unknown) => anyCause(error, (e) => /UNIQUE constraint failed/.test(e.message));

/** Does the error, or one of the errors that caused it (drivers wrap theirs), pass the test? */
function anyCause(error: unknown, test: (e: Error) => boolean): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}

export const notFound = (code = 'not_found') => new ApiError(404, code);

export function validationError(fields: Record<string, FieldIssue>): ApiError {
  return new ApiError(422, 'validation_failed', { fields });
}

/**
 * Maps zod issues to one message key per field (the first issue of each field wins); unknown keys
 * are reported each under its own name as well.
 */
function zodFields(error: z.ZodError, input: unknown): Record<string, FieldIssue> {
  const fields: Record<string, FieldIssue> = {};
  const unknown: Record<string, FieldIssue> = {};
  for (const issue of error.issues) {
    const name = issue.path.length ? issue.path.join('.') : 'body';
    fields[name] ??= issueToField(issue, valueAt(input, issue.path));
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) unknown[[...issue.path, key].join('.')] ??= { key: 'unknown_field' };
  }
  return { ...fields, ...unknown };
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function issueToField(issue: z.core.$ZodIssue, value: unknown): FieldIssue {
  switch (issue.code) {
    case 'invalid_type':
      return { key: value === undefined || value === null ? 'required' : 'invalid_type' };
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? { key: 'required' } : { key: 'too_short', params: { min: Number(issue.minimum) } };
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

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(zodFields(result.error, input));
}

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
      Object.entries(error.options.fields).map(([field, issue]) => [field, fieldMessage(lang, issue.key, issue.params)]),
    );
  }
  return problem;
}
