import { createApp } from '../../src/app';
import { bootstrap } from '../../src/bootstrap';
import { parseConfig } from '../../src/config';
import type { Deps } from '../../src/deps';
import { openDatabase } from '../../src/entry/node-db';
import { createLogger } from '../../src/logger';
import { TEST_ENV, testClock, type Harness } from './types';

export interface NodeHarness extends Harness {
  deps: Deps;
  /** Background work started by requests, so a test can wait for it. */
  settled(): Promise<void>;
}

/** A fresh app on its own fresh, migrated in-memory libSQL database. */
export async function setup(env: Record<string, string> = {}, url = ':memory:'): Promise<NodeHarness> {
  const config = parseConfig({ ...TEST_ENV, ...env });
  const { db } = await openDatabase(url);
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
  };
  const app = createApp(deps);
  return {
    request: async (path, init) => app.request(path, init),
    clock,
    adminToken: config.ADMIN_TOKEN!,
    deps,
    settled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
