/**
 * npm run bench: the Node server on a database file with production settings, under load from
 * wrk (2 threads, 32 connections, a warm-up then BENCH_SECONDS measured), BENCH_RUNS rounds.
 * Scenarios: thread GET, the same from a page on another origin (Origin header), the same with
 * If-None-Match (304), POST, counts, a 95/5 read/post mix; beside them the ceilings of the same
 * round: a bare Hono route serving the same bytes (measured before and after the scenarios), and a
 * raw libSQL insert loop. Each figure has the client's CPU beside the server's, so that a figure the
 * client held down shows as such. Results: medians with their spread on stdout, JSON under bench/results/.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createClient } from '@libsql/client';
import { DAY } from '../src/deps';
import { openDatabase, PRAGMAS } from '../src/entry/node-db';
import {
  CONNECTIONS,
  ensureWrk,
  insertRows,
  load,
  type LoadOptions,
  machine,
  peakRss,
  seeder,
  startFlags,
  startProcess,
  startTamis,
  THREADS,
  type Figures,
} from './lib';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Form tokens for the posting scenarios: one per comment, fetched beforehand as a browser fetches one per form. */
async function fetchTokens(api: string, count: number, file: string) {
  const articles = Array.from({ length: 100 }, (_, i) => `bench-post-${i}`);
  const lines: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const article = articles[next++ % articles.length]!;
      const { token } = (await (await fetch(`${api}/articles/${article}/form`)).json()) as { token: string };
      lines.push(`${article} ${token}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The scenarios against a running server; `thread` is the article with 50 comments. */
export async function scenarios(url: string, pid: number, thread: string, countIds: string[], only?: string[]) {
  const api = `${url}/api/v1`;
  const threadUrl = `${api}/articles/${encodeURIComponent(thread)}/comments?limit=100`;
  const out: Record<string, Figures> = {};
  const wanted = (name: string) => !only || only.includes(name);
  let offset = 0; // tokens used so far
  const run = async (name: string, target: string, options: LoadOptions) => {
    if (!wanted(name)) return;
    const { result, peakRssMB } = await peakRss(pid, () => load(target, options, SECONDS, { serverPid: pid, offset }));
    offset += result.used;
    const { used, ...figures } = result;
    out[name] = { ...figures, peakRssMB };
    console.error(
      `  ${name}: ${figures.requestsPerSecond} req/s, p50 ${figures.p50ms} ms, p99 ${figures.p99ms} ms, errors ${figures.errors}, CPU client ${figures.clientCpu} % server ${figures.serverCpu} %, peak RSS ${peakRssMB} MB`,
    );
  };

  const tokens = join(mkdtempSync(join(tmpdir(), 'tamis-tokens-')), 'tokens.txt');
  if (wanted('post') || wanted('mix')) {
    // Enough for about 2,500 posts a second (a warm-up and the measured run) and the mix's 5 %.
    await fetchTokens(api, Number(process.env.BENCH_TOKENS ?? (SECONDS + 2) * 3_000), tokens);
    await new Promise((r) => setTimeout(r, 3_200)); // past minSeconds
  }
  const runId = `${process.pid}${Date.now() % 100_000}`; // one word: the text stays as French as the article (see plainlyIn)
  const posting = (readShare = 0) => ({
    file: 'bench/wrk/post.lua',
    args: (from: number) => [
      tokens,
      String(from),
      runId,
      String(THREADS),
      String(readShare),
      new URL(threadUrl).pathname + new URL(threadUrl).search,
    ],
  });

  await run('thread', threadUrl, {});
  // As a browser on the article's page asks: cross-origin, with an Origin header.
  await run('threadOrigin', threadUrl, { headers: { Origin: 'https://journal.example' } });
  const etag = (await fetch(threadUrl)).headers.get('etag')!;
  await run('thread304', threadUrl, { headers: { 'If-None-Match': etag } });
  await run('post', `${url}/`, { script: posting() });
  await run('counts', `${api}/counts?${countIds.map((id) => `article=${id}`).join('&')}`, {});
  await run('mix', `${url}/`, { script: posting(0.95) });
  rmSync(dirname(tokens), { recursive: true, force: true });
  return out;
}

/** What the storage allows: sequential inserts of the same rows with plain @libsql/client and the same pragmas. */
async function rawInsertCeiling(file: string, seconds: number) {
  const { client: setup } = await openDatabase(`file:${file}`);
  setup.close();
  const client = createClient({ url: `file:${file}` });
  for (const pragma of PRAGMAS) await client.execute(pragma);
  const s = await seeder();
  const rows = s.thread('raw', 2000, 0, Date.now());
  const columns = [
    'id',
    'article_id',
    'parent_id',
    'root_id',
    'depth',
    'status',
    'author',
    'email_enc',
    'email_hash',
    'website',
    'ip_enc',
    'ip_hash',
    'user_agent',
    'content',
    'content_hash',
    'html',
    'verdict',
    'score',
    'reasons',
    'staff',
    'created_at',
    'updated_at',
  ];
  const sql = `INSERT INTO comments (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  let i = 0;
  const insert = async () => {
    const r = rows[i++ % rows.length]!;
    await client.execute({
      sql,
      args: [
        `${r.id}${i}`,
        `raw-${i % 100}`,
        null,
        `${r.id}${i}`,
        1,
        'approved',
        r.author,
        r.emailEnc,
        r.emailHash,
        null,
        r.ipEnc!,
        r.ipHash!,
        r.userAgent!,
        `${r.content} ${i}`,
        `${r.contentHash}${i}`,
        r.html,
        'approve',
        0,
        '[]',
        0,
        Date.now(),
        Date.now(),
      ],
    });
  };
  const until = Date.now() + 1000;
  while (Date.now() < until) await insert(); // warm-up
  const start = Date.now();
  let count = 0;
  while (Date.now() - start < seconds * 1000) {
    await insert();
    count++;
  }
  client.close();
  return Math.round(count / ((Date.now() - start) / 1000));
}

/** Seeds the thread (40 top-level + 10 replies) and 20 articles for counts into a migrated file. */
export async function seedSmall(file: string) {
  const { db, client } = await openDatabase(`file:${file}`);
  const s = await seeder();
  const start = Date.now() - DAY;
  await insertRows(db, s.thread('bench-thread', 40, 10, start));
  for (let i = 0; i < 20; i++) await insertRows(db, s.thread(`bench-count-${i}`, 3, 2, start));
  client.close();
  return { thread: 'bench-thread', countIds: Array.from({ length: 20 }, (_, i) => `bench-count-${i}`) };
}

const CEILING_OF: Record<string, 'hono' | 'insert'> = {
  thread: 'hono',
  threadOrigin: 'hono',
  thread304: 'hono',
  post: 'insert',
  counts: 'hono',
  mix: 'hono',
};

export interface Round {
  figures: Record<string, Figures>;
  /**
   * The bare Hono ceiling before and after the scenarios, the same with every header Tamis sends
   * (measured once, after), and the raw insert loop.
   */
  ceilings: { honoBefore: number; honoAfter: number; honoHeaders: number; insert: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 100) / 100;
};
const spread = (xs: number[]) => (xs.length > 1 ? `${Math.min(...xs)}–${Math.max(...xs)}` : '');

/** Medians over the rounds, with their spread; each ratio is against the ceiling of its own round. */
export function report(rounds: Round[]) {
  const hono = (r: Round) => (r.ceilings.honoBefore + r.ceilings.honoAfter) / 2;
  const rows = Object.keys(rounds[0]!.figures).map((name) => {
    const of = (f: (x: Figures) => number | undefined) => rounds.map((r) => f(r.figures[name]!) ?? 0);
    const ratios = rounds.map((r) => {
      const ceiling = CEILING_OF[name] === 'hono' ? hono(r) : r.ceilings.insert;
      return Math.round((r.figures[name]!.requestsPerSecond / ceiling) * 100) / 100;
    });
    return {
      name,
      requestsPerSecond: median(of((x) => x.requestsPerSecond)),
      requestsPerSecondSpread: spread(of((x) => x.requestsPerSecond)),
      p50ms: median(of((x) => x.p50ms)),
      p99ms: median(of((x) => x.p99ms)),
      p99msSpread: spread(of((x) => x.p99ms)),
      errors: Math.max(...of((x) => x.errors)),
      clientCpu: median(of((x) => x.clientCpu)),
      serverCpu: median(of((x) => x.serverCpu)),
      peakRssMB: Math.max(...of((x) => x.peakRssMB)),
      ceiling: CEILING_OF[name] === 'hono' ? 'bare Hono' : 'raw insert',
      ratio: median(ratios),
      ratioSpread: spread(ratios),
    };
  });
  console.log(
    '| scenario | req/s (median, spread) | p50 ms | p99 ms (spread) | errors | CPU client / server | peak RSS MB | ratio to ceiling (spread) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.requestsPerSecond} (${r.requestsPerSecondSpread}) | ${r.p50ms} | ${r.p99ms} (${r.p99msSpread}) | ${r.errors} | ${r.clientCpu} % / ${r.serverCpu} % | ${r.peakRssMB} | ${r.ratio}× ${r.ceiling} (${r.ratioSpread}) |`,
    );
  }
  const honos = rounds.flatMap((r) => [r.ceilings.honoBefore, r.ceilings.honoAfter]);
  const inserts = rounds.map((r) => r.ceilings.insert);
  const withHeaders = rounds.map((r) => r.ceilings.honoHeaders);
  console.log(
    `| ceiling: bare Hono, same bytes (before and after, each round) | ${median(honos)} (${spread(honos)}) | | | | | | |`,
  );
  console.log(
    `| ceiling: bare Hono, same bytes and every header Tamis sends with them | ${median(withHeaders)} (${spread(withHeaders)}) | | | | | | |`,
  );
  console.log(`| ceiling: raw libSQL insert loop | ${median(inserts)} (${spread(inserts)}) | | | | | | |`);
  return rows;
}

export function save(name: string, data: unknown) {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nSaved ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureWrk();
  const RUNS = Number(process.env.BENCH_RUNS ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'tamis-bench-'));
  try {
    execSync(
      'npx esbuild bench/ceiling-server.ts --bundle --platform=node --format=esm --packages=external --outfile=dist/bench/ceiling-server.js --log-level=warning',
    );
    const rounds: Round[] = [];
    let threadBytes = 0;
    for (let round = 1; round <= RUNS; round++) {
      const file = join(dir, `tamis-${round}.db`);
      console.error(`Round ${round} of ${RUNS}: seeding ${file} …`);
      const { thread, countIds } = await seedSmall(file);
      const server = await startTamis(file, 18787);
      const answer = await fetch(`${server.url}/api/v1/articles/${thread}/comments?limit=100`);
      const body = Buffer.from(await answer.arrayBuffer());
      threadBytes = body.length;
      writeFileSync(join(dir, 'thread.json'), body);
      // Its headers but those Node writes itself.
      const written = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
      const headers = Object.fromEntries([...answer.headers].filter(([name]) => !written.has(name)));
      writeFileSync(join(dir, 'headers.json'), JSON.stringify(headers));
      // The same node flags as the server: the same stack, only without Tamis.
      const bare = await startProcess(
        'dist/bench/ceiling-server.js',
        { BODY_FILE: join(dir, 'thread.json'), HEADERS_FILE: join(dir, 'headers.json') },
        18788,
        startFlags(),
      );
      const ceiling = async (path = '/thread') =>
        (await load(`${bare.url}${path}`, {}, SECONDS, { serverPid: bare.pid })).requestsPerSecond;
      const honoBefore = await ceiling();
      console.error(
        `Tamis on ${server.url}, ${SECONDS} s per scenario after a warm-up; bare Hono before: ${honoBefore} req/s`,
      );
      const figures = await scenarios(server.url, server.pid, thread, countIds, process.env.BENCH_ONLY?.split(','));
      await server.stop();
      const honoAfter = await ceiling();
      const honoHeaders = await ceiling('/thread-headers');
      await bare.stop();
      const insert = await rawInsertCeiling(join(dir, `raw-${round}.db`), SECONDS);
      console.error(
        `  ceilings: bare Hono ${honoBefore} then ${honoAfter} req/s (${honoHeaders} with Tamis's headers), raw insert ${insert} rows/s`,
      );
      rounds.push({ figures, ceilings: { honoBefore, honoAfter, honoHeaders, insert } });
    }

    const rows = report(rounds);
    save('bench', {
      machine: machine(),
      seconds: SECONDS,
      client: { tool: 'wrk', threads: THREADS, connections: CONNECTIONS },
      date: new Date().toISOString(),
      threadBytes,
      scenarios: rows,
      rounds,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
