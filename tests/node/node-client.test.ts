import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileClient, FileSync } from '../../src/entry/node-client';
import { openDatabase } from '../../src/entry/node-db';
import { tempDatabase } from './server';

/**
 * The Node entry's client keeps prepared statements; it must answer exactly as @libsql/client
 * does, which drizzle and the rest of the app were written against.
 */
describe('the local file client', () => {
  const setup = async (client: Client = createFileClient(':memory:', 0)) => {
    await client.batch([
      'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, data BLOB, flag INTEGER)',
      {
        sql: 'INSERT INTO t (name, n, data, flag) VALUES (?, ?, ?, ?)',
        args: ['a', 1700000000000, new Uint8Array([1, 2, 3]).buffer, true],
      },
      {
        sql: 'INSERT INTO t (name, n, data, flag) VALUES (:name, :n, NULL, :flag)',
        args: { name: 'b', n: 2, flag: false },
      },
    ]);
    return client;
  };

  it('answers rows as @libsql/client does: named properties, indices, length, numbers, ArrayBuffers', async () => {
    const ours = await setup();
    const reference = await setup(createClient({ url: ':memory:' }));
    const query = 'SELECT id, name, n, data, flag, t.name AS again FROM t ORDER BY id';
    const [a, b] = [await ours.execute(query), await reference.execute(query)];
    expect(a.columns).toEqual(b.columns);
    expect(a.rows.length).toBe(2);
    for (let r = 0; r < 2; r++) {
      const [x, y] = [a.rows[r]!, b.rows[r]!];
      expect(Object.keys(x)).toEqual(Object.keys(y));
      expect(x.length).toBe(y.length);
      expect(Array.prototype.slice.call(x)).toEqual(Array.prototype.slice.call(y));
      expect({ ...x }).toEqual({ ...y });
    }
    expect(a.rows[0]!.data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(a.rows[0]!.data as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(a.rows[0]!.n).toBe(1700000000000);
    expect(a.rows[0]!.flag).toBe(1);
    expect(JSON.stringify(a.rows[1])).toBe(JSON.stringify(b.rows[1]));
    ours.close();
    reference.close();
  });

  it('reports changes and the last row id of a write', async () => {
    const client = await setup();
    const result = await client.execute({ sql: 'UPDATE t SET n = n + 1 WHERE id IN (1, 2)', args: [] });
    expect(result.rowsAffected).toBe(2);
    const insert = await client.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: ['c'] });
    expect(insert.lastInsertRowid).toBe(3n);
  });

  it('reuses a statement with new arguments', async () => {
    const client = await setup();
    const byName = (name: string) => client.execute({ sql: 'SELECT id FROM t WHERE name = ?', args: [name] });
    expect((await byName('a')).rows[0]!.id).toBe(1);
    expect((await byName('b')).rows[0]!.id).toBe(2);
    expect((await byName('zz')).rows).toEqual([]);
  });

  it('a batch is all or nothing', async () => {
    const client = await setup();
    await expect(
      client.batch([
        { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [10, 'kept?'] },
        { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [1, 'duplicate id'] },
      ]),
    ).rejects.toThrow(/UNIQUE|constraint/i);
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]!.n).toBe(2);
    // The connection is usable afterwards (no transaction left open).
    await client.batch([{ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [10, 'now'] }]);
    expect((await client.execute('SELECT name FROM t WHERE id = 10')).rows[0]!.name).toBe('now');
  });

  it('batches sent together share a commit, and each is still all or nothing', async () => {
    const client = await setup();
    const results = await Promise.allSettled([
      client.batch([{ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [20, 'first'] }]),
      client.batch([
        { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [21, 'undone with its batch'] },
        { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [1, 'duplicate id'] },
      ]),
      client.batch([
        { sql: 'INSERT INTO t (id, name) VALUES (?, ?) RETURNING id', args: [22, 'third'] },
        { sql: 'UPDATE t SET n = 7 WHERE id = ?', args: [20] },
      ]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const third = (results[2] as PromiseFulfilledResult<Awaited<ReturnType<typeof client.batch>>>).value;
    expect(third[0]!.rows[0]!.id).toBe(22);
    expect(third[1]!.rowsAffected).toBe(1);
    const rows = await client.execute('SELECT id, name, n FROM t WHERE id >= 20 ORDER BY id');
    expect(rows.rows.map((r) => [r.id, r.name, r.n])).toEqual([
      [20, 'first', 7],
      [22, 'third', null],
    ]);
  });

  it('batches wait for the end of the turn, then are committed together before any is answered', async () => {
    const db = tempDatabase();
    const ours = await setup(createFileClient(db.file, 1000));
    const other = createClient({ url: db.url });
    const count = async () => Number((await other.execute('SELECT count(*) AS n FROM t')).rows[0]!.n);
    const seenWhenAnswered: number[] = [];
    const writes = Array.from({ length: 5 }, (_, i) =>
      ours
        .batch([{ sql: 'INSERT INTO t (name) VALUES (?)', args: [`w${i}`] }])
        .then(async () => seenWhenAnswered.push(await count())),
    );
    expect(await count()).toBe(2); // queued, nothing written yet
    await Promise.all(writes);
    expect(seenWhenAnswered).toEqual([7, 7, 7, 7, 7]);
    other.close();
    ours.close();
    db.remove();
  });

  it('sees a schema change made through it (statements prepared before are dropped)', async () => {
    const client = await setup();
    expect((await client.execute('SELECT * FROM t WHERE id = 1')).columns).toHaveLength(5);
    await client.migrate([{ sql: 'ALTER TABLE t ADD COLUMN extra TEXT', args: [] }]);
    expect((await client.execute('SELECT * FROM t WHERE id = 1')).columns).toContain('extra');
  });

  it('sees what another connection wrote to the same file', async () => {
    const db = tempDatabase();
    const ours = await setup(createFileClient(db.file, 1000));
    const other = createClient({ url: db.url });
    const count = () => ours.execute('SELECT count(*) AS n FROM t').then((r) => r.rows[0]!.n);
    expect(await count()).toBe(2);
    await other.execute({ sql: 'INSERT INTO t (name) VALUES (?)', args: ['from elsewhere'] });
    expect(await count()).toBe(3);
    other.close();
    ours.close();
    db.remove();
  });

  it('refuses work once closed, with the code the retry logic knows', async () => {
    const client = await setup();
    client.close();
    await expect(client.execute('SELECT 1')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });

  describe('durability in WAL mode (synchronous = NORMAL, the WAL synced by the client)', () => {
    /** A sync that the test lets finish, recording which file it was asked for. */
    const heldSync = () => {
      const asked: string[] = [];
      let release: (error?: Error) => void = () => {};
      const flush = (path: string) => {
        asked.push(path);
        return new Promise<void>((resolve, reject) => {
          release = (error) => (error ? reject(error) : resolve());
        });
      };
      return { asked, flush, release: (error?: Error) => release(error) };
    };
    const open = async (file: string, flush: (path: string) => Promise<void>) => {
      const client = createFileClient(file, 1000, flush);
      await client.execute('PRAGMA journal_mode = WAL');
      await client.execute('PRAGMA synchronous = NORMAL');
      expect(client.syncWal()).toBe(true);
      return client;
    };
    const settled = async (promise: Promise<unknown>) => {
      let done = false;
      void promise.then(
        () => (done = true),
        () => (done = true),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      return done;
    };

    it('answers a batch only once the WAL is synced, while reads go on', async () => {
      const db = tempDatabase();
      const sync = heldSync();
      const client = await open(db.file, sync.flush);
      sync.asked.length = 0;
      const write = client.batch([
        'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)',
        "INSERT INTO t (name) VALUES ('a')",
      ]);
      expect(await settled(write)).toBe(false);
      expect(sync.asked).toEqual([`${db.file}-wal`]);
      expect(existsSync(`${db.file}-wal`)).toBe(true);
      // Committed: another request reads it meanwhile; only the answer waits for the disk.
      expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]!.n).toBe(1);
      sync.release();
      await expect(write).resolves.toHaveLength(2);
      client.close();
      db.remove();
    });

    it('does not answer a write as stored when its sync fails, nor a lone write before its sync', async () => {
      const db = tempDatabase();
      const sync = heldSync();
      const client = await open(db.file, sync.flush);
      const table = client.batch(['CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)']);
      await settled(table);
      sync.release();
      await table;
      const write = client.batch(["INSERT INTO t (name) VALUES ('a')"]);
      await settled(write);
      sync.release(new Error('EIO'));
      await expect(write).rejects.toThrow('EIO');
      const lone = client.execute("INSERT INTO t (name) VALUES ('b')");
      expect(await settled(lone)).toBe(false);
      sync.release();
      await expect(lone).resolves.toMatchObject({ rowsAffected: 1 });
      // A write that returns rows is a write all the same; a read does not wait.
      const returning = client.execute("DELETE FROM t WHERE name = 'b' RETURNING id");
      expect(await settled(returning)).toBe(false);
      sync.release();
      await expect(returning).resolves.toMatchObject({ rows: [{ id: 2 }] });
      // ('a' was committed although its answer failed: a sync failing is the disk failing.)
      await expect(client.execute('SELECT count(*) AS n FROM t')).resolves.toMatchObject({ rows: [{ n: 1 }] });
      client.close();
      db.remove();
    });

    it('applies to a file in WAL mode only: the server opens files so, and keeps FULL in memory', async () => {
      expect(createFileClient(':memory:', 0).syncWal()).toBe(false);
      const db = tempDatabase();
      const onFile = await openDatabase(db.url);
      expect(await onFile.client.execute('PRAGMA synchronous')).toMatchObject({ rows: [{ synchronous: 1 }] });
      expect(await onFile.client.execute('PRAGMA journal_mode')).toMatchObject({ rows: [{ journal_mode: 'wal' }] });
      onFile.client.close();
      db.remove();
      const inMemory = await openDatabase(':memory:');
      expect(await inMemory.client.execute('PRAGMA synchronous')).toMatchObject({ rows: [{ synchronous: 2 }] });
      inMemory.client.close();
    });

    /** The descriptors this process holds open on a file. */
    const descriptors = (file: string) =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false; // closed meanwhile
        }
      }).length;

    it('syncs through one descriptor kept open, closed once the syncs under way are over; a file not there has nothing to sync', async () => {
      const db = tempDatabase();
      await expect(new FileSync(join(db.dir, 'missing-dir', 'f')).sync()).resolves.toBeUndefined();
      const file = new FileSync(db.file);
      await expect(file.sync()).resolves.toBeUndefined(); // not created yet
      expect(descriptors(db.file)).toBe(0);
      writeFileSync(db.file, 'x');
      await file.sync();
      await Promise.all([file.sync(), file.sync(), file.sync()]);
      expect(descriptors(db.file)).toBe(1);
      const last = file.sync();
      file.close();
      expect(descriptors(db.file)).toBe(1);
      await expect(last).resolves.toBeUndefined();
      expect(descriptors(db.file)).toBe(0);
      await expect(file.sync()).rejects.toThrow('closed');
      db.remove();
    });

    it("keeps one descriptor on the server's WAL, whatever the number of commits, and closes it with the client", async () => {
      const db = tempDatabase();
      const client = createFileClient(db.file, 1000);
      await client.execute('PRAGMA journal_mode = WAL');
      expect(client.syncWal()).toBe(true);
      await client.batch(['CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)']);
      expect(descriptors(`${db.file}-wal`)).toBe(2); // SQLite's own, and the one it is synced through
      await Promise.all(
        ['a', 'b', 'c'].map((name) => client.batch([{ sql: 'INSERT INTO t (name) VALUES (?)', args: [name] }])),
      );
      await client.execute("INSERT INTO t (name) VALUES ('d')");
      await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      await client.batch(["INSERT INTO t (name) VALUES ('e')"]);
      expect(descriptors(`${db.file}-wal`)).toBe(2);
      client.close();
      // Ours is closed; SQLite's goes when the driver finalizes the connection, which may be later.
      expect(descriptors(`${db.file}-wal`)).toBeLessThan(2);
      db.remove();
    });
  });
});
