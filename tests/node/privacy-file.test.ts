import { existsSync, readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, type NodeHarness } from '../harness/node';
import { adminCall, comment, postOk } from '../harness/client';
import { comments } from '../../src/db/schema';
import { openDatabase } from '../../src/entry/node-db';
import { createLogger } from '../../src/logger';
import { purgeIfDue } from '../../src/services/retention';
import { clientOf, openFile, tempDatabase } from './server';

/**
 * If the database file leaks, the addresses do not: emails and IPs are only stored encrypted
 * (AES-GCM) with a keyed hash beside them. Read the raw bytes of the file, its -wal and -shm.
 * And what an erasure or the retention purge removed is gone from those bytes too, not only from
 * what SQL returns: no old page image left in the -wal, no deleted cell left in a page or a free page.
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
  return Buffer.concat(
    ['', '-wal', '-shm', '-journal'].map((suffix) =>
      existsSync(file + suffix) ? readFileSync(file + suffix) : Buffer.alloc(0),
    ),
  );
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
      const first = await postOk(
        t,
        article,
        comment({ email: p.email, content: `Premier avis, marqueur-lisible-${++n}.` }),
        { ip: p.ip },
      );
      t.clock.advance(120_000);
      await postOk(
        t,
        article,
        comment({ email: p.email, parentId: first.comment.id, content: `Second avis ${++n}.` }),
        { ip: p.ip },
      );
      t.clock.advance(120_000);
    }
    await t.settled();

    // While the server runs: the recent writes are in the -wal.
    const live = rawBytes(db.file);
    expect(live.includes(Buffer.from('marqueur-lisible-1'))).toBe(true); // the scan does see the data
    for (const p of people) {
      for (const needle of [...forms(p.email), ...forms(p.ip)])
        expect(live.includes(needle), `${needle.toString()} in the live files`).toBe(false);
    }

    // After a checkpoint into the main file and a clean close.
    await clientOf(t).execute('PRAGMA wal_checkpoint(TRUNCATE)');
    clientOf(t).close();
    const closed = rawBytes(db.file);
    expect(closed.includes(Buffer.from('marqueur-lisible-1'))).toBe(true);
    for (const p of people) {
      for (const needle of [...forms(p.email), ...forms(p.ip)])
        expect(closed.includes(needle), `${needle.toString()} in the closed file`).toBe(false);
    }
  });
});

const DAY = 86_400_000;

/**
 * The values of which the bytes hold any part: every run of 16 characters (deleted bytes survive in
 * pieces, a cell's first bytes overwritten by the header of the free block it became), in UTF-8 as
 * written and lower-cased, and the whole value in UTF-16.
 */
function found(bytes: Buffer, values: string[]) {
  const pieces = (v: string) =>
    v.length <= 16 ? [v] : Array.from({ length: v.length - 15 }, (_, i) => v.slice(i, i + 16));
  return values.filter(
    (value) =>
      forms(value).some((needle) => bytes.includes(needle)) ||
      [value, value.toLowerCase()].some((v) => pieces(v).some((piece) => bytes.includes(Buffer.from(piece, 'utf8')))),
  );
}

/** A person's stored ciphertexts and keyed hashes, as the row holds them. */
async function sealed(t: NodeHarness, id: string) {
  const row = (await t.deps.db.select().from(comments).where(eq(comments.id, id)).get())!;
  return [row.emailEnc, row.emailHash, row.ipEnc!, row.ipHash!];
}

describe('the raw database file after an erasure and a purge', () => {
  const name = 'Zéphyrin Quastelbaum';
  const email = 'Zephyrin.Quastelbaum@exemple.fr';
  const website = 'https://quastelbaum-atelier.example.org/carnet';
  // Only the browser's own part is theirs: other comments have the same 'Mozilla/5.0 (X11; Linux x86_64'.
  const ua = 'Mozilla/5.0 (X11; Linux x86_64) QuastelBrowser/7.1';
  const browser = 'QuastelBrowser/7.1';

  it('an erasure leaves no part of the name, website, user agent, address (also where quoted), nor of its ciphertext and hash, in the file or the -wal', async () => {
    db = tempDatabase('tamis-erase-file-');
    const t = await setup({}, db.url);
    const first = await postOk(
      t,
      'a1',
      comment({ author: name, email, website, content: 'Un avis signé, marqueur-lisible-9.' }),
      {
        ip: '203.0.113.77',
        headers: { 'User-Agent': ua },
      },
    );
    t.clock.advance(120_000);
    const second = await postOk(
      t,
      'a2',
      comment({ author: name, email, website, content: 'Un second avis, plus long que le premier.' }),
      {
        ip: '203.0.113.78',
        headers: { 'User-Agent': ua },
      },
    );
    // A moderator's decision: the learner takes a lesson from the name and the browser.
    expect((await adminCall(t, 'PATCH', `/comments/${second.comment.id}`, { status: 'spam' })).status).toBe(200);
    t.clock.advance(120_000);
    await postOk(t, 'a1', comment({ content: `Écrivez à ${email} pour les détails.` }));
    await t.settled();
    const needles = [
      name,
      website,
      browser,
      email,
      ...(await sealed(t, first.comment.id)),
      ...(await sealed(t, second.comment.id)),
    ];
    // Everything is in the files before the erasure, so the scan can see it.
    expect(found(rawBytes(db.file), needles)).toEqual(needles);

    const { status, body } = await adminCall(t, 'POST', '/privacy/erase', { email });
    expect(status).toBe(200);
    expect(body.erased).toMatchObject({ comments: 2, mentions: 1 });

    // While the server runs: the -wal and the file, free pages included.
    const live = rawBytes(db.file);
    expect(live.includes(Buffer.from('marqueur-lisible-9'))).toBe(true);
    expect(found(live, needles), 'in the live files').toEqual([]);
    // After a clean close (which checkpoints whatever is left).
    clientOf(t).close();
    expect(found(rawBytes(db.file), needles), 'in the closed file').toEqual([]);
  });

  it('the retention purge leaves no part of the user agents, nor of the IP ciphertexts and hashes, in the file or the -wal', async () => {
    db = tempDatabase('tamis-purge-file-');
    const t = await setup({}, db.url);
    // A short comment and a long one (its record spills onto overflow pages).
    const long = `Un long commentaire, marqueur-lisible-8. ${'Les chiffres de ce trimestre méritent une lecture attentive. '.repeat(75)}`;
    const short = await postOk(t, 'a1', comment({ content: 'Un vieux commentaire.' }), {
      ip: '198.51.100.201',
      headers: { 'User-Agent': ua },
    });
    t.clock.advance(120_000);
    const tall = await postOk(t, 'a1', comment({ content: long }), {
      ip: '198.51.100.202',
      headers: { 'User-Agent': `${ua} PurgeLongBrowser/2.4` },
    });
    await t.settled();
    const needles = [
      browser,
      'PurgeLongBrowser/2.4',
      ...(await sealed(t, short.comment.id)).slice(2),
      ...(await sealed(t, tall.comment.id)).slice(2),
    ];
    expect(found(rawBytes(db.file), needles)).toEqual(needles);

    t.clock.advance(31 * DAY);
    expect(await purgeIfDue(t.deps)).toBe(2);
    const live = rawBytes(db.file);
    expect(live.includes(Buffer.from('marqueur-lisible-8'))).toBe(true);
    expect(found(live, needles), 'in the live files').toEqual([]);
    clientOf(t).close();
    expect(found(rawBytes(db.file), needles), 'in the closed file').toEqual([]);
  });

  it('another connection reading an old snapshot: the erasure is done all the same, says the -wal kept old pages, and the next scrub empties it', async () => {
    db = tempDatabase('tamis-erase-reader-');
    const t = await setup({}, db.url);
    // Reopened with a short busy timeout, as the busy tests do, to keep the test fast.
    clientOf(t).close();
    const opened = await openDatabase(db.url, undefined, { busyTimeoutMs: 100 });
    t.deps.db = opened.db;
    t.deps.scrubStorage = opened.scrubStorage;
    const logged: string[] = [];
    t.deps.logger = createLogger('warn', (line) => logged.push(line));
    await postOk(t, 'a1', comment({ author: name, email, website }), { headers: { 'User-Agent': ua } });
    await t.settled();

    const reader = openFile(db.url);
    const tx = await reader.transaction('read');
    await tx.execute('SELECT count(*) FROM comments');
    try {
      expect((await adminCall(t, 'POST', '/privacy/erase', { email })).body.erased).toMatchObject({ comments: 1 });
      expect(logged.map((line) => JSON.parse(line).msg)).toEqual(['storage.scrub_incomplete']);
      expect(found(rawBytes(db.file), [browser])).toEqual([browser]); // the -wal still holds the old page
    } finally {
      tx.close();
      reader.close();
    }
    expect(await t.deps.scrubStorage!()).toBe(true);
    expect(found(rawBytes(db.file), [name, website, browser, email])).toEqual([]);
    opened.client.close();
  });
});
