import { createApp, type App } from '../../src/app';
import { bootstrap } from '../../src/bootstrap';
import { parseConfig } from '../../src/config';
import type { Db, Deps } from '../../src/deps';
import { createLogger } from '../../src/logger';
import { TEST_ENV, testClock, type Harness } from './types';

export interface AppHarness extends Harness {
  deps: Deps;
  /** The app itself: its routes and its route declarations. */
  app: App;
  /** Background work started by requests, so a test can wait for it. */
  settled(): Promise<void>;
}

/**
 * The part both runtimes share: the app built with createApp on a fresh, migrated database that the
 * runtime's harness opened (libSQL in node.ts, D1 in worker.ts), a test clock and the test config;
 * `platform`: what the runtime's entry adds (the Node entry's storage scrub on a database file).
 */
export async function harnessOn(
  db: Db,
  env: Record<string, string> = {},
  platform: Pick<Deps, 'scrubStorage' | 'mailer'> = {},
): Promise<AppHarness> {
  const config = parseConfig({ ...TEST_ENV, ...env });
  const clock = testClock();
  const { keys } = await bootstrap(db, config, clock.now());
  const pending = new Set<Promise<unknown>>();
  const deps: Deps = {
    db,
    config,
    clock,
    keys,
    logger: createLogger(config.LOG_LEVEL),
    defer: (task) => {
      const p = task().catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    ...platform,
  };
  const app = createApp(deps);
  return {
    request: async (path, init) => app.request(path, init),
    app,
    clock,
    adminToken: config.ADMIN_TOKEN!,
    deps,
    settled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
