/** What the database drivers' errors mean, whichever driver threw them (libSQL, D1). */

/**
 * True when the database gave up waiting for a lock (SQLite's busy timeout ran out): the request
 * may succeed a moment later, so it is answered 503 with Retry-After rather than 500.
 */
export const isDatabaseBusy = (error: unknown) =>
  anyCause(
    error,
    (e) => (e as { code?: unknown }).code === 'SQLITE_BUSY' || /\bSQLITE_BUSY\b|database is locked/.test(e.message),
  );

/** Does the message of the error, or of one of the errors that caused it, match `pattern`? */
export const hasMessage = (error: unknown, pattern: RegExp) => anyCause(error, (e) => pattern.test(e.message));

/** True when a write broke a unique index: two identical requests at once, the second one lost. */
export const isUniqueViolation = (error: unknown) => hasMessage(error, /UNIQUE constraint failed/);

/** Does the error, or one of the errors that caused it (drivers wrap theirs), pass the test? */
function anyCause(error: unknown, test: (e: Error) => boolean): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}
