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
 * Measures each request (tests/harness/worker.ts, with the metered D1 binding): `open` when it starts;
 * the meter it gives holds its background work and closes after the answer.
 */
export interface RequestMeter {
  open(request: Request): { hold(work: Promise<unknown>): void; close(): void };
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
  meter?: RequestMeter,
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
  // A request's background work is held by its meter, found by its Request object.
  const meters = new WeakMap<Request, ReturnType<RequestMeter['open']>>();
  const app = createApp(deps, (c) => {
    const m = meters.get(c.req.raw);
    return m ? { defer: (task) => deps.defer(() => held(m, task())) } : {};
  });
  const held = (m: ReturnType<RequestMeter['open']>, work: Promise<unknown>) => {
    m.hold(work);
    return work;
  };
  return {
    request: async (path, init) => {
      if (!meter) return app.request(path, init);
      // The URL as app.request builds it from a path (new URL(path, base) reads '/\\x' as another host).
      const request = new Request(/^https?:\/\//.test(path) ? path : `http://localhost${path}`, init);
      const m = meter.open(request);
      meters.set(request, m);
      let res: Response;
      try {
        res = await app.request(request);
      } catch (error) {
        m.close();
        throw error;
      }
      // A streamed export runs its queries while the body is read: the meter closes at its end.
      if (!res.body || !res.headers.get('content-type')?.startsWith('application/x-ndjson')) {
        m.close();
        return res;
      }
      const body = res.body.pipeThrough(new TransformStream({ flush: () => m.close() }));
      return new Response(body, res);
    },
    app,
    clock,
    adminToken: config.ADMIN_TOKEN!,
    deps,
    settled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
