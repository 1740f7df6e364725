import { createClient } from '@libsql/client/web';
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web';
import { createApp } from '../app';
import { bootstrap } from '../bootstrap';
import { ConfigError, parseConfig, type Config } from '../config';
import type { Keys } from '../crypto';
import * as schema from '../db/schema';
import { systemClock, type Db, type Deps } from '../deps';
import { createLogger, describeError, logFailure, type Logger } from '../logger';
import { outboxTick } from '../services/outbox';
import { purgeIfDue } from '../services/retention';
import { readCache } from '../db/read-cache';
import { cachedThread, forgetThreads, threadArticle } from './worker-cache';
import { crossed, Meter, meteredD1 } from './worker-limits';
import { workerMailer } from './worker-mail';

/**
 * Cloudflare Workers entry. The bindings arrive with each request, so the dependencies are built
 * per request (cheap: a drizzle wrapper over the D1 binding, or an HTTP client for Turso).
 * Only the bootstrap result — the keys derived from the secret — is kept per isolate; it holds no
 * request state. Migrations are applied by `wrangler d1 migrations apply` (D1) or by the Node
 * migrator against Turso (docs/edge.md), never at request time.
 */

/** The Workers env: the generated bindings plus the settings of src/config.ts, all optional. */
export type WorkerEnv = Partial<Env> & Partial<Record<keyof Config, string>>;

/**
 * The database: the D1 binding `DB` when there is one, else libSQL over HTTP (Turso). Both are a
 * `Db` (db/database.ts): the same query builder and `batch()`.
 */
function openWorkerDatabase(env: WorkerEnv, config: Config, meters: Set<Meter> | null): Db {
  if (env.DB) return drizzleD1(meters ? meteredD1(env.DB, meters) : env.DB, { schema });
  if (!/^(libsql|https?):\/\//.test(config.DATABASE_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  DB: no D1 binding, and DATABASE_URL is not a libsql:// or https:// URL (Turso); see docs/edge.md',
    );
  }
  const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  return drizzleLibsql(client, { schema });
}

/**
 * On Workers the client IP is CF-Connecting-IP, which Cloudflare sets; TRUST_PROXY defaults to it.
 * SECRET is required: a Worker has no file of its own to keep a generated one in, and keeping it in
 * the database would put the key beside the data it decrypts.
 */
function workerConfig(env: WorkerEnv): Config {
  const raw: Record<string, unknown> = { ...env };
  if (typeof raw.TRUST_PROXY !== 'string' || raw.TRUST_PROXY === '') raw.TRUST_PROXY = 'cf-connecting-ip';
  const config = parseConfig(raw);
  if (!config.SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  SECRET: required on Workers (at least 32 characters; it keys the encryption of emails and IPs): ' +
        'set it with `npx wrangler secret put SECRET` (for wrangler dev, in .dev.vars); see docs/edge.md',
    );
  }
  return config;
}

/** The bootstrap of an isolate's database: its keys (appFor keeps the result, or tries again after a failure). */
async function keysFor(db: Db, config: Config, logger: Logger, database: string): Promise<Keys> {
  const { keys, generatedAdminToken } = await bootstrap(db, config, systemClock.now(), { logger });
  if (generatedAdminToken) {
    // Printed once (the next isolate finds a live token in the database), as the Node entry does.
    // Prefer setting ADMIN_TOKEN with `wrangler secret put`.
    console.log(
      `No admin token was configured, so one was generated. It is shown only this once: ${generatedAdminToken}`,
    );
  }
  logger.info('bootstrapped', { database });
  return keys;
}

class Unavailable extends Error {}

/**
 * The dependencies of an isolate: config and database from its env (the same object for every
 * request of an isolate), keys from the bootstrap. What belongs to one request, deferring work to
 * its waitUntil, is given per request.
 */
async function isolateDeps(env: WorkerEnv, meters: Set<Meter>): Promise<Deps> {
  const config = workerConfig(env);
  const db = openWorkerDatabase(env, config, config.DEBUG_LIMITS ? meters : null);
  const logger = createLogger(config.LOG_LEVEL);
  const keys = await keysFor(db, config, logger, env.DB ? 'd1' : 'libsql').catch((error: unknown) => {
    logger.error('bootstrap.failed', { error: describeError(error) });
    throw new Unavailable('bootstrap failed', { cause: error });
  });
  return {
    db,
    config,
    clock: systemClock,
    logger,
    keys,
    remoteAddress: (c) => c.req.header('cf-connecting-ip'),
    ...(config.SMTP_URL ? { mailer: workerMailer(config.SMTP_URL) } : {}),
    defer: (task) => {
      void logFailure(logger, task);
    },
  };
}

const deferTo =
  (ctx: { waitUntil(promise: Promise<unknown>): void }, logger: Logger) => (task: () => Promise<unknown>) =>
    ctx.waitUntil(logFailure(logger, task));

/**
 * One app per isolate and env (its caches of settings and thread pages live as long). `meters`: the
 * requests being measured, with DEBUG_LIMITS.
 */
const apps = new WeakMap<WorkerEnv, Promise<Isolate>>();

interface Isolate {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  meters: Set<Meter>;
  /** With EDGE_CACHE: the location's cache, and the articles written since the last answer. */
  edge: { cache: Cache; written: string[] } | null;
}

/** The Cache API's default cache, where the platform has one (workerd; not Node). */
const defaultCache = () => (globalThis as { caches?: { default?: Cache } }).caches?.default ?? null;

function appFor(env: WorkerEnv) {
  let built = apps.get(env);
  if (!built) {
    const meters = new Set<Meter>();
    built = isolateDeps(env, meters).then((deps) => {
      const cache = deps.config.EDGE_CACHE ? defaultCache() : null;
      const edge = cache ? { cache, written: [] as string[] } : null;
      if (edge) readCache(deps.db).onWrite = (ids) => edge.written.push(...ids);
      return {
        deps,
        meters,
        edge,
        app: createApp(deps, (c) => ({ defer: deferTo(c.executionCtx, deps.logger) })),
      };
    });
    built.catch(() => apps.delete(env));
    apps.set(env, built);
  }
  return built;
}

function problem(status: number, title: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' },
  });
}

/**
 * With DEBUG_LIMITS (wrangler dev): the request through a meter of its D1 statements and time, its
 * waitUntil work included, logged as one `limits` line when all is over (with what it crossed).
 */
function measured(isolate: Isolate, request: Request, env: WorkerEnv, ctx: ExecutionContext) {
  const meter = new Meter(isolate.meters);
  const url = new URL(request.url);
  void meter.cost.then((cost) =>
    isolate.deps.logger.warn('limits', {
      method: request.method,
      route: url.pathname,
      ...cost,
      overFree: crossed(cost, 'free'),
      overPaid: crossed(cost, 'paid'),
    }),
  );
  const held: ExecutionContext = {
    waitUntil: (work) => {
      meter.hold(work);
      ctx.waitUntil(work);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
    get props() {
      return ctx.props;
    },
    get exports() {
      return ctx.exports;
    },
  };
  return served(isolate, request, env, held).finally(() => meter.close());
}

/**
 * The app's answer; with the edge cache, a thread read from the location's cache when it can, and
 * after any other request the cache entries of the threads it wrote to forgotten before it answers.
 */
async function served({ app, edge }: Isolate, request: Request, env: WorkerEnv, ctx: ExecutionContext) {
  const answer = async () => app.fetch(request, env, ctx);
  if (!edge) return answer();
  const articleId = threadArticle(request);
  if (articleId !== null) return cachedThread(edge.cache, request, articleId, answer, (work) => ctx.waitUntil(work));
  const res = await answer();
  if (edge.written.length) await forgetThreads(edge.cache, edge.written.splice(0));
  return res;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let built: Isolate;
    try {
      built = await appFor(env);
    } catch (error) {
      if (error instanceof Unavailable) return problem(503, 'Unavailable');
      // A bad setting: say which one in the logs, not to the client.
      console.error(error instanceof ConfigError ? error.message : describeError(error));
      return problem(500, 'Misconfigured');
    }
    if (built.deps.config.DEBUG_LIMITS) return measured(built, request, env, ctx);
    return served(built, request, env, ctx);
  },

  /**
   * Cron Trigger (wrangler.toml, every minute): the outbox (what is due, retries, the hourly digest,
   * the purge of sent rows) and the hourly purge of IPs and user agents past their retention.
   */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const { deps } = await appFor(env);
    const scheduled = { ...deps, defer: deferTo(ctx, deps.logger) };
    await Promise.all([outboxTick(scheduled), purgeIfDue(scheduled)]);
  },
} satisfies ExportedHandler<WorkerEnv>;
