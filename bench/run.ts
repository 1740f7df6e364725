/**
 * npm run bench: the Node server on a database file with production settings, under load.
 * Scenarios: thread GET, the same from a page on another origin (Origin header), the same with
 * If-None-Match (304), POST, counts, a 95/5 read/post mix;
 * beside them the ceilings: a bare Hono route serving the same bytes, and a raw libSQL insert loop.
 * Results: a table on stdout and JSON under bench/results/.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { DAY } from '../src/deps';
import { openDatabase, PRAGMAS } from '../src/entry/node-db';
import {
  BROWSER_UA,
  insertRows,
  load,
  machine,
  peakRss,
  seeder,
  startFlags,
  startProcess,
  startTamis,
  type Figures,
} from './lib';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export interface Scenario extends Figures {
  name: string;
  ceiling: string;
  ratio: number;
}

/** The five scenarios against a running server; `thread` is the article with 50 comments. */
export async function scenarios(url: string, pid: number, thread: string, countIds: string[], only?: string[]) {
  const api = `${url}/api/v1`;
  const threadUrl = `${api}/articles/${encodeURIComponent(thread)}/comments?limit=100`;
  const out: Record<string, Figures> = {};
  const run = async (name: string, target: string, options: Parameters<typeof load>[1]) => {
    if (only && !only.includes(name)) return;
    const { result, peakRssMB } = await peakRss(pid, () => load(target, options, SECONDS));
    out[name] = { ...result, peakRssMB };
    console.error(
      `  ${name}: ${result.requestsPerSecond} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, errors ${result.errors}, peak RSS ${peakRssMB} MB`,
    );
  };

  // Posting like a browser: a form token per article fetched beforehand, a unique text, email and IP per request.
  const articles = Array.from({ length: 100 }, (_, i) => `bench-post-${i}`);
  // A form token serves one comment, as a browser fetches one per form: enough for every post of
  // the POST and mix scenarios (about 1,000 a second), fetched beforehand.
  const perArticle = Number(process.env.BENCH_TOKENS_PER_ARTICLE ?? Math.ceil((SECONDS + 4) * 15));
  const fetchToken = async (a: string) =>
    ((await (await fetch(`${api}/articles/${a}/form`)).json()) as { token: string }).token;
  const tokens: string[][] = articles.map(() => []);
  for (let round = 0; round < perArticle; round++) {
    const fresh = await Promise.all(articles.map(fetchToken));
    for (const [i, token] of fresh.entries()) tokens[i]!.push(token);
  }
  await new Promise((r) => setTimeout(r, 3_200)); // past minSeconds
  let n = 0;
  const postRequest = (req: Record<string, unknown>) => {
    n++;
    const i = n % articles.length;
    return {
      ...req,
      method: 'POST',
      path: `/api/v1/articles/${articles[i]}/comments`,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': BROWSER_UA,
        'X-Forwarded-For': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      },
      body: JSON.stringify({
        author: `Lecteur ${n}`,
        email: `lecteur.${n}.${process.pid}@exemple.fr`,
        content: `Commentaire numéro ${n} : je trouve cet article très juste, merci pour le travail de fond (${process.pid}).`,
        token: tokens[i]![Math.floor(n / articles.length) % perArticle],
      }),
    };
  };

  await run('thread', threadUrl, {});
  // As a browser on the article's page asks: cross-origin, with an Origin header.
  await run('threadOrigin', threadUrl, { headers: { Origin: 'https://journal.example' } });
  const etag = (await fetch(threadUrl)).headers.get('etag')!;
  await run('thread304', threadUrl, { headers: { 'If-None-Match': etag }, expect: [304] });
  await run('post', `${api}/articles/x/comments`, {
    requests: [{ setupRequest: postRequest as never }],
    expect: [201],
  });
  await run('counts', `${api}/counts?${countIds.map((id) => `article=${id}`).join('&')}`, {});
  const threadPath = `${new URL(threadUrl).pathname}?limit=100`;
  await run('mix', threadUrl, {
    requests: [
      {
        setupRequest: ((req: Record<string, unknown>) =>
          Math.random() < 0.05
            ? postRequest(req)
            : { ...req, method: 'GET', path: threadPath, headers: {}, body: undefined }) as never,
      },
    ],
    expect: [200, 201],
  });
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

export function report(figures: Record<string, Figures>, ceilings: { hono: number; insert: number }) {
  const ceilingOf: Record<string, [string, number]> = {
    thread: ['bare Hono', ceilings.hono],
    threadOrigin: ['bare Hono', ceilings.hono],
    thread304: ['bare Hono', ceilings.hono],
    post: ['raw insert', ceilings.insert],
    counts: ['bare Hono', ceilings.hono],
    mix: ['bare Hono', ceilings.hono],
  };
  const rows: Scenario[] = Object.entries(figures).map(([name, f]) => {
    const [ceiling, value] = ceilingOf[name]!;
    return { name, ...f, ceiling, ratio: Math.round((f.requestsPerSecond / value) * 100) / 100 };
  });
  console.log('| scenario | req/s | p50 ms | p99 ms | errors | peak RSS MB | ceiling | ratio |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.requestsPerSecond} | ${r.p50ms} | ${r.p99ms} | ${r.errors} | ${r.peakRssMB} | ${r.ceiling} | ${Math.round(r.ratio * 100)} % |`,
    );
  }
  console.log(`| ceiling: bare Hono, same bytes | ${ceilings.hono} | | | | | | |`);
  console.log(`| ceiling: raw libSQL insert loop | ${ceilings.insert} | | | | | | |`);
  return rows;
}

export function save(name: string, data: unknown) {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nSaved ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = mkdtempSync(join(tmpdir(), 'tamis-bench-'));
  try {
    console.error(`Seeding ${dir} …`);
    const { thread, countIds } = await seedSmall(join(dir, 'tamis.db'));
    const server = await startTamis(join(dir, 'tamis.db'), 18787);
    console.error(`Tamis on ${server.url}, ${SECONDS} s per scenario after a warm-up`);
    const figures = await scenarios(server.url, server.pid, thread, countIds);
    const body = Buffer.from(
      await (await fetch(`${server.url}/api/v1/articles/${thread}/comments?limit=100`)).arrayBuffer(),
    );
    await server.stop();

    writeFileSync(join(dir, 'thread.json'), body);
    execSync(
      'npx esbuild bench/ceiling-server.ts --bundle --platform=node --format=esm --packages=external --outfile=dist/bench/ceiling-server.js --log-level=warning',
    );
    // The same node flags as the server: the same stack, only without Tamis.
    const bare = await startProcess(
      'dist/bench/ceiling-server.js',
      { BODY_FILE: join(dir, 'thread.json') },
      18788,
      startFlags(),
    );
    const hono = (await load(`${bare.url}/thread`, {}, SECONDS)).requestsPerSecond;
    await bare.stop();
    const insert = await rawInsertCeiling(join(dir, 'raw.db'), SECONDS);
    console.error(`  ceilings: bare Hono ${hono} req/s, raw insert ${insert} rows/s`);

    const rows = report(figures, { hono, insert });
    save('bench', {
      machine: machine(),
      seconds: SECONDS,
      date: new Date().toISOString(),
      threadBytes: body.length,
      ceilings: { hono, insert },
      scenarios: rows,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
