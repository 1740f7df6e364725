import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { nodeListener } from '../../src/entry/node-server';
import { threadShortcut } from '../../src/http/thread-shortcut';
import { createLogger } from '../../src/logger';
import { comment, path, postOk } from '../harness/client';

/**
 * The Node entry answers thread reads without the router (src/http/thread-shortcut.ts). On the wire,
 * its answers must be the app's: the same request to a server with the shortcut and to one without
 * gets the same status, headers and body.
 */
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Headers as received, without the ones Node writes itself (Date, Connection, Keep-Alive). */
function wireHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of res.headers) if (!['date', 'connection', 'keep-alive'].includes(name)) out[name] = value;
  return out;
}

async function seeded(env: Record<string, string> = {}) {
  const t = await setup(env);
  const first = await postOk(t, 'a');
  await postOk(t, 'a', comment({ parentId: first.comment.id }));
  await postOk(t, 'a');
  await postOk(t, 'a');
  await postOk(t, '2026/09/nvidia-openai');
  const withShortcut = await listen(createServer(nodeListener(t.app, t.deps)));
  const without = await listen(createServer(nodeListener(t.app, t.deps, { shortcut: false })));
  return { t, withShortcut, without };
}

type Case = [target: string, headers?: Record<string, string>];

async function sameOnTheWire(withShortcut: string, without: string, cases: Case[]) {
  for (const [target, headers = {}] of cases) {
    const [a, b] = await Promise.all([fetch(withShortcut + target, { headers }), fetch(without + target, { headers })]);
    const [bodyA, bodyB] = await Promise.all([a.text(), b.text()]);
    const [ha, hb] = [wireHeaders(a), wireHeaders(b)];
    if (!/^[\w=-]{1,64}$/.test(headers['X-Request-Id'] ?? '')) {
      // Each server draws its own id for a request that brings none it keeps: both UUIDs.
      expect(ha['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(hb['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      delete ha['x-request-id'];
      delete hb['x-request-id'];
    }
    expect({ target, headers, status: a.status, wire: ha, body: bodyA }).toEqual({
      target,
      headers,
      status: b.status,
      wire: hb,
      body: bodyB,
    });
  }
}

describe('the thread-read shortcut of the Node entry', () => {
  it('answers like the app, header for header: 200, 304, CORS, request ids, queries, encoded ids', async () => {
    const { t, withShortcut, without } = await seeded({ ALLOWED_ORIGINS: 'https://site.example' });
    const first = await fetch(`${without}${path('a')}?limit=2`);
    const { nextCursor } = (await first.json()) as { nextCursor: string };
    const etag = first.headers.get('etag')!;
    expect(nextCursor).toBeTruthy();
    const cases: Case[] = [
      [path('a')],
      [`${path('a')}?limit=2`],
      [`${path('a')}?sort=newest&limit=1`],
      [`${path('a')}?limit=1&limit=3`],
      [`${path('a')}?limit=2&cursor=${nextCursor}`],
      [`${path('a')}?sort=`],
      [`${path('a')}?unknown=1&limit=2`],
      [`${path('a')}?limit=0`],
      [`${path('a')}?limit=abc`],
      [`${path('a')}?sort=sideways`],
      [`${path('a')}?limit=%32`],
      [path('2026/09/nvidia-openai')],
      [path('nobody-commented')],
      ['/api/v1/articles/%ZZ/comments'],
      [`/api/v1/articles/${'x'.repeat(201)}/comments`],
      [`${path('a')}?limit=2`, { 'If-None-Match': etag }],
      [`${path('a')}?limit=2`, { 'If-None-Match': `W/"other", ${etag}` }],
      [`${path('a')}?limit=2`, { 'If-None-Match': 'W/"other"' }],
      [path('a'), { Origin: 'https://site.example' }],
      [path('a'), { Origin: 'https://elsewhere.example' }],
      [path('a'), { 'X-Request-Id': 'kept-id_0123=' }],
      [path('a'), { 'X-Request-Id': 'not kept!' }],
      [path('a'), { 'X-Request-Id': 'x'.repeat(65) }],
      [path('a'), { Authorization: 'Bearer whatever' }],
      [`${path('a')}/`],
    ];
    await sameOnTheWire(withShortcut, without, cases);

    // …and it did answer the reads it is meant for, and left the others to the app.
    const shortcut = threadShortcut(t.deps);
    const header = (headers: Record<string, string>) => (name: string) =>
      Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    for (const [target, headers = {}] of cases.slice(0, 7)) {
      expect(await shortcut('GET', target, header(headers)), target).not.toBeNull();
    }
    for (const [target, headers = {}] of cases.filter(([target]) =>
      /limit=(0|abc|%32)|sideways|%ZZ|xxxx|\/$/.test(target),
    ))
      expect(await shortcut('GET', target, header(headers)), target).toBeNull();
    expect(await shortcut('GET', path('a'), header({ Authorization: 'Bearer x' }))).toBeNull();
    expect(await shortcut('HEAD', path('a'), header({}))).toBeNull();
    expect((await shortcut('GET', path('a'), header({ 'If-None-Match': etag.replace('-2-', '-50-') })))?.status).toBe(
      200,
    );
  });

  it('answers any origin with ALLOWED_ORIGINS=*, and a changed thread at once', async () => {
    const { t, withShortcut, without } = await seeded({ ALLOWED_ORIGINS: '*' });
    const before = await fetch(withShortcut + path('a'));
    await sameOnTheWire(withShortcut, without, [[path('a'), { Origin: 'https://any.example' }], [path('a')]]);
    await postOk(t, 'a');
    const after = await fetch(withShortcut + path('a'), { headers: { 'If-None-Match': before.headers.get('etag')! } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { total: number }).total).toBe(
      ((await before.json()) as { total: number }).total + 1,
    );
  });

  it('answers a read the cache holds in the same turn, and a changed thread after its write', async () => {
    const { t } = await seeded();
    const shortcut = threadShortcut(t.deps);
    const none = () => undefined;
    const first = shortcut('GET', path('a'), none);
    expect(first).toBeInstanceOf(Promise);
    const read = (await first)!;
    const etag = read.headers[read.headers.indexOf('ETag') + 1]!;

    // The settings, the article and the page are now in the read cache: no promise, no statement.
    const again = shortcut('GET', path('a'), none);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toMatchObject({ status: 200, body: read.body });
    const unchanged = shortcut('GET', path('a'), (name) => (name === 'if-none-match' ? etag : undefined));
    expect(unchanged).toMatchObject({ status: 304, body: null });

    // A comment changes the article's version: the old ETag no longer matches, the page is built anew.
    await postOk(t, 'a');
    const changed = await shortcut('GET', path('a'), (name) => (name === 'if-none-match' ? etag : undefined));
    expect(changed?.status).toBe(200);
    const thread = JSON.parse(new TextDecoder().decode(changed!.body!)) as { total: number };
    expect(thread.total).toBe((JSON.parse(new TextDecoder().decode(read.body!)) as { total: number }).total + 1);
  });

  it('writes the request log line the app writes', async () => {
    const { t, withShortcut, without } = await seeded();
    const lines: Record<string, unknown>[] = [];
    t.deps.logger = createLogger('info', (line) => lines.push(JSON.parse(line)));
    await fetch(withShortcut + path('a'), { headers: { 'X-Request-Id': 'one' } });
    await fetch(without + path('a'), { headers: { 'X-Request-Id': 'two' } });
    const requests = lines.filter((l) => l.msg === 'request').map(({ time, ms, ...rest }) => rest);
    expect(requests).toEqual([
      {
        level: 'info',
        msg: 'request',
        id: 'one',
        method: 'GET',
        route: '/api/v1/articles/:articleId/comments',
        status: 200,
      },
      {
        level: 'info',
        msg: 'request',
        id: 'two',
        method: 'GET',
        route: '/api/v1/articles/:articleId/comments',
        status: 200,
      },
    ]);
  });
});
