import { BROWSER_UA } from '../harness/client';
import { openFile, sleep, startServer, stopServer, tempDatabase, type Server } from './server';

/**
 * The crash test: the real server on a file database, comments posted continuously by concurrent
 * clients, `kill -9` in the middle, restart. Every comment answered 201 must be in the file
 * afterwards and `PRAGMA integrity_check` must say `ok`. Used by `npm run test:crash`
 * (scripts/crash-test.ts, several rounds) and by tests/node/crash.test.ts (one short round).
 */

export interface CrashOptions {
  rounds: number;
  /** Concurrent clients posting in a loop. */
  clients: number;
  /** The kill comes at a random moment between these many milliseconds after the load started. */
  killAfterMs: [number, number];
  log?: (line: string) => void;
}

export interface RoundFigures {
  round: number;
  killedAfterMs: number;
  tried: number;
  acknowledged: number;
  serverErrors: number;
  /** Other 4xx/3xx answers (none expected). */
  otherStatuses: Record<number, number>;
  /** Requests cut off by the kill: no answer, so nothing was promised. */
  cutOff: number;
  found: number;
  missing: string[];
  /** Rows that were written although their answer never reached the client (allowed). */
  storedUnanswered: number;
  integrity: string;
}

export interface CrashFigures {
  rounds: RoundFigures[];
  totals: {
    tried: number;
    acknowledged: number;
    serverErrors: number;
    cutOff: number;
    found: number;
    missing: number;
    rows: number;
  };
  integrity: string;
  ok: boolean;
}

let sequence = 0;
function nextSubmission(round: number) {
  const n = ++sequence;
  return {
    article: `crash-${n % 25}`,
    ip: `10.${round}.${(n >> 8) & 255}.${n & 255}`,
    body: {
      author: `Lecteur ${n}`,
      email: `lecteur.${round}.${n}@crash.example`,
      content: `Commentaire ${round}-${n} : envoyé pendant le test de panne, il doit survivre s'il a reçu 201.`,
    },
  };
}

/** Posts in a loop until `stop()`; the kill turns every request in flight into a connection error. */
async function client(
  server: Server,
  round: number,
  state: { stopped: boolean; figures: RoundFigures; acked: string[] },
) {
  while (!state.stopped) {
    const s = nextSubmission(round);
    state.figures.tried++;
    try {
      const res = await fetch(`${server.url}/api/v1/articles/${s.article}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': s.ip },
        body: JSON.stringify(s.body),
      });
      const text = await res.text();
      if (res.status === 201) {
        state.acked.push((JSON.parse(text) as { comment: { id: string } }).comment.id);
        state.figures.acknowledged++;
      } else if (res.status >= 500) {
        state.figures.serverErrors++;
      } else {
        state.figures.otherStatuses[res.status] = (state.figures.otherStatuses[res.status] ?? 0) + 1;
      }
    } catch {
      // The connection died with the server: no answer, no promise.
      state.figures.cutOff++;
      return;
    }
  }
}

async function readIds(url: string) {
  const file = openFile(url);
  try {
    const ids = new Set((await file.execute('SELECT id FROM comments')).rows.map((r) => String(r.id)));
    const integrity = String((await file.execute('PRAGMA integrity_check')).rows[0]![0]);
    return { ids, integrity };
  } finally {
    file.close();
  }
}

export async function runCrashTest(options: CrashOptions): Promise<CrashFigures> {
  const log = options.log ?? (() => undefined);
  const db = tempDatabase('tamis-crash-');
  const rounds: RoundFigures[] = [];
  const allAcked: string[] = [];
  let server: Server | undefined;
  try {
    server = await startServer(db.url, { LOG_LEVEL: 'info' });
    for (let round = 1; round <= options.rounds; round++) {
      const [min, max] = options.killAfterMs;
      const killAfter = Math.round(min + Math.random() * (max - min));
      const state = {
        stopped: false,
        acked: [] as string[],
        figures: {
          round,
          killedAfterMs: killAfter,
          tried: 0,
          acknowledged: 0,
          serverErrors: 0,
          otherStatuses: {},
          cutOff: 0,
          found: 0,
          missing: [],
          storedUnanswered: 0,
          integrity: '',
        } as RoundFigures,
      };
      const running = Promise.all(Array.from({ length: options.clients }, () => client(server!, round, state)));
      await sleep(killAfter);
      server.proc.kill('SIGKILL');
      await server.exited;
      state.stopped = true;
      await running;

      // Restart on the same file: the server recovers the WAL and must answer again.
      server = await startServer(db.url, { LOG_LEVEL: 'info' });
      const health = await fetch(`${server.url}/healthz`);
      if (health.status !== 200) throw new Error(`healthz answered ${health.status} after the restart`);

      const { ids, integrity } = await readIds(db.url);
      const f = state.figures;
      allAcked.push(...state.acked);
      f.found = state.acked.filter((id) => ids.has(id)).length;
      f.missing = state.acked.filter((id) => !ids.has(id));
      f.integrity = integrity;
      f.storedUnanswered = ids.size - allAcked.length - rounds.reduce((n, r) => n + r.storedUnanswered, 0);
      rounds.push(f);
      log(
        `round ${round}: kill -9 after ${killAfter} ms; tried ${f.tried}, acknowledged ${f.acknowledged}, 5xx ${f.serverErrors}, ` +
          `cut off ${f.cutOff}, found after restart ${f.found}/${f.acknowledged}, stored but unanswered ${f.storedUnanswered}, ` +
          `integrity_check ${integrity}${Object.keys(f.otherStatuses).length ? `, other answers ${JSON.stringify(f.otherStatuses)}` : ''}`,
      );
    }
    const exitCode = await stopServer(server);
    server = undefined;
    const final = await readIds(db.url);
    const totals = {
      tried: rounds.reduce((n, r) => n + r.tried, 0),
      acknowledged: allAcked.length,
      serverErrors: rounds.reduce((n, r) => n + r.serverErrors, 0),
      cutOff: rounds.reduce((n, r) => n + r.cutOff, 0),
      found: allAcked.filter((id) => final.ids.has(id)).length,
      missing: allAcked.filter((id) => !final.ids.has(id)).length,
      rows: final.ids.size,
    };
    log(
      `total: ${options.rounds} kills; tried ${totals.tried}, acknowledged ${totals.acknowledged}, 5xx ${totals.serverErrors}, ` +
        `cut off ${totals.cutOff}, found ${totals.found}/${totals.acknowledged}, rows ${totals.rows}, ` +
        `integrity_check ${final.integrity}, last stop exit code ${exitCode}`,
    );
    const ok =
      totals.missing === 0 &&
      totals.serverErrors === 0 &&
      final.integrity === 'ok' &&
      rounds.every((r) => r.integrity === 'ok' && Object.keys(r.otherStatuses).length === 0) &&
      exitCode === 0;
    return { rounds, totals, integrity: final.integrity, ok };
  } finally {
    if (server) await stopServer(server, 'SIGKILL');
    db.remove();
  }
}
