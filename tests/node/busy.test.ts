import { afterEach, describe, expect, it } from 'vitest';
import { setup } from '../harness/node';
import { comment, path, post, postOk, thread } from '../harness/client';
import { BUSY_TIMEOUT_MS, openDatabase } from '../../src/entry/node-db';
import { clientOf, openFile, tempDatabase } from './server';

/**
 * Another process holding the write lock (a backup, a script, a second server): writers wait for
 * it (busy_timeout, on the one connection the app uses) and try again; readers are not blocked
 * (WAL); a lock held past all that is a 503 with Retry-After, not a 500, leaves nothing
 * half-written, and does not break the writes that come after it.
 */

let db: ReturnType<typeof tempDatabase> | undefined;
afterEach(() => {
  db?.remove();
  db = undefined;
});

/** The harness on a file, its database reopened with a short busy timeout to keep the test fast. */
async function onFile(busyTimeoutMs = 100) {
  db = tempDatabase('tamis-busy-');
  const t = await setup({}, db.url);
  t.deps.db = (await openDatabase(db.url, undefined, { busyTimeoutMs })).db;
  return t;
}

/** A second connection, as another process would have, holding the write lock until `release()`. */
async function holdWriteLock(url: string) {
  const other = openFile(url);
  const tx = await other.transaction('write');
  await tx.execute("INSERT INTO meta (key, value) VALUES ('held-by-another-process', '1')");
  return {
    release: async () => {
      await tx.commit();
      other.close();
    },
  };
}

describe('a database locked by another process', () => {
  it('every statement runs on a connection with WAL, synchronous=NORMAL (the client syncs the WAL), secure_delete and the busy timeout', async () => {
    db = tempDatabase('tamis-busy-');
    const t = await setup({}, db.url);
    const client = clientOf(t);
    // Asked many times at once: a pool would open more connections here, without the pragmas.
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => [
        (await client.execute('PRAGMA journal_mode')).rows[0]![0],
        (await client.execute('PRAGMA synchronous')).rows[0]![0],
        (await client.execute('PRAGMA busy_timeout')).rows[0]![0],
        (await client.execute('PRAGMA secure_delete')).rows[0]![0],
      ]),
    );
    for (const a of answers) expect(a).toEqual(['wal', 1, BUSY_TIMEOUT_MS, 1]);
    expect((client as unknown as { syncWal(): boolean }).syncWal()).toBe(true);
  });

  it('a lock released while the submission waits: it goes through', async () => {
    const t = await onFile(100);
    const lock = await holdWriteLock(db!.url);
    setTimeout(() => void lock.release(), 150);
    const res = await post(t, 'a', comment({ content: 'Écrit malgré le verrou.' }));
    expect(res.status).toBe(201);
    expect((await thread(t, 'a')).total).toBe(1);
  });

  it('reads go on; a lock held too long is a 503 with Retry-After; the writes after it work', async () => {
    const t = await onFile(100);
    await postOk(t, 'a', comment({ content: 'Avant le verrou.' }));
    const lock = await holdWriteLock(db!.url);
    try {
      expect((await thread(t, 'a')).total).toBe(1);
      const res = await post(t, 'a', comment({ content: 'Pendant le verrou.' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('unavailable');
    } finally {
      await lock.release();
    }
    // Nothing half-written; and the failed statement did not poison the connection: the same
    // submission, and the ones after it, go through (libsql-client-ts#352).
    expect((await thread(t, 'a')).comments.map((c) => c.content)).toEqual(['Avant le verrou.']);
    await postOk(t, 'a', comment({ content: 'Pendant le verrou.' }));
    await postOk(t, 'a', comment({ content: 'Après le verrou.' }));
    expect((await thread(t, 'a')).total).toBe(3);
    expect((await t.request(path('a'))).status).toBe(200);
    // The connection that replaced the busy one has the same settings (secure_delete is per connection).
    const client = clientOf(t);
    expect((await client.execute('PRAGMA secure_delete')).rows[0]![0]).toBe(1);
    expect((await client.execute('PRAGMA synchronous')).rows[0]![0]).toBe(1);
    expect((client as unknown as { syncWal(): boolean }).syncWal()).toBe(true);
  });
});
