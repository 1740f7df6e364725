/**
 * What the benchmarks share: a server in a child process on a database file, seeding straight into
 * that file, load scenarios driven by wrk, and the server's resident memory and CPU time.
 */
import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
  cwd = process.cwd(),
): Promise<Server> {
  const ready = '/healthz';
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd,
  });
  // A bench that fails half way must not leave its servers running (and holding its output).
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
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

/**
 * The production server (built as `npm start` builds it) on a database file, every check and flood
 * control on. BENCH_TAMIS_DIR: another checkout's server instead (its `npm run build`, or
 * `build:node` in older trees), to compare two commits with the same client in one sitting.
 */
export function startTamis(databaseFile: string, port: number, nodeArgs: string[] = []) {
  const dir = process.env.BENCH_TAMIS_DIR ?? process.cwd();
  const scripts = (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  execSync(`npm run -s ${scripts.build ? 'build' : 'build:node'}`, { stdio: 'inherit', cwd: dir });
  const env = {
    DATABASE_URL: `file:${databaseFile}`,
    SECRET,
    ADMIN_TOKEN,
    TRUST_PROXY: 'x-forwarded-for',
    LOG_LEVEL: 'warn',
  };
  return startProcess('dist/entry/node.js', env, port, [...startFlags(dir), ...nodeArgs], dir);
}

/** The node flags `npm start` uses (its heap limits), read from package.json so both stay one. */
export function startFlags(dir = process.cwd()): string[] {
  const start =
    (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start ??
    '';
  return /\bnode ((?:--[\w-]+(?:=\S+)? )*)dist\//.exec(start)?.[1]?.trim().split(/\s+/) ?? [];
}

/** The value at quantile `q` (0 to 1) of a sorted list: the nearest rank at or below it. */
export const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

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
  /** CPU time of the load generator (wrk) and of the server, in % of one core over the measured run. */
  clientCpu?: number;
  serverCpu?: number;
}

/** wrk's shape of the load: two client threads, 32 connections (the measurement from outside). */
export const THREADS = 2;
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

/**
 * The load generator: wrk (Debian's package; a C client that drives the ceiling's 30 KB answers far
 * past what a Node client can, so that a figure is the server's, not the client's). Installed here
 * when it is missing and the machine allows it (root with apt-get), as the bench cannot run without it.
 */
export function ensureWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return;
  } catch (error) {
    // wrk --version exits 1 after printing its version: it is there.
    if ((error as { status?: number }).status === 1) return;
  }
  console.error('wrk is missing: installing it (apt-get install -y wrk) …');
  try {
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'npm run bench needs wrk: install it (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk).',
    );
  }
}

/** One scenario's request, for wrk: a method, headers, and a Lua script when each request differs. */
export interface LoadOptions {
  headers?: Record<string, string>;
  /** A wrk Lua script (request(), setup(), done()); `args` go to its init(). */
  script?: { file: string; args?: (offset: number) => string[] };
  /** Responses outside 2xx/3xx count as errors (wrk's "Non-2xx or 3xx responses"). */
}

const ms = (value: string, unit: string) => Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);

/** Utime + stime of a process so far, in ms (Linux /proc; 0 elsewhere or once it is gone). */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

interface WrkRun extends Figures {
  /** What the script's done() printed: how many requests each thread generated (for tokens). */
  generated: number;
}

/** One wrk run; `times` (the shell's) gives the CPU time wrk used. */
function wrk(url: string, options: LoadOptions, seconds: number, offset: number, serverPid?: number): Promise<WrkRun> {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.script) args.push('-s', options.script.file);
  args.push(url);
  if (options.script?.args) args.push('--', ...options.script.args(offset));
  const before = serverPid ? processCpuMs(serverPid) : 0;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'wrk "$@" && times', 'sh', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      if (process.env.BENCH_DEBUG) console.error(out);
      const server = serverPid ? processCpuMs(serverPid) - before : 0;
      const latency = (p: string) => {
        const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
        return m ? Math.round(ms(m[1]!, m[2]!) * 100) / 100 : Number.NaN;
      };
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      // `times`: the shell's own times, then its children's (wrk's): user and system.
      const children =
        out
          .trim()
          .split('\n')
          .at(-1)!
          .match(/(\d+)m([\d.]+)s/g) ?? [];
      const clientMs = children.reduce((sum, t) => {
        const [, m, sec] = /(\d+)m([\d.]+)s/.exec(t)!;
        return sum + (Number(m) * 60 + Number(sec)) * 1000;
      }, 0);
      resolve({
        requestsPerSecond: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
        p50ms: latency('50'),
        p99ms: latency('99'),
        errors: non2xx + (socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0),
        requests,
        clientCpu: Math.round((clientMs / (seconds * 1000)) * 100),
        serverCpu: Math.round((server / (seconds * 1000)) * 100),
        generated: Number(/^generated (\d+)$/m.exec(out)?.[1] ?? requests),
      });
    });
  });
}

/**
 * A warm-up, then the measured run; errors count socket errors and answers outside 2xx/3xx.
 * Scripts that use up tokens get an offset past what the warm-up used.
 */
export async function load(
  url: string,
  options: LoadOptions,
  seconds: number,
  { warmup = 2, serverPid, offset = 0 }: { warmup?: number; serverPid?: number; offset?: number } = {},
): Promise<Figures & { used: number }> {
  const warm = await wrk(url, options, warmup, offset);
  const run = await wrk(url, options, seconds, offset + warm.generated, serverPid);
  const { generated, ...figures } = run;
  if (process.env.BENCH_DEBUG) console.error(JSON.stringify(figures));
  return { ...figures, used: warm.generated + generated };
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
