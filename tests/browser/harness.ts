/**
 * The browser tests' harness: a real Tamis server built as `npm start` builds it, behind a small
 * proxy that gives each request a client address of its own (as a real proxy's X-Forwarded-For
 * would, with TRUST_PROXY=x-forwarded-for), a static page server on another origin (listed in
 * ALLOWED_ORIGINS, so that CORS and the write-origin rules work as on a real site), and Debian's
 * Chromium driven by playwright-core (never a downloaded browser), with a desktop browser's user
 * agent (the spam checks rightly count "HeadlessChrome" as automation).
 *
 *   const site = await startSite();            // one per test file (beforeAll)
 *   site.page('/a.html', html)                 // a page on the other origin, at site.pages + path
 *   const page = await site.newPage();         // a fresh context (own localStorage) and page
 *   await site.admin('PATCH', '/settings', {…}) // the admin API, with the admin token
 *   await axeScan(page)                        // serious or critical violations
 *   await site.close();                        // afterAll
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ADMIN_TOKEN = 'browser-admin-token-0123456789';
/** A desktop Chrome's user agent (without "Headless"). */
export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** Where the tests write their screenshots (git-ignored). */
export const SCREENSHOTS = join(ROOT, 'tests/browser/screenshots');

export interface Site {
  /** The Tamis server as browsers reach it (through the proxy): `${api}/embed.js`, `${api}/admin`. */
  api: string;
  /** The Tamis server itself (no proxy: every request from 127.0.0.1). */
  direct: string;
  /** The other origin's base URL (no trailing slash). */
  pages: string;
  browser: Browser;
  /** Serves `body` at `pages + path` (text/html, or another type); a function makes it anew for each request. */
  page(path: string, body: string | ((url: URL) => string | Promise<string>), type?: string): string;
  /** A new browser context (its own storage) and a page in it. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** The admin API (`/api/v1/admin` + path) with the admin token; the JSON answer, or throws on a failure. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Everything the server wrote so far. */
  output(): string;
  close(): Promise<void>;
}

export interface SiteOptions {
  /** More environment for the server (ALLOWED_ORIGINS is the pages' origin unless given). */
  env?: Record<string, string>;
}

const listen = (server: Server) =>
  new Promise<string>((done) =>
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
const closeServer = (server: Server) =>
  new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

/**
 * The server bundle, built as `npm run build` builds it (the front ends first), into a folder of its
 * own under dist/ (so that test files building at once do not overwrite each other's).
 */
async function buildServer(): Promise<string> {
  const web = spawnSync('npm', ['run', '-s', 'build:web'], { cwd: ROOT, encoding: 'utf8' });
  if (web.status !== 0) throw new Error(`npm run build:web failed:\n${web.stdout}\n${web.stderr}`);
  const outdir = join(ROOT, 'dist', `browser-${process.pid}-${randomBytes(4).toString('hex')}`);
  await build({
    entryPoints: [join(ROOT, 'src/entry/node.ts')],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir,
    logLevel: 'warning',
  });
  return outdir;
}

function startServer(entry: string, cwd: string, env: Record<string, string>) {
  const proc: ChildProcess = spawn(process.execPath, ['--max-old-space-size=96', '--max-semi-space-size=4', entry], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  const url = new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}`)), 30_000);
    proc.stdout!.on('data', () => {
      const match = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`server exited before listening:\n${out}`));
    });
  });
  return { proc, url, exited, output: () => out };
}

/**
 * A proxy in front of the server, as a site's would be: each request gets a client address of its
 * own in X-Forwarded-For (public addresses, never the same twice in a row), so that the flood
 * control sees many readers rather than one 127.0.0.1.
 */
function startProxy(target: string) {
  const to = new URL(target);
  let n = 0;
  return createServer((req, res) => {
    n++;
    const ip = `2.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`;
    const headers = { ...req.headers, 'x-forwarded-for': ip };
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
}

export async function startSite(options: SiteOptions = {}): Promise<Site> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: \`apt-get install -y chromium\` (Debian), or set CHROMIUM_PATH`);
  }
  const data = mkdtempSync(join(tmpdir(), 'tamis-browser-'));
  const statics = new Map<string, { body: string | ((url: URL) => string | Promise<string>); type: string }>();
  const pageServer = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const found = statics.get(url.pathname);
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof found.body === 'string' ? found.body : await found.body(url);
    res.writeHead(200, { 'Content-Type': `${found.type}; charset=utf-8`, 'Cache-Control': 'no-store' }).end(body);
  });
  const pages = await listen(pageServer);

  const outdir = await buildServer();
  const server = startServer(join(outdir, 'node.js'), data, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `file:${join(data, 'tamis.db')}`,
    SECRET: 'browser-secret-0123456789-0123456789-0123456789',
    ADMIN_TOKEN,
    TRUST_PROXY: 'x-forwarded-for',
    LOG_LEVEL: 'info',
    ALLOWED_ORIGINS: pages,
    ...options.env,
  });
  let direct: string;
  try {
    direct = await server.url;
  } catch (error) {
    server.proc.kill('SIGKILL');
    throw error;
  }
  const proxy = startProxy(direct);
  const api = await listen(proxy);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];

  return {
    api,
    direct,
    pages,
    browser,
    page(path, body, type = 'text/html') {
      statics.set(path, { body, type });
      return pages + path;
    },
    async newPage(contextOptions = {}) {
      const context = await browser.newContext({
        userAgent: DESKTOP_UA,
        locale: 'fr-FR',
        viewport: { width: 1280, height: 900 },
        ...contextOptions,
      });
      contexts.push(context);
      return context.newPage();
    },
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${direct}/api/v1/admin${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    output: server.output,
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close().catch(() => {});
      await Promise.all([closeServer(proxy), closeServer(pageServer)]);
      server.proc.kill('SIGTERM');
      await server.exited;
      rmSync(outdir, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** A posted comment through the proxy from a script (no browser): a fresh form token, minSeconds waited by the caller. */
export interface Seeded {
  id: string;
  status: string;
}

/**
 * Posts comments as many readers would (one form token each, one client address each, a browser's
 * user agent), waiting the form's minimum time once for all; then approves any the checks held.
 */
export async function seed(
  site: Site,
  article: string,
  comments: { author: string; content: string; parentId?: string }[],
): Promise<Seeded[]> {
  const base = `${site.api}/api/v1/articles/${encodeURIComponent(article)}`;
  const forms = await Promise.all(
    comments.map(() => fetch(`${base}/form`).then((r) => r.json() as Promise<{ token: string; minSeconds: number }>)),
  );
  await new Promise((r) => setTimeout(r, (forms[0]?.minSeconds ?? 3) * 1000 + 100));
  const out: Seeded[] = [];
  // In order, so that createdAt follows the list (the thread's order).
  for (const [i, c] of comments.entries()) {
    const res = await fetch(`${base}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': DESKTOP_UA, 'Accept-Language': 'fr-FR,fr;q=0.9' },
      body: JSON.stringify({
        ...c,
        email: `${c.author.toLowerCase().replace(/\W+/g, '.')}@exemple.fr`,
        token: forms[i]!.token,
      }),
    });
    if (res.status !== 201) throw new Error(`seed: ${res.status} ${await res.text()}`);
    const { comment } = (await res.json()) as { comment: { id: string; status: string } };
    out.push(comment);
  }
  const held = out.filter((c) => c.status !== 'approved').map((c) => c.id);
  if (held.length) await site.admin('POST', '/comments/bulk', { ids: held, status: 'approved' });
  return out;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * axe-core's scan of the page (shadow roots included), injected through the DevTools protocol, so
 * a page's strict CSP does not stop it. Returns the serious and critical violations.
 */
export async function axeScan(page: Page, include?: string): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (selector) => {
    const axe = (
      window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(selector ? { include: [selector] } : document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, include ?? null);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A screenshot under tests/browser/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string, fullPage = true) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
