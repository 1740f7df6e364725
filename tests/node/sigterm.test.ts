import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BROWSER_UA, comment } from '../harness/client';
import { openFile, sleep, startServer, stopServer, tempDatabase, type Server } from './server';

let server: Server | undefined;
let db: ReturnType<typeof tempDatabase> | undefined;
afterEach(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  db?.remove();
  server = db = undefined;
});

/** A POST whose body is sent in two halves, so that the request is in flight for as long as we like. */
function slowPost(url: string, body: string) {
  const target = new URL('/api/v1/articles/sigterm/comments', url);
  let sendRest!: () => void;
  const answered = new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': BROWSER_UA,
          'X-Forwarded-For': '192.0.2.80',
          'Transfer-Encoding': 'chunked',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (s: string) => (text += s));
        res.on('end', () => done({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', fail);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    sendRest = () => req.end(body.slice(half));
  });
  return { answered, sendRest: () => sendRest() };
}

describe('SIGTERM', () => {
  it('stops accepting, finishes the request in flight, closes the database and exits 0', async () => {
    db = tempDatabase();
    server = await startServer(db.url);
    const body = JSON.stringify(comment({ content: 'Posté pendant l’arrêt du serveur.' }));

    const inFlight = slowPost(server.url, body);
    await sleep(300); // the server has the headers and half the body
    const stoppedAt = Date.now();
    server.proc.kill('SIGTERM');
    await sleep(300);

    // No new connections once stopping.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(server.proc.exitCode).toBeNull(); // still waiting for the request in flight

    inFlight.sendRest();
    const answer = await inFlight.answered;
    expect(answer.status).toBe(201);
    const id = (JSON.parse(answer.body) as { comment: { id: string } }).comment.id;

    const answeredAt = Date.now();
    expect(await server.exited).toBe(0);
    // Promptly once the answer is out (not after the keep-alive timeout, nor the 10 s safety timer).
    expect(Date.now() - answeredAt).toBeLessThan(2_000);
    expect(Date.now() - stoppedAt).toBeLessThan(8_000);
    expect(server.output()).toContain('"msg":"stopping"');

    const file = openFile(db.url);
    try {
      expect(
        (await file.execute({ sql: 'SELECT count(*) AS n FROM comments WHERE id = ?', args: [id] })).rows[0]!.n,
      ).toBe(1);
      expect((await file.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
    } finally {
      file.close();
    }
  }, 30_000);
});
