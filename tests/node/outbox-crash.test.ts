import { afterEach, describe, expect, it } from 'vitest';
import { BROWSER_UA } from '../harness/client';
import { webhookReceiver } from '../harness/receiver';
import { openFile, sleep, startServer, stopServer, tempDatabase, type Server } from './server';

/**
 * kill -9 with notifications pending: the real Node entry in a child process posts comments while
 * the webhook receiver is down, is killed, and is started again with the receiver up. Every comment
 * answered 201 has its event delivered, each event id counted by the receiver.
 */

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

const pendingRows = async (url: string) => {
  const file = openFile(url);
  try {
    const { rows } = await file.execute("SELECT count(*) AS n FROM outbox WHERE state = 'pending'");
    return Number(rows[0]!.n);
  } finally {
    file.close();
  }
};

describe('kill -9 with outbox rows pending', () => {
  it('loses none: after a restart every acknowledged comment’s event is delivered, none twice', async () => {
    const db = tempDatabase('tamis-outbox-crash-');
    cleanup.push(db.remove);
    let up = false;
    const hook = await webhookReceiver(() => (up ? 200 : 503));
    cleanup.push(hook.close);
    const env = { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: 'whsec-crash-0123456789' };

    let server: Server = await startServer(db.url, env);
    cleanup.push(() => stopServer(server, 'SIGKILL'));
    const acknowledged: string[] = [];
    for (let n = 0; n < 30; n++) {
      const res = await fetch(`${server.url}/api/v1/articles/crash-${n % 5}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': `10.9.0.${n + 1}` },
        body: JSON.stringify({
          author: `Lecteur ${n}`,
          email: `lecteur.${n}@crash.example`,
          content: `Commentaire ${n} : il doit être annoncé au récepteur, même après une panne.`,
        }),
      });
      expect(res.status).toBe(201);
      acknowledged.push(((await res.json()) as { comment: { id: string } }).comment.id);
    }
    // Each event was tried once and refused (503): pending, its next attempt 15–30 s away.
    for (let i = 0; i < 50 && hook.received.length < 30; i++) await sleep(100);
    expect(hook.accepted().size).toBe(0);
    server.proc.kill('SIGKILL');
    expect(await server.exited).toBe('SIGKILL');
    expect(await pendingRows(db.url)).toBe(30);

    up = true;
    server = await startServer(db.url, env);
    // The loop's timer (15 s) finds them when their retry comes due.
    for (let i = 0; i < 600 && hook.accepted().size < 30; i++) await sleep(100);
    const accepted = hook.accepted();
    expect(accepted.size).toBe(30);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    const announced = hook.received.filter((d) => d.answered === 200).map((d) => d.body.data.comment.id as string);
    expect(announced.sort()).toEqual([...acknowledged].sort());
    // The dispatcher marks a row sent once its answer is in: the last one may still be on its way.
    let pending = await pendingRows(db.url);
    for (let i = 0; i < 100 && pending > 0; i++) {
      await sleep(100);
      pending = await pendingRows(db.url);
    }
    expect(pending).toBe(0);
    await stopServer(server);
  }, 120_000);
});
