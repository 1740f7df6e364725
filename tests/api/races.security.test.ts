import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { setup } from '@harness';
import { BROWSER_UA, adminCall, comment, post, postOk, thread, type ThreadNode } from '../harness/client';

type T = Awaited<ReturnType<typeof setup>>;

const authorCall = (t: T, id: string, token: string, method: 'PATCH' | 'DELETE', body?: unknown) =>
  t.request(`/api/v1/comments/${id}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, Authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Every node of a public thread, depth first. */
const flatten = (nodes: ThreadNode[]): ThreadNode[] => nodes.flatMap((n) => [n, ...flatten(n.replies)]);

/** A held comment (no form token, no user agent), then approved by a moderator: the learner is trained with it (ham). */
async function trainedComment(t: T, articleId: string) {
  const held = (await (
    await post(t, articleId, comment(), { noToken: true, headers: { 'User-Agent': '' } })
  ).json()) as any;
  expect(held.comment.status).toBe('pending');
  expect((await adminCall(t, 'PATCH', `/comments/${held.comment.id}`, { status: 'approved' })).status).toBe(200);
  return held as { comment: { id: string }; editToken: string };
}

const learnerSums = async (t: T) =>
  (
    await t.deps.db.all<{ spam: number; ham: number }>(
      sql`SELECT coalesce(sum(spam), 0) AS spam, coalesce(sum(ham), 0) AS ham FROM learner_tokens`,
    )
  )[0]!;

describe('no answer tells whether an address has posted', () => {
  it('flood control by IP answers before the duplicate check: a guessed email is never told apart', async () => {
    const t = await setup();
    const victim = comment({ email: 'victime@exemple.fr' });
    await postOk(t, 'a1', victim);
    const attacker = '203.0.113.66';
    await postOk(t, 'a2', comment(), { ip: attacker }); // the attacker's IP is now in the flood window
    const answers = [];
    for (const email of ['nobody@exemple.fr', 'victime@exemple.fr', 'someone@exemple.fr']) {
      const res = await post(t, 'a1', { ...victim, email }, { ip: attacker, noToken: true });
      answers.push([res.status, res.headers.get('retry-after'), ((await res.json()) as any).code]);
    }
    expect(answers.map(([status]) => status)).toEqual([429, 429, 429]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('out of the flood window, the right and the wrong guess get the same answer', async () => {
    const t = await setup();
    const victim = comment({ email: 'victime@exemple.fr' });
    await postOk(t, 'a1', victim);
    const right = (await (await post(t, 'a1', victim)).json()) as any;
    const wrong = (await (await post(t, 'a1', { ...victim, email: 'devine@exemple.fr' })).json()) as any;
    expect(right.comment.status).toBe(wrong.comment.status);
  });
});

describe('a lost race is a 409, never a silent overwrite', () => {
  it("an author's edits racing a moderator's spam decision never undo it", async () => {
    for (let round = 0; round < 4; round++) {
      const t = await setup();
      const posted = await postOk(t, 'a1');
      const id = posted.comment.id;
      const edits = Array.from({ length: 8 }, (_, i) =>
        authorCall(t, id, posted.editToken, 'PATCH', { content: `Texte corrigé, version ${i}.` }),
      );
      const decision = adminCall(t, 'PATCH', `/comments/${id}`, { status: 'spam' });
      const [decided, ...edited] = await Promise.all([decision, ...edits]);
      for (const e of edited) expect([200, 409, 429]).toContain(e.status);
      if (decided.status === 200) {
        expect((await adminCall(t, 'GET', `/comments/${id}`)).body.comment.status, `round ${round}`).toBe('spam');
        expect((await thread(t, 'a1')).total).toBe(0);
      } else {
        expect(decided.status).toBe(409);
      }
    }
  });

  it('the same decision sent twice at once is applied, learnt and audited once', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a1');
    const id = posted.comment.id;
    const answers = await Promise.all([1, 2].map(() => adminCall(t, 'PATCH', `/comments/${id}`, { status: 'spam' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const audits = await t.deps.db.all(
      sql`SELECT id FROM audit_log WHERE target_id = ${id} AND action = 'comment.update'`,
    );
    expect(audits).toHaveLength(1);
    const total = await t.deps.db.all<{ spam: number }>(sql`SELECT spam FROM learner_tokens WHERE token = '#total'`);
    expect(total[0]!.spam).toBe(1);
  });

  it("two simultaneous author edits revise a trained comment's lesson once", async () => {
    const t = await setup();
    const held = await trainedComment(t, 'a1');
    const id = held.comment.id;
    const [a, b] = await Promise.all([
      authorCall(t, id, held.editToken, 'PATCH', {
        content: 'Première correction, avec des mots tout neufs : astrolabe, boussole.',
      }),
      authorCall(t, id, held.editToken, 'PATCH', {
        content: 'Seconde correction, avec d’autres mots : sextant, gouvernail.',
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    // Taking the (only) ham lesson back must leave no ham anywhere.
    expect((await adminCall(t, 'PATCH', `/comments/${id}`, { status: 'trash' })).status).toBe(200);
    expect((await adminCall(t, 'PATCH', `/comments/${id}`, { status: 'spam' })).status).toBe(200);
    expect((await learnerSums(t)).ham).toBe(0);
  });

  it('the same comment deleted twice at once: one 204, one 404, its replies moved once', async () => {
    const t = await setup();
    const top = await postOk(t, 'a1');
    const middle = await postOk(t, 'a1', comment({ parentId: top.comment.id }));
    const reply = await postOk(t, 'a1', comment({ parentId: middle.comment.id }));
    const answers = await Promise.all([
      adminCall(t, 'DELETE', `/comments/${middle.comment.id}`),
      authorCall(t, middle.comment.id, middle.editToken, 'DELETE'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([204, 404]);
    const shown = await thread(t, 'a1');
    expect(shown.total).toBe(2);
    expect(shown.comments[0]!.replies.map((r) => r.id)).toEqual([reply.comment.id]);
    const moved = (await adminCall(t, 'GET', `/comments/${reply.comment.id}`)).body.comment;
    expect(moved).toMatchObject({ parentId: top.comment.id, rootId: top.comment.id, depth: 2 });
  });

  it('a reply posted while its parent is deleted is refused, or shown: never answered approved and lost', async () => {
    for (let round = 0; round < 4; round++) {
      const t = await setup();
      const parent = await postOk(t, 'a1');
      const [deleted, ...replies] = await Promise.all([
        adminCall(t, 'DELETE', `/comments/${parent.comment.id}`),
        ...Array.from({ length: 5 }, () => post(t, 'a1', comment({ parentId: parent.comment.id }), { noToken: true })),
      ]);
      expect(deleted.status).toBe(204);
      const shown = await thread(t, 'a1');
      const ids = flatten(shown.comments).map((c) => c.id);
      for (const replied of replies) {
        if (replied.status === 404) continue;
        expect(replied.status).toBe(201);
        const body = (await replied.json()) as any;
        if (body.comment.status === 'approved') expect(ids, `round ${round}`).toContain(body.comment.id);
      }
      expect(shown.total).toBe(flatten(shown.comments).length);
    }
  });

  it('deleting a parent and its reply at once keeps the thread whole', async () => {
    const t = await setup();
    const top = await postOk(t, 'a1');
    const parent = await postOk(t, 'a1', comment({ parentId: top.comment.id }));
    const reply = await postOk(t, 'a1', comment({ parentId: parent.comment.id }));
    const grandchild = await postOk(t, 'a1', comment({ parentId: reply.comment.id }));
    const answers = await Promise.all([
      adminCall(t, 'DELETE', `/comments/${parent.comment.id}`),
      adminCall(t, 'DELETE', `/comments/${reply.comment.id}`),
    ]);
    expect(answers.map((a) => a.status)).toEqual([204, 204]);
    const shown = await thread(t, 'a1');
    expect(flatten(shown.comments).map((c) => c.id)).toEqual([top.comment.id, grandchild.comment.id]);
    expect(shown.total).toBe(2);
    const moved = (await adminCall(t, 'GET', `/comments/${grandchild.comment.id}`)).body.comment;
    expect(moved).toMatchObject({ parentId: top.comment.id, rootId: top.comment.id, depth: 2 });
  });
});

describe('what the thread shows and counts', () => {
  it('hiding a top-level comment hides its sub-thread, and total counts only what is shown', async () => {
    const t = await setup();
    const top = await postOk(t, 'a1');
    await postOk(t, 'a1', comment({ parentId: top.comment.id }));
    await postOk(t, 'a1');
    expect((await thread(t, 'a1')).total).toBe(3);
    expect((await adminCall(t, 'PATCH', `/comments/${top.comment.id}`, { status: 'spam' })).status).toBe(200);
    const shown = await thread(t, 'a1');
    expect(shown.total).toBe(flatten(shown.comments).length);
    expect(shown.total).toBe(1);
    const counts = (await (await t.request('/api/v1/counts?article=a1')).json()) as any;
    expect(JSON.stringify(counts)).toContain('1');
  });

  it('the thread ETag does not move for comments nobody sees (pending, spam)', async () => {
    const t = await setup();
    await postOk(t, 'a1');
    const before = (await t.request('/api/v1/articles/a1/comments')).headers.get('etag');
    const held = await post(t, 'a1', comment(), { noToken: true, headers: { 'User-Agent': '' } });
    expect(((await held.json()) as any).comment.status).toBe('pending');
    await post(
      t,
      'a1',
      comment({
        content: 'Viagra cialis casino https://pills.example.net https://casino.example.net https://loans.example.net',
      }),
    );
    expect((await t.request('/api/v1/articles/a1/comments')).headers.get('etag')).toBe(before);
  });
});

describe('edits', () => {
  it('lowering the edit window shortens the tokens already issued', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a1');
    expect((await adminCall(t, 'PATCH', '/settings', { editWindowMinutes: 5 })).status).toBe(200);
    t.clock.advance(6 * 60_000);
    const late = await authorCall(t, posted.comment.id, posted.editToken, 'PATCH', { content: 'Trop tard.' });
    expect(late.status).toBe(403);
    expect(((await late.json()) as any).code).toBe('edit_window_closed');
  });

  it('edits are throttled: one every few seconds per comment', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a1');
    const first = await authorCall(t, posted.comment.id, posted.editToken, 'PATCH', {
      content: 'Première correction.',
    });
    expect(first.status).toBe(200);
    const second = await authorCall(t, posted.comment.id, posted.editToken, 'PATCH', {
      content: 'Seconde correction.',
    });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    t.clock.advance(10_000);
    expect(
      (await authorCall(t, posted.comment.id, posted.editToken, 'PATCH', { content: 'Seconde correction.' })).status,
    ).toBe(200);
  });
});

describe('property: concurrent posts, replies, edits, deletes and decisions keep the thread whole', () => {
  type Op =
    | { kind: 'post'; parent: number | null }
    | { kind: 'edit'; target: number }
    | { kind: 'delete'; target: number; by: 'author' | 'moderator' }
    | { kind: 'decide'; target: number; status: 'approved' | 'spam' | 'trash' | 'pending' };
  const target = fc.nat({ max: 7 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('post' as const), parent: fc.option(target, { nil: null }) }),
    fc.record({ kind: fc.constant('edit' as const), target }),
    fc.record({
      kind: fc.constant('delete' as const),
      target,
      by: fc.constantFrom('author' as const, 'moderator' as const),
    }),
    fc.record({
      kind: fc.constant('decide' as const),
      target,
      status: fc.constantFrom('approved' as const, 'spam' as const, 'trash' as const, 'pending' as const),
    }),
  );

  it('every approved comment under an approved top-level one is shown exactly once, and total is what is shown', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 7 }), { minLength: 8, maxLength: 8 }),
        fc.array(op, { minLength: 4, maxLength: 12 }),
        async (shape, ops) => {
          const t = await setup();
          // A starting thread of 8 comments, each answering an earlier one or none.
          const made: { id: string; token: string }[] = [];
          for (const [i, p] of shape.entries()) {
            const parentId = i > 0 && p < i && p % 2 === 0 ? made[p]!.id : undefined;
            const posted = await postOk(t, 'a1', comment(parentId ? { parentId } : {}));
            made.push({ id: posted.comment.id, token: posted.editToken });
          }
          t.clock.advance(10_000);
          await Promise.all(
            ops.map(async (o, i) => {
              if (o.kind === 'post') {
                await post(t, 'a1', comment(o.parent === null ? {} : { parentId: made[o.parent]!.id }));
              } else if (o.kind === 'edit') {
                await authorCall(t, made[o.target]!.id, made[o.target]!.token, 'PATCH', {
                  content: `Version ${i} du texte.`,
                });
              } else if (o.kind === 'delete') {
                if (o.by === 'author') await authorCall(t, made[o.target]!.id, made[o.target]!.token, 'DELETE');
                else await adminCall(t, 'DELETE', `/comments/${made[o.target]!.id}`);
              } else {
                await adminCall(t, 'PATCH', `/comments/${made[o.target]!.id}`, { status: o.status });
              }
            }),
          );
          // The stored tree: every comment's root and depth follow from its parents.
          const rows = await t.deps.db.all<{
            id: string;
            parent_id: string | null;
            root_id: string;
            depth: number;
            status: string;
          }>(sql`SELECT id, parent_id, root_id, depth, status FROM comments WHERE article_id = 'a1'`);
          const byId = new Map(rows.map((r) => [r.id, r]));
          for (const r of rows) {
            let depth = 1;
            let top = r;
            while (top.parent_id) {
              const up = byId.get(top.parent_id);
              expect(up, `parent of ${r.id}`).toBeDefined();
              top = up!;
              depth++;
            }
            expect(r.root_id).toBe(top.id);
            expect(r.depth).toBe(depth);
          }
          // The public thread: each visible comment once, total = what is shown.
          const shown = await thread(t, 'a1', '?limit=100');
          const ids = flatten(shown.comments).map((c) => c.id);
          expect(new Set(ids).size).toBe(ids.length);
          const visible = rows
            .filter((r) => r.status === 'approved' && byId.get(r.root_id)?.status === 'approved')
            .map((r) => r.id);
          expect(ids.sort()).toEqual(visible.sort());
          expect(shown.total).toBe(ids.length);
        },
      ),
      { numRuns: 12 },
    );
  });
});
