/**
 * What the benchmarks share: a server in a child process on a database file, seeding straight into
 * that file, load scenarios driven by autocannon, and the server's resident memory.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { createHash } from 'node:crypto';
import { deriveKeys, randomId, type Keys } from '../src/crypto';
import type { Db } from '../src/deps';
import { runBatch, type Statement } from '../src/db/batch';
import { chunk } from '../src/db/comments';
import { comments, articles } from '../src/db/schema';
import { renderHtml } from '../src/render';
import { foldForComparison } from '../src/text';

export const SECRET = 'bench-secret-0123456789-0123456789-0123456789';
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

export const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});

export interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a server script in a child process and waits until `ready` answers 200. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): Promise<Server> {
  const ready = '/healthz';
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url + ready)).ok) break;
    } catch {
      /* not yet */
    }
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The production server (built as `npm start` builds it) on a database file, every check and flood control on. */
export function startTamis(databaseFile: string, port: number, nodeArgs: string[] = []) {
  execSync('npm run -s build', { stdio: 'inherit' });
  const env = {
    DATABASE_URL: `file:${databaseFile}`,
    SECRET,
    ADMIN_TOKEN,
    TRUST_PROXY: 'x-forwarded-for',
    LOG_LEVEL: 'warn',
  };
  return startProcess('dist/entry/node.js', env, port, [...startFlags(), ...nodeArgs]);
}

/** The node flags `npm start` uses (its heap limits), read from package.json so both stay one. */
export function startFlags(): string[] {
  const start =
    (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return /\bnode ((?:--[\w-]+(?:=\S+)? )*)dist\//.exec(start)?.[1]?.trim().split(/\s+/) ?? [];
}

/** Resident memory of a process, sampled while `work` runs: the peak, in MB. */
export async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRssMB: number }> {
  let peak = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb);
    } catch {
      /* process gone */
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { result, peakRssMB: Math.round(peak / 1024) };
  } finally {
    clearInterval(timer);
  }
}

export interface Figures {
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  requests: number;
  peakRssMB?: number;
}

export type LoadOptions = Omit<autocannon.Options, 'url'> & { expect?: number[] };

/** Warm-up, then the measured run; errors count failures and unexpected status codes. */
export async function load(url: string, options: LoadOptions, seconds: number, warmup = 2): Promise<Figures> {
  const { expect = [200], ...rest } = options;
  await autocannon({ url, connections: 10, ...rest, duration: warmup });
  const r = await autocannon({ url, connections: 10, ...rest, duration: seconds });
  if (process.env.BENCH_DEBUG) console.error(JSON.stringify(r.statusCodeStats));
  const unexpected = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => !expect.includes(Number(code)))
    .reduce((n, [, s]) => n + (s as { count: number }).count, 0);
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    errors: r.errors + r.timeouts + unexpected,
    requests: r.requests.total,
  };
}

// ---- Seeding ------------------------------------------------------------------------------------

export interface Seeder {
  keys: Keys;
  /** Rows for one article: `top` top-level comments, `replies` replies spread over them. */
  thread(articleId: string, top: number, replies: number, start: number): (typeof comments.$inferInsert)[];
}

export async function seeder(): Promise<Seeder> {
  const keys = await deriveKeys(SECRET);
  // A pool of commenters, so that seeding does not spend its time encrypting.
  const people = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const email = `lecteur${i}@exemple.fr`;
      const ip = `10.${i >> 8}.${i & 255}.7`;
      return {
        email: await keys.encrypt(email),
        emailHash: await keys.hash(email),
        ip: await keys.encrypt(ip),
        ipHash: await keys.hash(ip),
      };
    }),
  );
  let n = 0;
  return {
    keys,
    thread(articleId, top, replies, start) {
      const rows: (typeof comments.$inferInsert)[] = [];
      for (let i = 0; i < top + replies; i++) {
        n++;
        const person = people[n % people.length]!;
        const content = `Commentaire ${n} sur ${articleId} : merci pour cet article, il éclaire bien le sujet. https://exemple.fr/${n}`;
        const id = randomId();
        const parent = i >= top ? rows[(i - top) % top]! : null;
        rows.push({
          id,
          articleId,
          parentId: parent?.id ?? null,
          rootId: parent?.id ?? id,
          depth: parent ? 2 : 1,
          status: 'approved',
          author: `Lecteur ${n % 997}`,
          emailEnc: person.email,
          emailHash: person.emailHash,
          website: null,
          ipEnc: person.ip,
          ipHash: person.ipHash,
          userAgent: BROWSER_UA,
          content,
          contentHash: createHash('sha256').update(foldForComparison(content)).digest('hex'),
          html: renderHtml(content),
          verdict: 'approve',
          score: 0,
          reasons: [],
          staff: false,
          createdAt: start + i * 1000,
          updatedAt: start + i * 1000,
        });
      }
      return rows;
    },
  };
}

/** Inserts rows and their articles with db.batch, in statements of `size` rows. */
export async function insertRows(db: Db, rows: (typeof comments.$inferInsert)[], size = 400) {
  const statements: Statement[] = chunk(rows, size).map((slice) => db.insert(comments).values(slice));
  const byArticle = new Map<string, number>();
  for (const r of rows) byArticle.set(r.articleId, Math.min(byArticle.get(r.articleId) ?? Infinity, r.createdAt));
  for (const [id, first] of byArticle) {
    statements.push(
      db.insert(articles).values({ id, createdAt: first, version: 1, firstCommentAt: first }).onConflictDoNothing(),
    );
  }
  await runBatch(db, statements);
}
