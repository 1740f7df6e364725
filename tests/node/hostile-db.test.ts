import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { setup, type NodeHarness } from '../harness/node';
import { BROWSER_UA, comment, nextIp, path, postOk } from '../harness/client';
import { clientOf } from './server';

/**
 * The same promise as tests/api/hostile.test.ts, checked on the database itself: a refused request
 * leaves every row of every table as it was. Then what only a real socket can send to the Node
 * server: broken request lines, raw bytes in headers, lying lengths, endless chunked bodies.
 */

/** Every row of every table, in order: the database as a string. */
async function dump(t: NodeHarness): Promise<string> {
  const client = clientOf(t);
  const tables = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await client.execute(`SELECT * FROM "${String(name)}" ORDER BY rowid`);
    parts.push(`${String(name)} ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

async function seeded() {
  const t = await setup();
  const first = await postOk(t, 'db', comment({ content: 'Déjà là.' }));
  await postOk(t, 'db', comment({ parentId: first.comment.id, content: 'Une réponse.' }));
  await t.settled();
  return { t, first };
}

// Near-valid submissions: one field replaced by something hostile. These are the likeliest to
// reach the insert, so the ones to check at the level of rows.
const hostile = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.integer({ min: 4_000, max: 66_000 }).map((n) => 'é'.repeat(n)),
  fc.constantFrom(
    '\u0000',
    '\ud800x',
    ' ',
    '\u200b',
    'a\u0000@b.fr',
    'x@y',
    'javascript:alert(1)',
    'https://ok.example/\u0000',
    'AAAAAAAAAAAAAAAAAAAAAA',
    '../../x',
  ),
  fc.constantFrom(null, 0, -1, 1.5, true, [], {}, ['a'], { $ne: 1 }),
);
const field = fc.constantFrom('author', 'email', 'website', 'content', 'parentId', 'token');

describe('a refused request changes no row of any table', () => {
  it('near-valid submissions with one hostile field (property)', async () => {
    const { t } = await seeded();
    await fc.assert(
      fc.asyncProperty(
        field,
        hostile,
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        async (name, value, type) => {
          const body = comment({ [name]: value });
          const text =
            type === 'application/json'
              ? JSON.stringify(body)
              : new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
          const before = await dump(t);
          const res = await t.request(path('db'), {
            method: 'POST',
            headers: { 'Content-Type': type, 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
            body: text,
          });
          await t.settled();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(await dump(t)).toBe(before);
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it('edits with a valid token and a hostile body', async () => {
    const { t, first } = await seeded();
    await fc.assert(
      fc.asyncProperty(hostile, async (content) => {
        const before = await dump(t);
        const res = await t.request(`/api/v1/comments/${first.comment.id}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${first.editToken}` },
          body: JSON.stringify({ content }),
        });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(await dump(t)).toBe(before);
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});

// ---- Raw sockets against the Node server --------------------------------------------------------

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function listen(t: NodeHarness) {
  const app = createApp(t.deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((done) => server.once('listening', () => done()));
  close = () => new Promise<void>((done) => server.close(() => done()));
  if ('closeAllConnections' in server) {
    const closeAll = close;
    close = () => {
      server.closeAllConnections();
      return closeAll();
    };
  }
  return (server.address() as AddressInfo).port;
}

/**
 * Writes raw bytes, then keeps writing `more()` (if given) until the server answers; resolves with
 * what came back (empty when the server just closed). How much of `more` was sent is reported.
 */
function raw(port: number, head: Buffer | string, more?: () => Buffer) {
  return new Promise<{ text: string; status: number | null; sentAfterHead: number }>((done) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let sent = 0;
    let answered = false;
    const finish = () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      done({ text, status: status ? Number(status[1]) : null, sentAfterHead: sent });
    };
    socket.on('data', (d) => {
      text += d.toString('latin1');
      answered = true;
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.setTimeout(5_000, () => socket.destroy());
    socket.write(head);
    if (more) {
      const pump = () => {
        while (!answered && !socket.destroyed && sent < 50 * 1024 * 1024) {
          const chunk = more();
          sent += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    }
    setTimeout(() => socket.end(), 1_500).unref();
  });
}

const chunk = (data: Buffer) =>
  Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);

describe('raw requests to the Node server', () => {
  it('an endless chunked body without Content-Length is answered 413 long before it ends', async () => {
    const { t } = await seeded();
    const port = await listen(t);
    const before = await dump(t);
    const head = `POST ${path('db')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const res = await raw(port, head, () => chunk(Buffer.alloc(16 * 1024, 0x20)));
    expect(res.status).toBe(413);
    expect(res.text).toContain('application/problem+json');
    expect(res.sentAfterHead).toBeLessThan(40 * 1024 * 1024); // it did not wait for the client to stop
    expect(await dump(t)).toBe(before);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('a declared length over the limit is answered 413 from the header, without waiting for the body', async () => {
    const { t } = await seeded();
    const port = await listen(t);
    const before = await dump(t);
    const head = `POST ${path('db')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 + 1}\r\n\r\n{"author":`;
    const res = await raw(port, head); // the rest of the body never comes
    expect(res.status).toBe(413);
    expect(res.text).toContain('payload_too_large');
    expect(await dump(t)).toBe(before);
  });

  it('broken request lines, raw bytes, NUL and oversized headers, lying lengths: no 5xx, nothing stored, still serving', async () => {
    const { t } = await seeded();
    const port = await listen(t);
    const before = await dump(t);
    const body = JSON.stringify(comment());
    const post = (extra: string, payload: string | Buffer = body) =>
      Buffer.concat([
        Buffer.from(
          `POST ${path('db')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nUser-Agent: ${BROWSER_UA}\r\nConnection: close\r\n${extra}\r\n`,
          'latin1',
        ),
        Buffer.from(payload),
      ]);
    const cases: [string, Buffer][] = [
      [
        'raw bytes in the path',
        Buffer.from([
          ...Buffer.from('GET /api/v1/articles/'),
          0xff,
          0xfe,
          0xed,
          0xa0,
          0x80,
          ...Buffer.from('/comments HTTP/1.1\r\nHost: x\r\n\r\n'),
        ]),
      ],
      ['NUL in the path', Buffer.from('GET /api/v1/articles/a\u0000b/comments HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')],
      ['space in the path', Buffer.from('GET /api/v1/articles/a b/comments HTTP/1.1\r\nHost: x\r\n\r\n')],
      [
        'not HTTP',
        Buffer.from('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003garbage\r\n\r\n', 'latin1'),
      ],
      [
        'obs-text header values',
        post(
          `Content-Length: ${Buffer.byteLength(body)}\r\nAccept-Language: fr\u00e9\u00ff;q=0.9\r\nX-Forwarded-For: 1.2.3.4\u00a0\r\n`,
        ),
      ],
      ['NUL in a header', post(`Content-Length: ${Buffer.byteLength(body)}\r\nX-Forwarded-For: 1.2.3.4\u0000\r\n`)],
      ['a 20 KiB header', post(`Content-Length: ${Buffer.byteLength(body)}\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n`)],
      ['Content-Length shorter than the body', post('Content-Length: 10\r\n')],
      [
        'Content-Length and Transfer-Encoding both',
        post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', `${chunk(Buffer.from(body))}0\r\n\r\n`),
      ],
      ['two Content-Lengths', post(`Content-Length: 5\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`)],
      ['negative Content-Length', post('Content-Length: -1\r\n')],
      ['huge Content-Length, body cut short', post('Content-Length: 99999999999\r\n')],
      ['broken chunk sizes', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n')],
      [
        'invalid UTF-8 in a JSON body',
        post(
          'Content-Length: 20\r\nX-Forwarded-For: 192.0.2.50\r\n',
          Buffer.from([
            0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x2c, 0x22, 0x62, 0x22,
            0x3a, 0x7d,
          ]),
        ),
      ],
    ];
    let state = before;
    for (const [label, bytes] of cases) {
      const res = await raw(port, bytes);
      if (res.status !== null) expect(res.status, label).toBeLessThan(500);
      const now = await dump(t);
      // Only a well-formed submission that was answered 201 may have stored something.
      if (res.status !== 201) expect(now, label).toBe(state);
      state = now;
    }
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // And a well-formed submission still goes through.
    const fresh = JSON.stringify(comment());
    const ok = await raw(
      port,
      post(`Content-Length: ${Buffer.byteLength(fresh)}\r\nX-Forwarded-For: 192.0.2.51\r\n`, fresh),
    );
    expect(ok.status).toBe(201);
  }, 30_000);

  it('a client that gives up half-way through its body leaves nothing behind', async () => {
    const { t } = await seeded();
    const port = await listen(t);
    const before = await dump(t);
    const body = JSON.stringify(comment());
    await new Promise<void>((done) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST ${path('db')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
        );
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => done());
      socket.on('error', () => undefined);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await dump(t)).toBe(before);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
