import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from '../harness/node';
import { comment, postOk } from '../harness/client';
import { clientOf, tempDatabase } from './server';

/**
 * If the database file leaks, the addresses do not: emails and IPs are only stored encrypted
 * (AES-GCM) with a keyed hash beside them. Read the raw bytes of the file, its -wal and -shm.
 */

let db: ReturnType<typeof tempDatabase> | undefined;
afterEach(() => {
  db?.remove();
  db = undefined;
});

const people = [
  { email: 'Alice.Martin@exemple.fr', ip: '203.0.113.7' },
  { email: 'bob+news@mail.example.org', ip: '198.51.100.23' },
  { email: 'chloe.durand@exemple.fr', ip: '2001:db8::1:42' },
  { email: 'dan@sub.example.co.uk', ip: '192.0.2.200' },
];

function rawBytes(file: string): Buffer {
  return Buffer.concat(['', '-wal', '-shm', '-journal'].map((suffix) => (existsSync(file + suffix) ? readFileSync(file + suffix) : Buffer.alloc(0))));
}

/** Every way a value could sit in the file: as written, lower-cased, and (for safety) UTF-16. */
function forms(value: string): Buffer[] {
  return [...new Set([value, value.toLowerCase()])].flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.from(v, 'utf16le')]);
}

describe('the raw database file', () => {
  it('holds no email and no IP of the people who commented, though it holds their comments', async () => {
    db = tempDatabase('tamis-privacy-');
    const t = await setup({}, db.url);
    let n = 0;
    for (const p of people) {
      // Two comments each, the second a reply: the insert and the look-ups by hash both ran.
      const article = `article-${n % 2}`;
      const first = await postOk(t, article, comment({ email: p.email, content: `Premier avis, marqueur-lisible-${++n}.` }), { ip: p.ip });
      t.clock.advance(120_000);
      await postOk(t, article, comment({ email: p.email, parentId: first.comment.id, content: `Second avis ${++n}.` }), { ip: p.ip });
      t.clock.advance(120_000);
    }
    await t.settled();

    // While the server runs: the recent writes are in the -wal.
    const live = rawBytes(db.file);
    expect(live.includes(Buffer.from('marqueur-lisible-1'))).toBe(true); // the scan does see the data
    for (const p of people) {
      for (const needle of [...forms(p.email), ...forms(p.ip)]) expect(live.includes(needle), `${needle.toString()} in the live files`).toBe(false);
    }

    // After a checkpoint into the main file and a clean close.
    await clientOf(t).execute('PRAGMA wal_checkpoint(TRUNCATE)');
    clientOf(t).close();
    const closed = rawBytes(db.file);
    expect(closed.includes(Buffer.from('marqueur-lisible-1'))).toBe(true);
    for (const p of people) {
      for (const needle of [...forms(p.email), ...forms(p.ip)]) expect(closed.includes(needle), `${needle.toString()} in the closed file`).toBe(false);
    }
  });
});
