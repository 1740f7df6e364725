import { execFile, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_UA } from '../harness/client';
import { TEST_ENV } from '../harness/types';
import { ROOT, openFile } from './server';

/**
 * The production build and the `tamis` command, as an operator runs them: `npm run build` once (what
 * a production install runs before `npm prune --omit=dev`), then the bundles in dist/entry/ spawned
 * with `node`, from a working directory elsewhere, with an environment that holds only what each
 * test gives it (and PATH).
 */

const CLI = join(ROOT, 'dist/entry/cli.js');
const SERVER = join(ROOT, 'dist/entry/node.js');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const MIGRATIONS = (
  JSON.parse(readFileSync(join(ROOT, 'migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: ROOT });
}, 60_000);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** A new empty working directory. */
function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'tamis-cli-'));
  dirs.push(dir);
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI to its end; `env` is the whole environment (with PATH). */
function tamis(args: string[], { cwd, env = {} }: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH!, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') fail(error);
        else done({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

interface Running {
  url: string;
  output(): string;
  stop(): Promise<number | string>;
}
const running: Running[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
});

/** Starts a bundled server (`node dist/entry/node.js`, or `tamis serve`) on a free port. */
async function serve(command: string[], { cwd, env }: { cwd: string; env: Record<string, string> }): Promise<Running> {
  const proc = spawn(process.execPath, command, {
    cwd,
    env: { PATH: process.env.PATH!, LOG_LEVEL: 'info', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | string>((done) =>
    proc.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  const server: Running = {
    url: '',
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  running.push(server);
  server.url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no server after 20 s:\n${out}`)), 20_000);
    proc.stdout.on('data', () => {
      const match = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}):\n${out}`));
    });
  });
  return server;
}

describe('the build', () => {
  it('bundles the server and the tamis command, importing only runtime dependencies: no tsx, no esbuild at run time', () => {
    expect(pkg.bin).toEqual({ tamis: 'dist/entry/cli.js' });
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    for (const tool of ['esbuild', 'tsx']) {
      expect(pkg.dependencies).not.toHaveProperty(tool);
      expect(pkg.devDependencies).toHaveProperty(tool);
    }
    // What the bundles leave to node_modules (--packages=external), from the build's own metafile.
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as {
      outputs: Record<string, { entryPoint?: string; imports: { path: string; external?: boolean }[] }>;
    };
    const entries = Object.entries(meta.outputs).flatMap(([file, out]) =>
      out.entryPoint ? [[out.entryPoint, file]] : [],
    );
    // (The commands' modules, imported when a command runs, are entry points of the split bundle too.)
    expect(Object.fromEntries(entries)).toMatchObject({
      'src/entry/node.ts': 'dist/entry/node.js',
      'src/entry/node-cli.ts': 'dist/entry/cli.js',
    });
    // Every piece of the split bundle sits in dist/entry/, two levels under the migrations it finds (node-db.ts).
    const bundles = Object.keys(meta.outputs).filter((file) => file.endsWith('.js'));
    for (const file of bundles) expect(file).toMatch(/^dist\/entry\/[^/]+\.js$/);
    const packages = new Set<string>();
    for (const file of bundles) {
      for (const { path, external } of meta.outputs[file]!.imports) {
        if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue;
        packages.add(path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]!);
      }
    }
    expect(packages.size).toBeGreaterThan(3);
    for (const name of packages)
      expect(Object.keys(pkg.dependencies), `${name}, imported by the build`).toContain(name);
  });
});

// Each run is a new Node process (0.2-0.5 s, more when the two cores are busy).
describe('tamis: the command line', { timeout: 30_000 }, () => {
  it('--help for itself and for each command; a command line it does not understand is exit code 2, before any database is opened', async () => {
    const cwd = workdir();
    const env = { DATABASE_URL: `file:${join(cwd, 'never.db')}`, SECRET: TEST_ENV.SECRET! };
    const run = (...args: string[]) => tamis(args, { cwd, env });

    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'token create <name>', 'rotate-secret', 'backup <file>'])
      expect(help.stdout).toContain(`  ${command} `);
    expect(help.stdout).toContain('.env');
    const helps = await Promise.all(
      [['serve'], ['migrate'], ['token'], ['token', 'create'], ['rotate-secret'], ['backup']].map(async (command) => ({
        command,
        run: await run(...command, '--help'),
      })),
    );
    for (const { command, run: r } of helps) {
      expect(r.code, command.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: tamis ${command.join(' ')}\\b`));
    }
    expect((await run('backup', '--help')).stdout).toMatch(
      /secret\.key[\s\S]*NOT in the copy|NOT in the copy[\s\S]*secret\.key/,
    );
    expect((await run('help', 'token', 'create')).stdout).toMatch(/^Usage: tamis token create <name>/);
    expect(await run('--version')).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });

    const refused: [string[], RegExp][] = [
      [[], /^Usage: tamis <command>/],
      [['frob'], /unknown command "frob"[\s\S]*tamis --help/],
      [['toString'], /unknown command "toString"/],
      [['--frob'], /unknown option "--frob"/],
      [['migrate', '--frob'], /unknown option "--frob"\.\nRun "tamis migrate --help"/],
      [['migrate', 'now'], /unexpected argument "now"/],
      [['rotate-secret', '--dry-run=yes'], /does not take an argument/],
      [['backup'], /<file> is missing[\s\S]*tamis backup --help/],
      [['backup', 'a.db', 'b.db'], /unexpected argument "b\.db"/],
      [['token'], /^Usage: tamis token <command>/],
      [['token', 'create'], /<name> is missing/],
      [['token', 'revoke', 'x'], /unknown command "tamis token revoke"/],
      [['token', 'create', ' \t '], /the name must be 1 to 100 characters/],
      [['help', 'frob'], /no help for "frob"/],
    ];
    const results = await Promise.all(refused.map(([args]) => run(...args)));
    refused.forEach(([args, message], i) => {
      expect(results[i]!.code, args.join(' ')).toBe(2);
      expect(results[i]!.stderr, args.join(' ')).toMatch(message);
      expect(results[i]!.stdout).toBe('');
    });
    expect(existsSync(join(cwd, 'never.db'))).toBe(false);
  });

  it('migrate applies the migrations to DATABASE_URL and exits, from any working directory (they are found from dist/)', async () => {
    const cwd = workdir();
    const env = { DATABASE_URL: `file:${join(cwd, 'db/tamis.db')}` };
    const first = await tamis(['migrate'], { cwd, env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`${MIGRATIONS} migration(s) applied: the database has all ${MIGRATIONS}`);
    expect((await tamis(['migrate'], { cwd, env })).stdout).toContain(
      `0 migration(s) applied: the database has all ${MIGRATIONS}`,
    );
    const db = openFile(env.DATABASE_URL);
    try {
      expect((await db.execute('SELECT count(*) AS n FROM __drizzle_migrations')).rows[0]!.n).toBe(MIGRATIONS);
      expect((await db.execute('SELECT count(*) AS n FROM comments')).rows[0]!.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('.env in the working directory is read; a variable set in the environment wins over it, even empty', async () => {
    const cwd = workdir();
    writeFileSync(
      join(cwd, '.env'),
      `# read by every tamis command\nDATABASE_URL=file:./from-file.db\nSECRET="too short"\n`,
    );

    // Both set in the environment: the file's values are not used.
    const overridden = await tamis(['migrate'], { cwd, env: { DATABASE_URL: 'file:./from-env.db', SECRET: '' } });
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(existsSync(join(cwd, 'from-env.db'))).toBe(true);
    expect(existsSync(join(cwd, 'from-file.db'))).toBe(false);
    // Neither: both come from the file, whose SECRET the configuration refuses, naming it.
    const fromFile = await tamis(['migrate'], { cwd });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toMatch(/Invalid configuration:\n {2}SECRET: must be at least 32 characters/);
    // SECRET set empty in the environment wins over the file's; DATABASE_URL comes from the file.
    const mixed = await tamis(['migrate'], { cwd, env: { SECRET: '' } });
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(existsSync(join(cwd, 'from-file.db'))).toBe(true);
  });

  it('token create prints a token once, which authenticates on the server it serves (tamis serve); a live name is refused', async () => {
    const cwd = workdir();
    const env = { DATABASE_URL: `file:${join(cwd, 'tamis.db')}`, SECRET: TEST_ENV.SECRET! };
    const created = await tamis(['token', 'create', '  Night   desk '], { cwd, env });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^tamis_[\w-]{43}\n$/);
    expect(created.stderr).toMatch(/Admin token "Night desk" created .* shown only this once/);
    const token = created.stdout.trim();
    const again = await tamis(['token', 'create', 'Night desk'], { cwd, env });
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain('A live token is already named "Night desk"');

    const server = await serve([CLI, 'serve'], { cwd, env });
    // A live token exists: the server generates none.
    expect(server.output()).not.toContain('one was generated');
    const get = (bearer: string) =>
      fetch(`${server.url}/api/v1/admin/tokens`, { headers: { Authorization: `Bearer ${bearer}` } });
    const res = await get(token);
    expect(res.status).toBe(200);
    const { tokens } = (await res.json()) as { tokens: { name: string; current: boolean }[] };
    expect(tokens.map((t) => [t.name, t.current])).toEqual([['Night desk', true]]);
    expect((await get(`${token}x`)).status).toBe(401);
    expect(await server.stop()).toBe(0);

    const db = openFile(env.DATABASE_URL);
    try {
      const audit = (await db.execute('SELECT actor_id, actor_name, action FROM audit_log')).rows.map((r) => [
        r.actor_id,
        r.actor_name,
        r.action,
      ]);
      expect(audit).toEqual([[null, 'command line', 'token.create']]);
      // Only the token's hash is stored.
      expect(JSON.stringify((await db.execute('SELECT * FROM admin_tokens')).rows)).not.toContain(token.slice(6));
    } finally {
      db.close();
    }
  });

  it("backup while the server (npm start's bundle, configured by .env) writes: the copy holds the comment, checks ok, has no secret; never over a file", async () => {
    const cwd = workdir();
    // No SECRET: the server generates its key file, ./data/secret.key beside the database.
    writeFileSync(join(cwd, '.env'), 'DATABASE_URL=file:./data/tamis.db\nTRUST_PROXY=x-forwarded-for\n');
    const env = { ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN! };
    const server = await serve([SERVER], { cwd, env });
    expect(server.output()).toContain('"database":"file:./data/tamis.db"');
    const keyFile = join(cwd, 'data/secret.key');
    const secret = readFileSync(keyFile, 'utf8').trim();

    const email = 'lectrice.sauvegarde@exemple.fr';
    const posted = await fetch(`${server.url}/api/v1/articles/backup-article/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': '203.0.113.7' },
      body: JSON.stringify({ author: 'Lectrice', email, content: 'Un commentaire à sauvegarder.' }),
    });
    expect(posted.status).toBe(201);

    // Moderators keep replying while the copy is taken.
    const reply = (i: number) =>
      fetch(`${server.url}/api/v1/admin/articles/backup-article/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TEST_ENV.ADMIN_TOKEN}` },
        body: JSON.stringify({ content: `Réponse ${i}` }),
      }).then((r) => r.status);
    const writes = Promise.all(Array.from({ length: 20 }, (_, i) => reply(i)));
    const backup = await tamis(['backup', 'copy.db'], { cwd, env });
    expect(await writes).toEqual(Array(20).fill(201));
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(`Copied file:\\./data/tamis\\.db to ${join(cwd, 'copy.db')} \\(\\d+ bytes, check ok\\)`),
    );
    expect(backup.stdout).toContain(`The key file ${keyFile} is not in the copy, which cannot be read without it`);

    const copy = join(cwd, 'copy.db');
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    const db = openFile(`file:${copy}`);
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
      const rows = (await db.execute('SELECT content FROM comments ORDER BY created_at')).rows.map((r) => r.content);
      expect(rows[0]).toBe('Un commentaire à sauvegarder.');
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.length).toBeLessThanOrEqual(21);
    } finally {
      db.close();
    }
    const bytes = readFileSync(copy).toString('latin1');
    expect(bytes).toContain('Un commentaire');
    expect(bytes).not.toContain(secret);
    expect(bytes).not.toContain(email);

    // Never over an existing file: the copy is left as it was.
    const refused = await tamis(['backup', 'copy.db'], { cwd, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${copy} exists: a backup never overwrites a file`);
    expect(readFileSync(copy).toString('latin1')).toBe(bytes);
    mkdirSync(join(cwd, 'later'));
    expect((await tamis(['backup', 'later/copy.db'], { cwd, env })).code).toBe(0);

    expect((await fetch(`${server.url}/api/v1/articles/backup-article/comments`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });
});
