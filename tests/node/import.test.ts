import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport, writeWxr } from '../../bench/import';
import { setup } from '../harness/node';
import { importComments } from '../../src/services/import';
import { allRecords } from '../fixtures/import';
import { ROOT } from './server';

/**
 * The importer as an operator runs it: the built `tamis import` and `tamis export` on a database
 * file (bench/import.ts runs them the same way), a large generated file in bounded memory, an
 * import stopped half way and run again, and what the database file holds afterwards.
 */

const FIXTURE = join(ROOT, 'tests/fixtures/import/wordpress.xml');
const SECRET = 'bench-secret-0123456789-0123456789-0123456789';
const dirs: string[] = [];
const workdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tamis-import-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: ROOT });
}, 120_000);
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The built command on `database`, to its end. */
function tamis(args: string[], database: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'dist/entry/cli.js'), ...args],
      {
        env: { PATH: process.env.PATH!, DATABASE_URL: `file:${database}`, SECRET, LOG_LEVEL: 'warn' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => done({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

/** A file's bytes as one chunk. */
async function* whole(bytes: Uint8Array) {
  yield bytes;
}

/** Every byte the database keeps on disk: the file and its WAL. */
const stored = (database: string) =>
  Buffer.concat([readFileSync(database), ...(existsSync(`${database}-wal`) ? [readFileSync(`${database}-wal`)] : [])]);

describe('tamis import and tamis export', () => {
  it('imports 50,000 generated comments in bounded memory, and skips them all the second time', async () => {
    const dir = workdir();
    const file = join(dir, 'big.xml');
    await writeWxr(file, 50_000);
    const first = await runImport(file, join(dir, 'tamis.db'));
    const pingbacks = first.summary.skipped.pingback ?? 0;
    expect(first.summary.comments.total + pingbacks).toBe(50_000);
    expect(first.summary.errors.count).toBe(0);
    // The command runs with the server's heap limits (96 MiB): its peak resident memory stays far
    // below the file's size as text in memory (43 MB of UTF-8 is about 90 MB of JavaScript strings).
    expect(first.peakRssMiB).toBeLessThan(250);
    const again = await runImport(file, join(dir, 'tamis.db'));
    expect(again.summary.comments.total).toBe(0);
    expect(again.summary.skipped.already_imported).toBe(first.summary.comments.total);
  }, 300_000);

  it('keeps no email or IP in clear in the database file; the export has them; --dry-run writes nothing', async () => {
    const dir = workdir();
    const database = join(dir, 'tamis.db');
    const dry = await tamis(['import', FIXTURE, '--from', 'wordpress', '--dry-run'], database);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, comments: { total: 8 } });
    const empty = await tamis(['export'], database);
    expect(empty.stdout.trim().split('\n')).toHaveLength(1); // the site line only

    const settings = join(dir, 'settings.ndjson');
    writeFileSync(
      settings,
      `${JSON.stringify({ type: 'site', format: 'tamis-export', version: 1, settings: { ipRetentionDays: 3650 }, lists: [] })}\n`,
    );
    expect((await tamis(['import', settings, '--from', 'tamis'], database)).code).toBe(0);
    const run = await tamis(['import', FIXTURE, '--from', 'wordpress'], database);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ comments: { total: 8 }, ipsDropped: 0 });
    const bytes = stored(database);
    const secrets = [
      'Elodie.Marchand@exemple.fr',
      'elodie.marchand@exemple.fr',
      'paul@exemple.fr',
      'chloe@exemple.fr',
      '203.0.113.21',
      '198.51.100.4',
    ];
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), secret).toBe(false);
    }
    const exported = await tamis(['export'], database);
    expect(exported.code).toBe(0);
    for (const secret of ['Elodie.Marchand@exemple.fr', '203.0.113.21']) expect(exported.stdout).toContain(secret);
    expect(exported.stdout.trim().split('\n')).toHaveLength(1 + 2 + 8);
  }, 60_000);

  it('refuses a command line it does not understand (exit 2)', async () => {
    const database = join(workdir(), 'tamis.db');
    const noSource = await tamis(['import', FIXTURE], database);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('--from must be wordpress, disqus or tamis');
    const badId = await tamis(['import', FIXTURE, '--from', 'wordpress', '--article-id=title'], database);
    expect(badId.code).toBe(2);
    const missing = await tamis(['import', join(workdir(), 'nothing.xml'), '--from', 'wordpress'], database);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read');
  }, 60_000);
});

describe('POST /api/v1/admin/import, its own body limit', () => {
  it('takes a file larger than the API’s 64 KiB, and answers 413 above 100 MiB before reading it', async () => {
    const t = await setup();
    const url = '/api/v1/admin/import?from=wordpress';
    const headers = { Authorization: `Bearer ${t.adminToken}`, 'Content-Type': 'application/xml' };
    const big = readFileSync(FIXTURE, 'utf8').replace('</channel>', `<!-- ${'x'.repeat(200_000)} --></channel>`);
    const ok = await t.request(url, { method: 'POST', headers, body: big });
    expect(ok.status).toBe(200);
    const over = await t.request(url, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(100 * 1024 * 1024 + 1) },
      body: '<rss/>',
    });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ code: 'payload_too_large' });
  });
});

describe('an import stopped half way', () => {
  it('is finished by running it again, with the same result as one run', async () => {
    const text = readFileSync(FIXTURE);
    const actor = { id: null, name: 'test' };
    // A file that breaks off after four fifths (in the second post): the batches written before stay, the rest is not read.
    async function* broken() {
      yield text.subarray(0, Math.floor(text.length * 0.8));
      throw new Error('connection lost');
    }
    const t = await setup();
    await expect(importComments(t.deps, broken(), { from: 'wordpress', actor, batchSize: 2 })).rejects.toThrow(
      'connection lost',
    );
    const partial = (await allRecords(t)).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(8);
    const rest = await importComments(t.deps, whole(text), { from: 'wordpress', actor, batchSize: 2 });
    expect(rest.comments.total).toBe(8 - partial);
    expect(rest.skipped.already_imported).toBe(partial);

    const once = await setup();
    await importComments(once.deps, whole(text), { from: 'wordpress', actor });
    // The same comments in the same threads: compared by text, since ids are drawn anew.
    const shape = async (h: typeof t) => {
      const records = await allRecords(h);
      const byId = new Map(records.map((r) => [r.id, r]));
      return records
        .map((r) => ({
          content: r.content,
          status: r.status,
          depth: r.depth,
          parent: r.parentId ? byId.get(r.parentId)?.content : null,
          root: byId.get(r.rootId)?.content,
          createdAt: r.createdAt,
        }))
        .sort((a, b) => a.content.localeCompare(b.content));
    };
    expect(await shape(t)).toEqual(await shape(once));
  });

  it('stops at its statement budget with complete: false; the same file again goes on', async () => {
    const text = readFileSync(FIXTURE);
    const actor = { id: null, name: 'test' };
    const t = await setup();
    const first = await importComments(t.deps, whole(text), {
      from: 'wordpress',
      actor,
      batchSize: 2,
      statementBudget: 5,
    });
    expect(first.complete).toBe(false);
    expect(first.statements).toBeGreaterThanOrEqual(5);
    expect(first.comments.total).toBeLessThan(8);
    let total = first.comments.total;
    for (let run = 0; run < 10; run++) {
      const next = await importComments(t.deps, whole(text), {
        from: 'wordpress',
        actor,
        batchSize: 2,
        statementBudget: 5,
      });
      total += next.comments.total;
      if (next.complete) break;
    }
    expect(total).toBe(8);
    expect(await allRecords(t)).toHaveLength(8);
  });
});
