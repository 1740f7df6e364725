import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import type { NodeHarness } from '../harness/node';
import { TEST_ENV } from '../harness/types';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** A temporary directory holding one database file; `remove()` deletes it all (-wal and -shm included). */
export function tempDatabase(prefix = 'tamis-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'tamis.db');
  return { dir, file, url: `file:${file}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Server {
  url: string;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts the real Node entry (`src/entry/node.ts`) in a child process on a random port. It runs as
 * `node --import tsx`, so the pid is the server's own: a SIGKILL or SIGTERM reaches it, not a wrapper.
 */
export async function startServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Server> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...TEST_ENV,
      LOG_LEVEL: 'info',
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | string>((done) =>
    proc.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const look = () => {
      const match = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        proc.stdout!.off('data', look);
        done(match[1]!);
      }
    };
    proc.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return { url, proc, output: () => out, exited };
}

/** Ends a server this test started (by its pid) and waits for it. */
export async function stopServer(server: Server, signal: NodeJS.Signals = 'SIGTERM') {
  if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill(signal);
  return server.exited;
}

/** The libSQL client under a harness's drizzle database (raw SQL, pragmas, close). */
export const clientOf = (t: NodeHarness): Client => (t.deps.db as unknown as { $client: Client }).$client;

/** Opens a database file directly, outside the app (to count rows, run integrity checks). */
export function openFile(url: string): Client {
  return createClient({ url, timeout: 10_000 });
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
