/**
 * npm run bench:scale: the thread GET and POST scenarios on a small database, then on one holding
 * 1,000,000 comments over 10,000 articles (seeded with db.batch), in the same run. Both must stay
 * within 1.5× of the small-database figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY } from '../src/deps';
import { openDatabase } from '../src/entry/node-db';
import { insertRows, machine, seeder, startTamis, type Figures } from './lib';
import { save, scenarios, seedSmall } from './run';

const TOTAL = Number(process.env.SCALE_COMMENTS ?? 1_000_000);
const ARTICLES = Number(process.env.SCALE_ARTICLES ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'tamis-scale-'));

async function measure(file: string, port: number) {
  const server = await startTamis(file, port);
  try {
    return await scenarios(server.url, server.pid, 'bench-thread', [], ['thread', 'post']);
  } finally {
    await server.stop();
  }
}

try {
  const small = join(dir, 'small.db');
  await seedSmall(small);
  console.error('Small database:');
  const before = await measure(small, 18797);

  const large = join(dir, 'large.db');
  await seedSmall(large);
  const { db, client } = await openDatabase(`file:${large}`);
  await client.execute('PRAGMA synchronous = OFF'); // seeding only; the server runs with the shipped pragmas
  const s = await seeder();
  const perArticle = Math.floor(TOTAL / ARTICLES);
  const started = Date.now();
  const start = Date.now() - 30 * DAY;
  for (let a = 0; a < ARTICLES; a += 50) {
    const rows = [];
    for (let k = a; k < Math.min(a + 50, ARTICLES); k++)
      rows.push(
        ...s.thread(`article-${k}`, Math.ceil(perArticle * 0.8), Math.floor(perArticle * 0.2), start + k * 60_000),
      );
    await insertRows(db, rows);
    if ((a / 50) % 10 === 0 || a + 50 >= ARTICLES) {
      const done = Math.min(a + 50, ARTICLES) * perArticle;
      const rate = done / ((Date.now() - started) / 1000);
      process.stderr.write(
        `\r  seeded ${done.toLocaleString('en')} / ${TOTAL.toLocaleString('en')} comments (${Math.round(rate).toLocaleString('en')}/s)   `,
      );
    }
  }
  process.stderr.write('\n');
  client.close();
  console.error(`Database of ${TOTAL.toLocaleString('en')} comments:`);
  const after = await measure(large, 18798);

  const ratio = (name: string, f: (x: Figures) => number) =>
    Math.round((f(after[name]!) / f(before[name]!)) * 100) / 100;
  const result = {
    machine: machine(),
    comments: TOTAL,
    articles: ARTICLES,
    small: before,
    large: after,
    // Slowdown factors (large / small): must stay ≤ 1.5.
    slowdown: {
      threadThroughput: ratio('thread', (x) => 1 / x.requestsPerSecond),
      threadP50: ratio('thread', (x) => x.p50ms),
      postThroughput: ratio('post', (x) => 1 / x.requestsPerSecond),
      postP50: ratio('post', (x) => x.p50ms),
    },
  };
  console.log('| scenario | small req/s | 1M req/s | small p50 ms | 1M p50 ms | slowdown (throughput) |');
  console.log('|---|---|---|---|---|---|');
  for (const name of ['thread', 'post']) {
    const b = before[name]!;
    const l = after[name]!;
    console.log(
      `| ${name} | ${b.requestsPerSecond} | ${l.requestsPerSecond} | ${b.p50ms} | ${l.p50ms} | ${ratio(name, (x) => 1 / x.requestsPerSecond)}× |`,
    );
  }
  save('scale', result);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
