import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Context } from 'hono';
import { type App, createApp } from '../app';
import { bootstrap } from '../bootstrap';
import type { Config } from '../config';
import { systemClock, type Deps } from '../deps';
import { type PlainAnswer, threadShortcut } from '../http/thread-shortcut';
import { createLogger, describeError, logFailure } from '../logger';
import { OUTBOX_POLL_MS, outboxTick } from '../services/outbox';
import { PURGE_INTERVAL_MS, purgeIfDue } from '../services/retention';
import { deriveNodeKeys } from './node-crypto';
import { openDatabase } from './node-db';
import { nodeMailer } from './node-mail';
import { nodeSecret } from './node-secret';

/**
 * The Node server: libSQL (migrations applied), the secret, bootstrap, then serve until SIGTERM or
 * SIGINT (requests in flight finish, the database is closed, exit 0). Run by `node dist/entry/node.js`
 * (`npm start`) and by `tamis serve`.
 */
export async function serveNode(config: Config) {
  const logger = createLogger(config.LOG_LEVEL);
  const { db, client, scrubStorage } = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  // SECRET wins; without it, the key file (node-secret.ts), never the database.
  const secret = config.SECRET ?? (await nodeSecret(db, config, logger));
  const { keys, generatedAdminToken } = await bootstrap(db, config, systemClock.now(), {
    derive: deriveNodeKeys,
    logger,
    secret,
  });
  if (generatedAdminToken) {
    process.stdout.write(
      `\nNo admin token was configured, so one was generated. It is shown only this once:\n\n    ${generatedAdminToken}\n\n` +
        `Use it as "Authorization: Bearer <token>" on /api/v1/admin/*. Only its hash is stored.\n\n`,
    );
  }

  const deps: Deps = {
    db,
    config,
    clock: systemClock,
    logger,
    keys,
    remoteAddress: (c: Context) =>
      (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress,
    defer: (task) => {
      void logFailure(logger, task);
    },
    ...(scrubStorage ? { scrubStorage } : {}),
    ...(config.SMTP_URL ? { mailer: nodeMailer(config.SMTP_URL) } : {}),
  };
  const app = createApp(deps);

  // IPs and user agents older than the retention go even when nobody posts (services/retention.ts).
  const purge = () => deps.defer(() => purgeIfDue(deps));
  purge();
  setInterval(purge, PURGE_INTERVAL_MS).unref();
  // The outbox's loop: what a crash left pending, retries that came due, the hourly digest
  // (services/outbox.ts); writes wake it too, after their response.
  const tick = () => deps.defer(() => outboxTick(deps));
  tick();
  setInterval(tick, OUTBOX_POLL_MS).unref();
  const server = createServer(nodeListener(app, deps));
  server.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    logger.info('listening', {
      url: `http://${config.HOST}:${typeof address === 'object' && address ? address.port : config.PORT}`,
      database: config.DATABASE_URL.split('?')[0]!.replace(/\/\/.*@/, '//'),
    });
  });

  // Stop accepting, let requests in flight finish, close the database, exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    server.close(() => {
      client.close();
      process.exit(0);
    });
    // close() only drops the keep-alive connections idle at this instant; one that finishes its
    // request later would hold the exit for the keep-alive timeout (5 s). Drop those as they idle.
    setInterval(() => server.closeIdleConnections(), 100).unref();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Writes an answer of the shortcut as it is. */
function write(res: ServerResponse, plain: PlainAnswer) {
  res.writeHead(plain.status, plain.headers);
  res.end(plain.body ?? undefined);
}

/** How many writes start in one turn of the event loop (see inTurns): the best rate of 2 to 32 measured (README). */
const WRITES_PER_TURN = 16;

/**
 * Lets callers start a few at a time, `perTurn` in one turn of the event loop, first come first
 * served; the next few start two turns later, once the group before has been committed.
 *
 * A write's checks hold the main thread about a millisecond. Node reads every request that came in
 * together in one go: 30 posts were checked back to back before any was committed, and each group's
 * answers then waited for the event loop to come back to its WAL sync (node-client.ts), behind the
 * next 30. Admitted a few at a time, the loop comes back between groups: syncs are answered as they
 * complete, reads in between, and a write waits for the writes before it, not for whole bursts.
 */
export function inTurns(perTurn: number): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let armed = false;
  const release = () => {
    for (const start of waiting.splice(0, perTurn)) start();
    armed = waiting.length > 0;
    // Two turns: the group just started is committed in the next one (its batch's setImmediate).
    if (armed) setImmediate(() => setImmediate(release));
  };
  return () =>
    new Promise<void>((start) => {
      waiting.push(start);
      if (!armed) {
        armed = true;
        setImmediate(release);
      }
    });
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The server's request listener: hono's Node adapter, behind the thread-read shortcut
 * (src/http/thread-shortcut.ts), which answers the commonest read without building a web Request.
 * Writes start a few at a time (inTurns).
 */
export function nodeListener(app: App, deps: Deps, { shortcut = true } = {}): RequestListener {
  const hono = getRequestListener(app.fetch);
  const turn = inTurns(WRITES_PER_TURN);
  const honoListener = (req: IncomingMessage, res: ServerResponse) => {
    if (READS.has(req.method ?? '')) return hono(req, res);
    return turn().then(() => hono(req, res));
  };
  if (!shortcut) return honoListener;
  const answer = threadShortcut(deps);
  return (req: IncomingMessage, res: ServerResponse) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const fail = (error: unknown) => {
      // Nothing written yet: the app answers (and reports what went wrong its own way).
      if (!res.headersSent) return honoListener(req, res);
      deps.logger.error('thread read failed', { error: describeError(error) });
      res.destroy();
    };
    let plain: ReturnType<typeof answer>;
    try {
      // From the read cache, the answer comes at once: written in this turn, without a promise.
      plain = answer(req.method ?? '', req.url ?? '', header);
      if (plain && !(plain instanceof Promise)) return write(res, plain);
    } catch (error) {
      return fail(error);
    }
    if (plain === null) return honoListener(req, res);
    plain.then((answered) => (answered ? write(res, answered) : honoListener(req, res))).catch(fail);
  };
}
