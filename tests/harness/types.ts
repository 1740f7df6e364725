/** What every API test gets, whatever runtime it runs in (Node + libSQL, or workerd + D1). */
export interface Harness {
  /** Sends a request through the whole app, as `app.request` does. */
  request(path: string, init?: RequestInit): Promise<Response>;
  clock: TestClock;
  /** A live admin token of this database. */
  adminToken: string;
}

export interface TestClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export const START = Date.parse('2026-11-28T12:00:00.000Z');

export function testClock(start = START): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** Raw environment for tests: client IPs come from X-Forwarded-For so each test can pick them. */
export const TEST_ENV: Record<string, string> = {
  TRUST_PROXY: 'x-forwarded-for',
  ADMIN_TOKEN: 'test-admin-token-0123456789',
  SECRET: 'test-secret-0123456789-0123456789-0123456789',
  LOG_LEVEL: 'silent',
};
