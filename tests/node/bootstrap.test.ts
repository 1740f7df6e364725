import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { bootstrap } from '../../src/bootstrap';
import { parseConfig } from '../../src/config';
import type { Deps } from '../../src/deps';
import { adminTokens, comments, meta } from '../../src/db/schema';
import { openDatabase } from '../../src/entry/node-db';
import { createSecretFile, nodeSecret } from '../../src/entry/node-secret';
import { createLogger } from '../../src/logger';
import { BROWSER_UA, adminCall, comment, path, postOk } from '../harness/client';
import { setup } from '../harness/node';
import { TEST_ENV, testClock } from '../harness/types';
import { clientOf, openFile, startServer, stopServer, tempDatabase, type Server } from './server';

describe('bootstrap: admin tokens', () => {
  it('two processes starting at once on an empty database print one token between them, and it works', async () => {
    const { db } = await openDatabase(':memory:');
    const { ADMIN_TOKEN: _, ...env } = TEST_ENV;
    const config = parseConfig(env);
    const clock = testClock();
    const started = await Promise.all([1, 2, 3].map(() => bootstrap(db, config, clock.now())));
    const printed = started.flatMap((s) => (s.generatedAdminToken ? [s.generatedAdminToken] : []));
    expect(printed).toHaveLength(1);

    const deps: Deps = {
      db,
      config,
      clock,
      keys: started[0]!.keys,
      logger: createLogger('silent'),
      defer: () => undefined,
    };
    const app = createApp(deps);
    const t = {
      request: async (p: string, init?: RequestInit) => app.request(p, init),
      clock,
      adminToken: printed[0]!,
    };
    const { status, body } = await adminCall(t, 'GET', '/tokens');
    expect(status).toBe(200);
    expect(body.tokens.map((x: any) => [x.name, x.revokedAt, x.current])).toEqual([['initial', null, true]]);

    // A restart finds the live token and prints nothing.
    expect((await bootstrap(db, config, clock.now())).generatedAdminToken).toBeUndefined();
  });

  it('says when ADMIN_TOKEN is a value that a moderator revoked', async () => {
    const { db } = await openDatabase(':memory:');
    const config = parseConfig(TEST_ENV);
    const clock = testClock();
    expect((await bootstrap(db, config, clock.now())).adminTokenRevoked).toBeUndefined();
    await db.update(adminTokens).set({ revokedAt: clock.now() });
    expect((await bootstrap(db, config, clock.now())).adminTokenRevoked).toBe(true);
    expect((await db.select().from(adminTokens).all()).map((r) => r.revokedAt)).toEqual([clock.now()]);
  });
});

describe('bootstrap: the secret, without SECRET, in a key file outside the database', () => {
  const LEGACY = 'a-secret-an-earlier-release-kept-0123456789';
  const silent = createLogger('silent');
  let db: ReturnType<typeof tempDatabase> | undefined;
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await stopServer(server);
    db?.remove();
    db = undefined;
  });
  const start = async (url: string, env: Record<string, string> = {}) => {
    const server = await startServer(url, { SECRET: '', ...env });
    servers.push(server);
    return server;
  };
  /** Posts through a server and returns the comment's id and edit token (signed with the server's secret). */
  async function postThrough(server: Server, ip: string) {
    const res = await fetch(`${server.url}${path('key-file')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': ip },
      body: JSON.stringify(comment()),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { comment: { id: string }; editToken: string };
    return { id: body.comment.id, editToken: body.editToken };
  }
  const withdraw = (server: Server, posted: { id: string; editToken: string }) =>
    fetch(`${server.url}/api/v1/comments/${posted.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${posted.editToken}` },
    }).then((r) => r.status);
  const storedSecret = async (url: string) => {
    const file = openFile(url);
    try {
      return (await file.execute("SELECT value FROM meta WHERE key = 'secret'")).rows[0]?.[0] ?? null;
    } finally {
      file.close();
    }
  };

  it('the server generates it on first start into secret.key beside the database (0600, not in the database), reads it after; SECRET wins', async () => {
    db = tempDatabase('tamis-key-');
    const keyFile = join(db.dir, 'secret.key');
    const first = await start(db.url);
    const [kept, other] = [await postThrough(first, '203.0.113.1'), await postThrough(first, '203.0.113.2')];
    await stopServer(first);

    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(keyFile, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await storedSecret(db.url)).toBeNull();
    const raw = Buffer.concat(
      readdirSync(db.dir)
        .filter((f) => f.startsWith('tamis.db'))
        .map((f) => readFileSync(join(db!.dir, f))),
    );
    expect(raw.includes(Buffer.from(secret))).toBe(false);

    // A restart reads the same secret: a token signed before it still opens.
    const again = await start(db.url);
    expect(await withdraw(again, kept)).toBe(204);
    await stopServer(again);
    // With SECRET set, the key file is not used.
    const configured = await start(db.url, { SECRET: TEST_ENV.SECRET! });
    expect(await withdraw(configured, other)).toBe(401);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(secret);
  }, 60_000);

  it('two servers starting at once on a new database agree on one secret', async () => {
    db = tempDatabase('tamis-key-');
    (await openDatabase(db.url)).client.close(); // migrated first: the two race for the key file only
    const [a, b] = await Promise.all([start(db.url), start(db.url)]);
    expect(await withdraw(b, await postThrough(a, '203.0.113.3'))).toBe(204);
    expect(readdirSync(db.dir).filter((f) => f.startsWith('secret.key'))).toEqual(['secret.key']);
  }, 60_000);

  it('in one process too, starts at once agree, and leave no temporary file', async () => {
    db = tempDatabase('tamis-key-');
    const { db: database, client } = await openDatabase(db.url);
    const config = parseConfig({ DATABASE_URL: db.url });
    const secrets = await Promise.all(Array.from({ length: 6 }, () => nodeSecret(database, config, silent)));
    client.close();
    expect(new Set(secrets).size).toBe(1);
    expect(readFileSync(join(db.dir, 'secret.key'), 'utf8').trim()).toBe(secrets[0]);
    expect(readdirSync(db.dir).filter((f) => f.startsWith('secret.key'))).toEqual(['secret.key']);
  });

  it('a secret an earlier release kept in the database moves to the key file; the row goes only once the file is written', async () => {
    db = tempDatabase('tamis-key-');
    const t = await setup({ SECRET: LEGACY }, db.url);
    await t.deps.db.insert(meta).values({ key: 'secret', value: LEGACY });
    await postOk(t, 'legacy', comment({ email: 'legacy@exemple.fr' }));
    const config = parseConfig({ DATABASE_URL: db.url });

    // A key file that cannot be written: start-up fails, and the secret is still in the database.
    writeFileSync(join(db.dir, 'not-a-directory'), '');
    const unwritable = parseConfig({
      DATABASE_URL: db.url,
      SECRET_FILE: join(db.dir, 'not-a-directory', 'secret.key'),
    });
    await expect(nodeSecret(t.deps.db, unwritable, silent)).rejects.toThrow();
    expect(await storedSecret(db.url)).toBe(LEGACY);

    // The file is written (and synced) first; a stop before bootstrap leaves both, and the next start finishes.
    expect(await nodeSecret(t.deps.db, config, silent)).toBe(LEGACY);
    const keyFile = join(db.dir, 'secret.key');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(LEGACY);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await storedSecret(db.url)).toBe(LEGACY);
    const secret = await nodeSecret(t.deps.db, config, silent);
    expect(secret).toBe(LEGACY);
    const { keys } = await bootstrap(t.deps.db, config, t.clock.now(), { secret });
    expect(await storedSecret(db.url)).toBeNull();
    const row = (await t.deps.db.select({ emailEnc: comments.emailEnc }).from(comments).all()).find(Boolean)!;
    expect(await keys.decrypt(row.emailEnc)).toBe('legacy@exemple.fr');
    clientOf(t).close();
  });

  it("refuses to start rather than guess: a missing key file for encrypted data, a key file that is not this database's, a remote database", async () => {
    db = tempDatabase('tamis-key-');
    const t = await setup({}, db.url);
    await postOk(t, 'a', comment());
    const config = parseConfig({ DATABASE_URL: db.url });
    // The database holds addresses encrypted with a secret and the key file is gone: a new one would orphan them.
    await expect(nodeSecret(t.deps.db, config, silent)).rejects.toThrow(
      /SECRET_FILE: .*secret\.key does not exist, but the database holds addresses/,
    );
    expect(existsSync(join(db.dir, 'secret.key'))).toBe(false);
    // The database keeps a secret (an earlier release) that is not the key file's.
    await createSecretFile(join(db.dir, 'secret.key'), TEST_ENV.SECRET!);
    await t.deps.db.insert(meta).values({ key: 'secret', value: LEGACY });
    await expect(nodeSecret(t.deps.db, config, silent)).rejects.toThrow(/SECRET_FILE: .*holds another secret/);
    // A remote database, which servers elsewhere may share: SECRET or SECRET_FILE must say.
    await expect(
      nodeSecret(t.deps.db, parseConfig({ DATABASE_URL: 'libsql://tamis.example.turso.io' }), silent),
    ).rejects.toThrow(/SECRET: required with a remote database/);
    // Bootstrap itself never makes one up.
    await expect(bootstrap(t.deps.db, parseConfig({}), t.clock.now())).rejects.toThrow(/SECRET: not set/);
    clientOf(t).close();
  });

  it('a database in memory gets a secret of its own each time', async () => {
    const { db: database } = await openDatabase(':memory:');
    const config = parseConfig({ DATABASE_URL: ':memory:' });
    const [a, b] = [await nodeSecret(database, config, silent), await nodeSecret(database, config, silent)];
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(a).not.toBe(b);
  });
});
