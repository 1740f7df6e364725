import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { setup, type NodeHarness } from '../harness/node';
import { comment, path, post, postOk } from '../harness/client';
import { TEST_ENV } from '../harness/types';
import { parseConfig } from '../../src/config';
import { deriveKeys } from '../../src/crypto';
import { createSecretFile, nodeSecret } from '../../src/entry/node-secret';
import { createLogger } from '../../src/logger';
import { auditLog, comments, meta, spamMemory } from '../../src/db/schema';
import { memoryKeys } from '../../src/services/keys';
import { RotationError, rotateSecret } from '../../src/entry/rotate-secret';
import { ROOT, clientOf, openFile, tempDatabase } from './server';

const OLD = TEST_ENV.SECRET!;
const NEW = 'the-new-secret-0123456789-0123456789-abcdef';

/** A database with what a secret touches: addresses, IPs, websites, local memory, audit subjects. */
async function populated(t: NodeHarness) {
  const people = [
    { email: 'Anne.Dupont@exemple.fr', ip: '203.0.113.10', website: 'https://anne.example.org/blog' },
    { email: 'bruno@exemple.fr', ip: '2001:db8::7', website: undefined },
  ];
  const posted = [];
  for (const p of people) {
    posted.push(
      await postOk(t, 'rot', comment({ email: p.email, website: p.website, content: `Avis de ${p.email}.` }), {
        ip: p.ip,
      }),
    );
    t.clock.advance(120_000);
  }
  const keys = await memoryKeys(t.deps, { email: people[0]!.email, ip: people[0]!.ip, website: people[0]!.website! });
  const now = t.clock.now();
  await t.deps.db.insert(spamMemory).values([
    { kind: 'email', hash: keys.email, spam: 2, ham: 0, updatedAt: now },
    { kind: 'ip', hash: keys.ip!, spam: 1, ham: 0, updatedAt: now },
    { kind: 'host', hash: keys.host!, spam: 3, ham: 0, updatedAt: now },
    { kind: 'email', hash: 'f'.repeat(64), spam: 1, ham: 0, updatedAt: now }, // a value no comment holds
  ]);
  await t.deps.db.insert(auditLog).values([
    {
      at: now,
      actorName: 'test',
      action: 'comment.update',
      targetType: 'comment',
      targetId: posted[0]!.comment.id,
      subjectHash: keys.email,
    },
    {
      at: now,
      actorName: 'test',
      action: 'comment.delete',
      targetType: 'comment',
      targetId: 'gone',
      subjectHash: 'e'.repeat(64),
    },
  ]);
  return { people, posted, keys };
}

async function everything(t: NodeHarness) {
  const client = clientOf(t);
  const out: string[] = [];
  for (const table of ['comments', 'spam_memory', 'audit_log', 'meta'])
    out.push(JSON.stringify((await client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows));
  return out.join('\n');
}

describe('rotating SECRET', () => {
  it('re-encrypts every address and IP and re-keys every hash; the app keeps working with the new secret', async () => {
    const t = await setup();
    const { people, posted, keys: oldMemory } = await populated(t);
    const before = await everything(t);

    const report = await rotateSecret(t.deps.db, OLD, NEW);
    expect(report).toMatchObject({
      comments: 2,
      emails: 2,
      ips: 2,
      alreadyNew: 0,
      memory: { rekeyed: 3, dropped: 1 },
      audit: { rekeyed: 1, cleared: 1 },
    });

    const [oldKeys, newKeys] = await Promise.all([deriveKeys(OLD), deriveKeys(NEW)]);
    const rows = await t.deps.db.select().from(comments).orderBy(comments.createdAt).all();
    for (const [i, row] of rows.entries()) {
      expect(await newKeys.decrypt(row.emailEnc)).toBe(people[i]!.email);
      expect(await newKeys.decrypt(row.ipEnc!)).toBe(people[i]!.ip);
      expect(await oldKeys.decrypt(row.emailEnc)).toBeNull();
      expect(row.emailHash).toBe(await newKeys.hash(people[i]!.email.toLowerCase()));
      expect(row.ipHash).toBe(await newKeys.hash(people[i]!.ip));
    }
    // Nothing computed with the old key is left anywhere.
    const after = await everything(t);
    for (const value of [oldMemory.email, oldMemory.ip!, oldMemory.host!]) expect(after).not.toContain(value);
    expect(before).toContain(oldMemory.email);
    const newMemory = await memoryKeys(
      { keys: newKeys },
      { email: people[0]!.email, ip: people[0]!.ip, website: people[0]!.website! },
    );
    const memory = await t.deps.db.select().from(spamMemory).all();
    expect(memory.map((m) => [m.kind, m.hash, m.spam]).sort()).toEqual(
      [
        ['email', newMemory.email, 2],
        ['host', newMemory.host, 3],
        ['ip', newMemory.ip, 1],
      ].sort(),
    );
    const audit = await t.deps.db.select().from(auditLog).orderBy(auditLog.id).all();
    expect(audit.map((a) => a.subjectHash)).toEqual([newMemory.email, null]);

    // The app with the new secret: duplicates and flood control still recognise people.
    t.deps.keys = newKeys;
    // (A duplicate is the same client's: the same address and IP, both found by their new keyed hashes.)
    const dup = await post(t, 'rot', comment({ email: people[1]!.email, content: `Avis de ${people[1]!.email}.` }), {
      ip: people[1]!.ip,
    });
    expect(dup.status).toBe(409);
    t.clock.advance(-120_000); // back to a few seconds after bruno's comment, inside the flood window
    const flood = await post(t, 'rot', comment(), { ip: people[1]!.ip });
    expect(flood.status).toBe(429);
    // What a rotation invalidates: the edit tokens handed out before it.
    const edit = await t.request(`/api/v1/comments/${posted[0]!.comment.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${posted[0]!.editToken}` },
    });
    expect(edit.status).toBe(401);
    expect((await t.request(path('rot'))).status).toBe(200);
  });

  it('a wrong old secret changes nothing; a dry run changes nothing; running it twice is harmless', async () => {
    const t = await setup();
    await populated(t);
    const before = await everything(t);
    await expect(rotateSecret(t.deps.db, 'not-the-secret-0123456789-0123456789', NEW)).rejects.toThrow(RotationError);
    expect(await everything(t)).toBe(before);
    const dry = await rotateSecret(t.deps.db, OLD, NEW, { dryRun: true });
    expect(dry.comments).toBe(2);
    expect(await everything(t)).toBe(before);

    await rotateSecret(t.deps.db, OLD, NEW);
    const once = await everything(t);
    const again = await rotateSecret(t.deps.db, OLD, NEW);
    expect(again).toMatchObject({
      comments: 0,
      alreadyNew: 2,
      memory: { rekeyed: 0, dropped: 0 },
      audit: { rekeyed: 0, cleared: 0 },
    });
    expect(await everything(t)).toBe(once);
  });

  const run = (env: Record<string, string>, ...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/entry/node-cli.ts', 'rotate-secret', ...args], {
      cwd: ROOT,
      env: { ...process.env, OLD_SECRET: '', NEW_SECRET: '', SECRET_FILE: '', ...env },
    });

  /** What the database file holds after the command: the stored secret (if any) and one sealed address. */
  async function stored(url: string) {
    const file = openFile(url);
    try {
      const secret = (await file.execute("SELECT value FROM meta WHERE key = 'secret'")).rows[0]?.[0] ?? null;
      return { secret, sealed: String((await file.execute('SELECT email_enc FROM comments')).rows[0]![0]) };
    } finally {
      file.close();
    }
  }

  it('tamis rotate-secret: with the generated secret in its key file, it rotates and writes the new one there', async () => {
    const db = tempDatabase('tamis-rotate-');
    try {
      // A server that ran without SECRET: its secret is in secret.key beside the database.
      const keyFile = join(db.dir, 'secret.key');
      await createSecretFile(keyFile, OLD);
      const t = await setup({}, db.url);
      await postOk(t, 'rot', comment({ email: 'script@exemple.fr' }), { ip: '203.0.113.99' });
      clientOf(t).close();

      const dry = await run({ DATABASE_URL: db.url }, '--dry-run');
      expect(dry.stdout).toContain('Dry run');
      expect(readFileSync(keyFile, 'utf8').trim()).toBe(OLD);
      expect(existsSync(`${keyFile}.new`)).toBe(false);
      const { stdout } = await run({ DATABASE_URL: db.url });
      expect(stdout).toMatch(/Rotated\. 1 comment/);
      expect(stdout).toContain(`The new secret is in ${keyFile}`);

      const secret = readFileSync(keyFile, 'utf8').trim();
      expect(secret).not.toBe(OLD);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readdirSync(db.dir).filter((f) => f.startsWith('secret.key'))).toEqual(['secret.key']);
      const after = await stored(db.url);
      expect(after.secret).toBeNull();
      expect(await (await deriveKeys(secret)).decrypt(after.sealed)).toBe('script@exemple.fr');
      expect(await (await deriveKeys(OLD)).decrypt(after.sealed)).toBeNull();
    } finally {
      db.remove();
    }
  }, 30_000);

  it('tamis rotate-secret: a secret an earlier release kept in the database goes to the key file, rotated; the row is deleted', async () => {
    const db = tempDatabase('tamis-rotate-');
    try {
      const t = await setup({}, db.url);
      await t.deps.db.insert(meta).values({ key: 'secret', value: OLD });
      await postOk(t, 'rot', comment({ email: 'legacy@exemple.fr' }), { ip: '203.0.113.98' });
      clientOf(t).close();

      const { stdout } = await run({ DATABASE_URL: db.url });
      expect(stdout).toMatch(/Rotated\. 1 comment/);
      const keyFile = join(db.dir, 'secret.key');
      const secret = readFileSync(keyFile, 'utf8').trim();
      expect(secret).not.toBe(OLD);
      const after = await stored(db.url);
      expect(after.secret).toBeNull();
      expect(await (await deriveKeys(secret)).decrypt(after.sealed)).toBe('legacy@exemple.fr');
    } finally {
      db.remove();
    }
  }, 30_000);

  it('a rotation stopped after its batch: the server refuses to start, and running the command again finishes it', async () => {
    const db = tempDatabase('tamis-rotate-');
    try {
      const keyFile = join(db.dir, 'secret.key');
      await createSecretFile(keyFile, OLD);
      const t = await setup({}, db.url);
      await postOk(t, 'rot', comment({ email: 'stopped@exemple.fr' }), { ip: '203.0.113.97' });
      // The command had written the new secret beside the key file and committed its batch, then stopped.
      await createSecretFile(`${keyFile}.new`, NEW);
      await rotateSecret(t.deps.db, OLD, NEW);
      const config = parseConfig({ DATABASE_URL: db.url });
      await expect(nodeSecret(t.deps.db, config, createLogger('silent'))).rejects.toThrow(
        /SECRET_FILE: a rotation of the secret did not finish/,
      );
      clientOf(t).close();

      const { stdout } = await run({ DATABASE_URL: db.url });
      expect(stdout).toMatch(/Rotated\. 0 comment.*1 already under the new secret/);
      expect(readFileSync(keyFile, 'utf8').trim()).toBe(NEW);
      expect(existsSync(`${keyFile}.new`)).toBe(false);
      expect(await (await deriveKeys(NEW)).decrypt((await stored(db.url)).sealed)).toBe('stopped@exemple.fr');
    } finally {
      db.remove();
    }
  }, 30_000);
});
