/**
 * Node server vs `wrangler dev` (workerd + local D1) on this machine, in one run:
 *
 *   npm run bench:edge [-- --n 300 --comments 50]
 *
 * For each runtime, one after the other (so they do not compete for the CPU):
 *   1. a fresh database (a temp libSQL file for Node; a temp --persist-to folder for wrangler dev,
 *      migrated with `wrangler d1 migrations apply --local`);
 *   2. start, seed one article with --comments comments through the public API (form token, then
 *      POST; a third top-level, the rest replies), stop;
 *   3. start again, cold, and poll GET thread every 20 ms: "first response" is the time from spawn to
 *      the first 200, "first request" the latency of that request alone;
 *   4. 20 warm-up GETs, then --n sequential GETs of the thread: median, p90, p99; then the same
 *      for /healthz (one `select 1`), to tell the transport's cost from the thread's queries.
 *
 * Node runs the source under tsx (as `npm run dev` does; `npm start` runs a built bundle); the edge
 * what `npm run dev:edge` runs (wrangler dev). Figures are for this machine only; nothing here is asserted by tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, BROWSER_UA, quantile, SECRET } from './lib';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = arg('n', 300);
const COMMENTS = arg('comments', 50);
const ARTICLE = 'bench-article';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

interface Runtime {
  name: string;
  /** Prepares an empty, migrated database; returns what start() needs. */
  prepare(): { start(port: number): ChildProcess; cleanup(): void };
}

const node: Runtime = {
  name: 'Node (tsx src/entry/node.ts, libSQL file)',
  prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'tamis-bench-node-'));
    return {
      start: (port) =>
        spawn(bin('tsx'), ['src/entry/node.ts'], {
          cwd: root,
          detached: true,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: {
            ...process.env,
            PORT: String(port),
            HOST: '127.0.0.1',
            DATABASE_URL: `file:${join(dir, 'tamis.db')}`,
            ADMIN_TOKEN,
            SECRET,
            TRUST_PROXY: 'x-forwarded-for',
            LOG_LEVEL: 'warn',
          },
        }),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const edge: Runtime = {
  name: 'wrangler dev (workerd, local D1)',
  prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'tamis-bench-d1-'));
    const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' };
    const migrate = spawnSync(bin('wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    if (migrate.status !== 0)
      throw new Error(`wrangler d1 migrations apply failed:\n${migrate.stdout}\n${migrate.stderr}`);
    return {
      start: (port) =>
        spawn(
          bin('wrangler'),
          [
            'dev',
            '--port',
            String(port),
            '--ip',
            '127.0.0.1',
            '--persist-to',
            dir,
            '--show-interactive-dev-session=false',
            '--log-level',
            'warn',
            '--var',
            `ADMIN_TOKEN:${ADMIN_TOKEN}`,
            '--var',
            `SECRET:${SECRET}`,
            '--var',
            'TRUST_PROXY:x-forwarded-for',
            '--var',
            'LOG_LEVEL:warn',
          ],
          { cwd: root, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env },
        ),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid!, 'SIGTERM'); // its own process group: wrangler's workerd, tsx's node
  } catch {
    return;
  }
  await Promise.race([exited, sleep(5_000)]);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Polls `url` until a 200; returns the time from `since` and the latency of that last request. */
async function firstOk(url: string, since: number, child: ChildProcess, stderr: () => string) {
  const deadline = since + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${stderr()}`);
    const sent = performance.now();
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return { sinceStart: performance.now() - since, latency: performance.now() - sent };
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`no 200 from ${url} within 60 s:\n${stderr()}`);
}

async function seed(base: string) {
  const forms = [];
  for (let i = 0; i < COMMENTS; i++) {
    const res = await fetch(`${base}/api/v1/articles/${ARTICLE}/form`);
    if (res.status !== 200) throw new Error(`form: ${res.status} ${await res.text()}`);
    forms.push((await res.json()) as { token: string; minSeconds: number });
  }
  await sleep(forms[0]!.minSeconds * 1000 + 500);
  const ids: string[] = [];
  const topLevel = Math.ceil(COMMENTS / 3);
  for (let i = 0; i < COMMENTS; i++) {
    const parentId = i < topLevel ? undefined : ids[(i * 7) % ids.length];
    const res = await fetch(`${base}/api/v1/articles/${ARTICLE}/comments`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': BROWSER_UA,
        'X-Forwarded-For': `198.51.100.${i + 1}`,
      },
      body: JSON.stringify({
        token: forms[i]!.token,
        author: `Lectrice ${i}`,
        email: `lectrice.${i}@bench.example`,
        content: `Commentaire numéro ${i} : une remarque argumentée sur le fond de cet article, avec assez de texte pour ressembler à une vraie réponse.`,
        ...(parentId ? { parentId } : {}),
      }),
    });
    const body = (await res.json()) as { comment?: { id: string; status: string } };
    if (res.status !== 201 || body.comment?.status !== 'approved')
      throw new Error(`seed ${i}: ${res.status} ${JSON.stringify(body)}`);
    ids.push(body.comment.id);
  }
  const thread = (await (await fetch(`${base}/api/v1/articles/${ARTICLE}/comments`)).json()) as { total: number };
  if (thread.total !== COMMENTS) throw new Error(`seeded ${COMMENTS}, thread total ${thread.total}`);
}

async function measure(runtime: Runtime) {
  const db = runtime.prepare();
  try {
    const launch = async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const started = performance.now();
      const child = db.start(port);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      return { child, base, started, stderr: () => err };
    };

    // Seed through the API, then stop, so that the measured start is a cold one on a seeded database.
    const first = await launch();
    try {
      await firstOk(`${first.base}/healthz`, first.started, first.child, first.stderr);
      await seed(first.base);
    } finally {
      await stop(first.child);
    }

    const run = await launch();
    try {
      const thread = `${run.base}/api/v1/articles/${ARTICLE}/comments`;
      const cold = await firstOk(thread, run.started, run.child, run.stderr);
      const series = async (url: string) => {
        for (let i = 0; i < 20; i++) await (await fetch(url)).arrayBuffer();
        const times: number[] = [];
        let bytes = 0;
        for (let i = 0; i < N; i++) {
          const t = performance.now();
          const res = await fetch(url);
          bytes = (await res.arrayBuffer()).byteLength;
          times.push(performance.now() - t);
          if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
        }
        times.sort((a, b) => a - b);
        return { median: quantile(times, 0.5), p90: quantile(times, 0.9), p99: quantile(times, 0.99), bytes };
      };
      const steady = await series(thread);
      // One `select 1`: what the transport and the runtime cost, apart from the thread's queries.
      const health = await series(`${run.base}/healthz`);
      return { cold, ...steady, health: health.median };
    } finally {
      await stop(run.child);
    }
  } finally {
    db.cleanup();
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const rows: string[] = [];
for (const runtime of [node, edge]) {
  process.stderr.write(`${runtime.name}: seeding ${COMMENTS} comments, then ${N} GETs…\n`);
  const r = await measure(runtime);
  rows.push(
    `| ${runtime.name} | ${ms(r.cold.sinceStart)} | ${ms(r.cold.latency)} | ${ms(r.median)} | ${ms(r.p90)} | ${ms(r.p99)} | ${(r.bytes / 1024).toFixed(1)} KiB | ${ms(r.health)} |`,
  );
}
process.stdout.write(
  [
    `GET /api/v1/articles/${ARTICLE}/comments, ${COMMENTS} comments, ${N} sequential requests after 20 warm-up, same machine, one run`,
    '',
    '| runtime | spawn → first 200 | first request | thread median | p90 | p99 | body | /healthz median |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
