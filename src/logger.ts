import { systemClock, type Clock } from './deps';

/** JSON lines on the console. Callers never pass an email, an IP or a token. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Whether lines of `level` are written: a caller can skip gathering fields nobody reads. */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger of `level` and above; each line's time from `clock` (the entries' own, systemClock, unless said). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => console.log(line),
  clock: Clock = systemClock,
): Logger {
  const at = (l: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Fields) => {
    if (RANK[l] < RANK[level]) return;
    write(JSON.stringify({ time: new Date(clock.now()).toISOString(), level: l, msg, ...fields }));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    enabled: (l) => RANK[l] >= RANK[level],
  };
}

/**
 * An error as it may be logged. drizzle's query errors carry the statement's parameters in their
 * message (a comment's text, its user agent, keyed hashes…); those are left out, the SQL, the
 * driver's own error (its `cause`) and the stack frames kept.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { query?: unknown; params?: unknown };
  if (typeof e.query === 'string' && 'params' in e) {
    const frames = (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    const cause = e.cause === undefined ? '' : `\ncaused by: ${describeError(e.cause)}`;
    return [`${e.name}: Failed query: ${e.query}`, ...frames].join('\n') + cause;
  }
  return e.stack ?? `${e.name}: ${e.message}`;
}

/** A background task whose failure is logged as `background.failed` instead of rejecting unheard. */
export const logFailure = (logger: Logger, task: () => Promise<unknown>): Promise<unknown> =>
  task().catch((error: unknown) => logger.error('background.failed', { error: describeError(error) }));
