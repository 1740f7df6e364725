import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { inTurns, nodeListener } from '../../src/entry/node-server';
import { BROWSER_UA, comment, formToken, nextIp, path } from '../harness/client';
import { setup } from '../harness/node';
import { tempDatabase } from './server';

/** Writes start a few per turn of the event loop (inTurns in src/entry/node-server.ts). */
describe('writes admitted a few per turn', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('starts them in order, a group per turn, each group after the commit the one before scheduled', async () => {
    const turn = inTurns(3);
    const log: string[] = [];
    const started = Array.from({ length: 7 }, (_, i) =>
      turn().then(() => {
        log.push(`start ${i}`);
        // As a batch does: the first write of a group schedules the group's commit.
        if (i % 3 === 0) setImmediate(() => log.push(`commit ${i / 3}`));
      }),
    );
    await Promise.all(started);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([
      ...['start 0', 'start 1', 'start 2', 'commit 0'],
      ...['start 3', 'start 4', 'start 5', 'commit 1'],
      ...['start 6', 'commit 2'],
    ]);
  });

  it('answers every one of a burst of posts on the wire, stores each, and answers a read sent behind them', async () => {
    const db = tempDatabase();
    const t = await setup({}, db.url);
    const server = createServer(nodeListener(t.app, t.deps));
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tokens = await Promise.all(Array.from({ length: 30 }, () => formToken(t)));
    t.clock.advance(5_000);
    const posts = tokens.map((token) =>
      fetch(url + path('a'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
        body: JSON.stringify({ ...comment(), token }),
      }),
    );
    const read = fetch(url + path('a'));
    const answers = await Promise.all(posts);
    expect(answers.map((r) => r.status)).toEqual(tokens.map(() => 201));
    expect((await read).status).toBe(200);
    const [{ n }] = (await t.deps.db.all(sql`SELECT count(*) AS n FROM comments`)) as [{ n: number }];
    expect(n).toBe(30);
    await t.settled();
    db.remove();
  });
});
