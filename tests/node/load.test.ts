import { afterEach, describe, expect, it } from 'vitest';
import { BROWSER_UA, comment } from '../harness/client';
import { openFile, sleep, startServer, stopServer, tempDatabase, type Server } from './server';

const POSTS = 200;
const ARTICLES = 50;

let server: Server | undefined;
let db: ReturnType<typeof tempDatabase> | undefined;
afterEach(async () => {
  if (server) await stopServer(server);
  db?.remove();
  server = db = undefined;
});

describe('200 concurrent submissions on the real Node server and a file database', () => {
  it('stores exactly 200 rows, answers no 5xx, and the counts equal the rows', async () => {
    db = tempDatabase();
    // Debug logging on, so the log scan below covers a request line for every submission.
    server = await startServer(db.url, { LOG_LEVEL: 'debug' });
    const base = server.url;

    const submissions = Array.from({ length: POSTS }, (_, i) => ({
      article: `load-${i % ARTICLES}`,
      ip: `203.0.${113 + (i >> 8)}.${i & 255}`,
      body: comment({
        email: `reader.${i}@load.example`,
        content: `Réponse numéro ${i} : une remarque sur le fond de cet article.`,
      }),
    }));
    // Real browsers fetch the form first; the submissions go out after minSeconds, all at once.
    const tokens = await Promise.all(
      submissions.map(async (s) => {
        const res = await fetch(`${base}/api/v1/articles/${s.article}/form`);
        return (await res.json()) as { token: string; minSeconds: number };
      }),
    );
    await sleep(tokens[0]!.minSeconds * 1000 + 500);

    // Meanwhile another connection (a backup, a script, a second instance) takes the write lock for
    // 150 ms at a time: the server must wait for it, not fail.
    const other = openFile(db.url);
    let hold = true;
    const holder = (async () => {
      while (hold) {
        const tx = await other.transaction('write');
        await tx.execute(
          "INSERT INTO meta (key, value) VALUES ('load-test', '1') ON CONFLICT (key) DO UPDATE SET value = value + 1",
        );
        await sleep(150);
        await tx.commit();
        await sleep(150);
      }
    })();
    let results: { status: number; body: { comment?: { id: string; status: string } } }[];
    try {
      results = await Promise.all(
        submissions.map(async (s, i) => {
          const res = await fetch(`${base}/api/v1/articles/${s.article}/comments`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': s.ip },
            body: JSON.stringify({ ...s.body, token: tokens[i]!.token }),
          });
          return { status: res.status, body: (await res.json()) as { comment?: { id: string; status: string } } };
        }),
      );
    } finally {
      hold = false;
      await holder;
      other.close();
    }
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 201: POSTS });
    expect(results.filter((r) => r.body.comment?.status === 'approved')).toHaveLength(POSTS);

    // The counts endpoint (100 ids at most per call) against the rows in the file.
    const query = submissions
      .slice(0, ARTICLES)
      .map((s) => `article=${s.article}`)
      .join('&');
    const counts = (
      (await (await fetch(`${base}/api/v1/counts?${query}`)).json()) as { counts: Record<string, number> }
    ).counts;
    const file = openFile(db.url);
    try {
      const rows = await file.execute('SELECT article_id AS a, count(*) AS n FROM comments GROUP BY article_id');
      const byArticle = Object.fromEntries(rows.rows.map((r) => [String(r.a), Number(r.n)]));
      expect(Object.values(byArticle).reduce((a, b) => a + b, 0)).toBe(POSTS);
      expect(counts).toEqual(byArticle);
      expect(Object.values(counts).every((n) => n === POSTS / ARTICLES)).toBe(true);
      const ids = new Set((await file.execute('SELECT id FROM comments')).rows.map((r) => String(r.id)));
      for (const r of results) expect(ids.has(r.body.comment!.id)).toBe(true);
    } finally {
      file.close();
    }

    // Nothing personal in the server's own output, even at debug level.
    const output = server.output();
    expect(output).toContain('comment.created');
    for (const s of submissions) {
      expect(output).not.toContain(s.body.email as string);
      expect(output).not.toContain(s.ip);
    }
  }, 60_000);
});
