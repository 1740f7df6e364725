import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import worker, { type WorkerEnv } from '../../src/entry/worker';
import { LIMITS } from '../../src/entry/worker-limits';
import { exportCursor, exportLines, type ExportCursor } from '../../src/services/export';
import { pruneLearner } from '../../src/services/lessons';
import { purgeIfDue } from '../../src/services/retention';
import { admin, BROWSER_UA, comment, nextIp, path } from '../harness/client';
import { commentLines, importAll, pendingIds, text } from '../harness/seed';
import { TEST_ENV } from '../harness/types';
import { costOfTask, resetDatabase, setup, takeMeasured, type Measured, type WorkerHarness } from '../harness/worker';

/**
 * Each path's cost in workerd on D1, through the metered binding (src/entry/worker-limits.ts):
 * the public paths within the Free plan (50 statements, 100 bound parameters), the admin paths that
 * scale with their input split into requests within the Paid plan (1,000 statements; every test of
 * the workers project checks that: tests/workers/limits.setup.ts). The figures printed (`LIMITS`
 * lines) are the table of docs/edge.md.
 */

/** Imports the lines, following `complete: false`; with a label, each request's cost goes in the table. */
const importLines = (t: WorkerHarness, lines: string[], label?: string) =>
  importAll(t, lines, async (round) => {
    if (label) for (const m of await takeMeasured()) report(`${label}: request ${round + 1}`, m, 'paid');
  });

/** The cost of the one request `send` makes (waiting for its background work). */
async function costOf(send: () => Promise<Response>, status: number): Promise<Measured> {
  await takeMeasured();
  const res = await send();
  if (res.status !== status) throw new Error(`${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  const [measured, ...more] = await takeMeasured();
  expect(more).toEqual([]);
  return measured!;
}

const table: string[] = [];
/** Rounds of the public paths (the first warms the isolate up). */
const ROUNDS = 11;
function report(label: string, m: Measured, plan: 'free' | 'paid') {
  const c = m.cost;
  table.push(
    `LIMITS | ${label} | ${c.statements} | ${c.calls} | ${c.maxParams} | ${c.maxSqlBytes} | ${c.cpuMs.toFixed(0)} | ${c.wallMs.toFixed(0)} | ${plan}`,
  );
  console.log(table.at(-1));
  expect(c.statements, `${label}: statements`).toBeLessThanOrEqual(LIMITS[plan].statements);
  expect(c.maxParams, `${label}: bound parameters`).toBeLessThanOrEqual(LIMITS[plan].params);
}

/** The median of a list of numbers. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('public paths within the Free plan (50 statements a request)', () => {
  it('form token, post with every check and the learner, thread pages, counts of 100 articles, edit, withdrawal', async () => {
    const t = await setup();
    // A trained learner (imported spam and approved comments teach it), a moderation list, and a thread of 120.
    await importLines(t, [
      ...commentLines('hot', 120),
      ...commentLines('other', 40, (i) => ({ status: i % 2 ? 'spam' : 'approved', trained: i % 2 ? 'spam' : 'ham' })),
    ]);
    const lists = await admin(t, '/lists', {
      method: 'POST',
      body: JSON.stringify({ list: 'moderation', kind: 'word', value: 'casino' }),
    });
    expect(lists.status).toBeLessThan(300);
    await takeMeasured();
    const costs = new Map<string, Measured[]>();
    const measure = async (label: string, send: () => Promise<Response>, status: number) => {
      const m = await costOf(send, status);
      costs.set(label, [...(costs.get(label) ?? []), m]);
    };
    const articles = Array.from({ length: 100 }, (_, i) => (i === 0 ? 'hot' : `article-${i}`));
    // Rounds after a first one that warms the isolate up (JIT, the spam checks' tables): CPU is the median.
    for (let round = 0; round < ROUNDS; round++) {
      let token = '';
      await measure(
        'GET form token',
        async () => {
          const res = await t.request('/api/v1/articles/hot/form');
          token = ((await res.clone().json()) as { token: string }).token;
          return res;
        },
        200,
      );
      t.clock.advance(5_000);
      let posted: { comment: { id: string }; editToken: string } | undefined;
      await measure(
        'POST comment (every check, learner)',
        async () => {
          const res = await t.request(path('hot'), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
            body: JSON.stringify({ token, ...comment({ content: text(9000 + round, 60) }) }),
          });
          posted = (await res.clone().json()) as typeof posted;
          return res;
        },
        201,
      );
      // Past the read cache's second: every read goes to D1, as the first reader of an isolate does.
      t.clock.advance(2_000);
      let next = '';
      let etag = '';
      await measure(
        'GET thread, page 1',
        async () => {
          const res = await t.request(path('hot'));
          next = ((await res.clone().json()) as { nextCursor: string }).nextCursor;
          etag = res.headers.get('etag')!;
          return res;
        },
        200,
      );
      t.clock.advance(2_000);
      await measure('GET thread, page 2', () => t.request(`${path('hot')}?cursor=${encodeURIComponent(next)}`), 200);
      t.clock.advance(2_000);
      await measure(
        'GET thread, If-None-Match (304)',
        () => t.request(path('hot'), { headers: { 'If-None-Match': etag } }),
        304,
      );
      await measure(
        'GET counts, 100 articles',
        () => t.request(`/api/v1/counts?${articles.map((id) => `article=${id}`).join('&')}`),
        200,
      );
      t.clock.advance(6_000);
      const own = { 'User-Agent': BROWSER_UA, Authorization: `Bearer ${posted!.editToken}` };
      await measure(
        'PATCH own comment (edit)',
        () =>
          t.request(`/api/v1/comments/${posted!.comment.id}`, {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json', ...own },
            body: JSON.stringify({ content: text(5000 + round, 50) }),
          }),
        200,
      );
      t.clock.advance(6_000);
      await measure(
        'DELETE own comment (withdrawal)',
        () => t.request(`/api/v1/comments/${posted!.comment.id}`, { method: 'DELETE', headers: own }),
        204,
      );
    }
    for (const [label, list] of costs) {
      const warm = list.slice(1);
      const worst = list.reduce((a, b) => (b.cost.statements > a.cost.statements ? b : a));
      const cpu = median(warm.map((m) => m.cost.cpuMs));
      table.push(
        `FREE | ${label} | ${worst.cost.statements} | ${worst.cost.maxParams} | ${Math.max(...list.map((m) => m.cost.maxSqlBytes))} | ${cpu.toFixed(1)} | ${Math.max(...warm.map((m) => m.cost.cpuMs)).toFixed(0)} | ${median(warm.map((m) => m.cost.wallMs)).toFixed(1)}`,
      );
      console.log(table.at(-1));
      for (const m of list) {
        expect(m.cost.statements, `${label}: statements`).toBeLessThanOrEqual(LIMITS.free.statements);
        expect(m.cost.maxParams, `${label}: bound parameters`).toBeLessThanOrEqual(LIMITS.free.params);
      }
      // CPU (wall time beside D1, an upper bound): the median of the warm rounds within the Free plan's
      // 10 ms; the post runs at about half of it, on this machine while the rest of the suite runs.
      expect(cpu, `${label}: CPU ms, median`).toBeLessThanOrEqual(LIMITS.free.cpuMs);
    }
  });
});

describe('admin paths that scale with their input, split within the Paid plan (1,000 statements a request)', () => {
  it('a bulk decision on 500 comments completes through its continuations and says what was done', async () => {
    // With a webhook: each decision queues an event in its batch, and the outbox sends them after the answer (waitUntil).
    const t = await setup({ WEBHOOK_URL: inject('peers').webhook, WEBHOOK_SECRET: 'limits-webhook-secret-0123456789' });
    await importLines(
      t,
      commentLines('bulk', 500, () => ({ status: 'pending' })),
    );
    const ids = await pendingIds(t);
    expect(ids).toHaveLength(500);
    await takeMeasured();
    let body: object = { ids, status: 'spam' };
    const decided: { id: string; ok: boolean }[] = [];
    let updated = 0;
    let failed = 0;
    let requests = 0;
    for (;;) {
      const res = await admin(t, '/comments/bulk', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      // Its waitUntil work (the outbox's run) ends before the next request, as each is its own invocation.
      await t.settled();
      const answer = (await res.json()) as {
        results: { id: string; ok: boolean }[];
        updated: number;
        failed: number;
        complete: boolean;
        continuation: string | null;
      };
      requests++;
      decided.push(...answer.results);
      updated += answer.updated;
      failed += answer.failed;
      if (answer.complete) {
        expect(answer.continuation).toBeNull();
        break;
      }
      body = { continuation: answer.continuation };
    }
    const costs = await takeMeasured();
    expect(costs).toHaveLength(requests);
    for (const [i, m] of costs.entries())
      report(`POST bulk, 500 comments to spam: request ${i + 1}/${requests}`, m, 'paid');
    expect(requests).toBeGreaterThan(1);
    // A result for every id, once; every comment is spam, and the learner was taught by all.
    expect(decided.filter((r) => r.ok)).toHaveLength(500);
    expect(new Set(decided.map((r) => r.id))).toEqual(new Set(ids));
    expect({ updated, failed }).toEqual({ updated: 500, failed: 0 });
    expect(await pendingIds(t)).toEqual([]);
    const spam = (await (await admin(t, '/spam/stats')).json()) as Record<string, unknown>;
    console.log(JSON.stringify(spam).slice(0, 300));
  });

  it('refuses a continuation token it did not write', async () => {
    const t = await setup();
    const res = await admin(t, '/comments/bulk', {
      method: 'POST',
      body: JSON.stringify({ continuation: 'bm90LWEtdG9rZW4' }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('validation_failed');
  });
});

describe('privacy erasure of a person with many comments', () => {
  it('erases 900 comments and the mentions of the address over several requests, each within the Paid plan', async () => {
    const t = await setup();
    const email = 'prolixe@exemple.fr';
    await importLines(t, [
      ...commentLines('erase-1', 450, () => ({ email, name: 'Prolixe Dupont' })),
      ...commentLines('erase-2', 450, () => ({ email, name: 'Prolixe Dupont' })),
      ...commentLines('erase-3', 5),
    ]);
    // Quoted by others: through the API, as readers quote.
    for (let i = 0; i < 3; i++) await postOkQuoting(t, email);
    await takeMeasured();
    const answers: { erased: Record<string, number>; complete: boolean }[] = [];
    for (let round = 0; round < 20; round++) {
      const res = await admin(t, '/privacy/erase', { method: 'POST', body: JSON.stringify({ email }) });
      expect(res.status).toBe(200);
      answers.push((await res.json()) as (typeof answers)[number]);
      if (answers.at(-1)!.complete) break;
    }
    const costs = await takeMeasured();
    for (const [i, m] of costs.entries())
      report(`POST privacy/erase, 900 comments: request ${i + 1}/${costs.length}`, m, 'paid');
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.at(-1)!.complete).toBe(true);
    const sum = (key: string) => answers.reduce((n, a) => n + a.erased[key]!, 0);
    expect(sum('comments')).toBe(900);
    expect(sum('mentions')).toBe(3);
    // Nothing is left to find: the next request erases nothing.
    const again = (await (
      await admin(t, '/privacy/erase', { method: 'POST', body: JSON.stringify({ email }) })
    ).json()) as {
      erased: Record<string, number>;
      complete: boolean;
    };
    expect(again).toMatchObject({ erased: { comments: 0, mentions: 0 }, complete: true });
    const search = (await (await admin(t, `/comments?q=${encodeURIComponent(email)}`)).json()) as {
      comments: unknown[];
    };
    expect(search.comments).toEqual([]);
  });
});

async function postOkQuoting(t: WorkerHarness, email: string) {
  const token = ((await (await t.request('/api/v1/articles/erase-3/form')).json()) as { token: string }).token;
  t.clock.advance(5_000);
  const res = await t.request(path('erase-3'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp() },
    body: JSON.stringify({ token, ...comment({ content: `Écrivez-lui à ${email} pour le compte rendu du conseil.` }) }),
  });
  expect([201]).toContain(res.status);
}

/** An NDJSON body as text (workerd warns on .text() for a type it does not know as text). */
const textOf = async (res: Response) => new TextDecoder().decode(await res.arrayBuffer());

describe('the export', () => {
  it('streams within the budget; a bigger export is answered in parts that continuation lines link', async () => {
    const t = await setup();
    await importLines(t, [...commentLines('exp-1', 700), ...commentLines('exp-2', 500)]);
    await takeMeasured();
    const whole = await admin(t, '/export');
    expect(whole.status).toBe(200);
    const wholeLines = (await textOf(whole)).trim().split('\n');
    const [measured] = await takeMeasured();
    report('GET export, 1,200 comments', measured!, 'paid');
    expect(wholeLines.filter((l) => l.includes('"type":"comment"'))).toHaveLength(1200);
    expect(wholeLines.some((l) => l.includes('"type":"continuation"'))).toBe(false);

    // The same export in parts of at most 8 reads (100 comments a page): each part ends with where to go on.
    const parts: string[][] = [];
    let from: ExportCursor | null = null;
    for (let part = 0; part < 20; part++) {
      const lines: string[] = [];
      for await (const chunk of exportLines(t.deps, { from, statements: 8, commentsPerPage: 100 }))
        lines.push(...chunk.trim().split('\n'));
      parts.push(lines);
      const last = JSON.parse(lines.at(-1)!) as { type: string; continuation?: string };
      if (last.type !== 'continuation') break;
      from = exportCursor(last.continuation!);
      // The token goes through the endpoint too, which answers the next part.
      if (part === 0) {
        const next = await admin(t, `/export?continuation=${encodeURIComponent(last.continuation!)}`);
        expect(next.status).toBe(200);
        const nextLines = (await textOf(next)).trim().split('\n');
        expect(nextLines.filter((l) => l.includes('"type":"comment"'))).toHaveLength(1200 - 100);
        expect(nextLines[0]).toContain('"type":"comment"');
      }
    }
    expect(parts.length).toBeGreaterThan(3);
    const joined = parts.flat().filter((l) => !l.includes('"type":"continuation"'));
    expect(joined).toEqual(wholeLines);
    expect((await admin(t, '/export?continuation=bm9wZQ')).status).toBe(422);
  });
});

describe("the import, the retention purge and the learner's pruning", () => {
  it('stay within the Paid plan: the import over several requests, the purge and the pruning bounded per run', async () => {
    const t = await setup();
    await takeMeasured();
    // 1,500 comments, a third of them trained (the learner is taught, and the purge revises lessons).
    await importLines(
      t,
      commentLines('bulk-import', 1500, (i) =>
        i % 3 === 0 ? { status: 'spam', trained: 'spam' } : i % 3 === 1 ? { status: 'approved', trained: 'ham' } : {},
      ),
      'POST import, 1,500 comments (500 trained)',
    );
    const pruning = await costOfTask(() => pruneLearner(t.deps));
    report('learner pruning', { method: 'task', path: 'pruneLearner', cost: pruning.cost }, 'paid');
    // Past the retention (30 days): the hourly purge clears IPs and user agents, revising 1,000 lessons at most a run.
    t.clock.advance(60 * 86_400_000);
    for (let run = 1; run <= 3; run++) {
      const purge = await costOfTask(() => purgeIfDue(t.deps));
      report(`retention purge (cron), run ${run}`, { method: 'task', path: 'purgeIfDue', cost: purge.cost }, 'paid');
      t.clock.advance(3_600_000);
    }
    const left = (await (await admin(t, '/comments?limit=100')).json()) as { comments: { ip: string | null }[] };
    expect(left.comments.every((c) => c.ip === null)).toBe(true);
  });
});

describe('DEBUG_LIMITS in the Workers entry (wrangler dev)', () => {
  it("logs each request's cost, its waitUntil work included, and the limits it crossed", async () => {
    await resetDatabase();
    const bindings: WorkerEnv = {
      ...env,
      ADMIN_TOKEN: TEST_ENV.ADMIN_TOKEN,
      SECRET: TEST_ENV.SECRET,
      LOG_LEVEL: 'warn',
      DEBUG_LIMITS: '1',
    };
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`https://tamis.example.com${path('debug-limits')}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'CF-Connecting-IP': '203.0.113.77' },
          body: JSON.stringify(comment()),
        }),
        bindings,
        ctx,
      );
      expect(res.status).toBe(201);
      await waitOnExecutionContext(ctx);
      await vi.waitFor(() => expect(lines.some((l) => l.includes('"limits"'))).toBe(true));
    } finally {
      spy.mockRestore();
    }
    const logged = JSON.parse(lines.find((l) => l.includes('"limits"'))!) as Record<string, unknown>;
    expect(logged).toMatchObject({ method: 'POST', route: path('debug-limits'), overPaid: [] });
    expect(logged.statements).toBeGreaterThan(3);
    expect(logged.maxParams).toBeGreaterThan(0);
    expect(typeof logged.cpuMs).toBe('number');
  });
});
