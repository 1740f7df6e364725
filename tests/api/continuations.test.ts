import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall } from '../harness/client';
import { commentLines, importAll, pendingIds } from '../harness/seed';

/**
 * Admin operations that grow with their input are split into requests of a bounded number of
 * statements (D1 runs 1,000 a request on the Paid plan): the same chunks on Node and on Workers.
 */

describe('POST /api/v1/admin/comments/bulk: continuations', () => {
  it('decides a large selection over several requests; the continuation reads the comments again', async () => {
    const t = await setup();
    await importAll(
      t,
      commentLines('cont', 120, () => ({ status: 'pending' })),
    );
    const ids = await pendingIds(t);
    expect(ids).toHaveLength(120);
    const first = await adminCall(t, 'POST', '/comments/bulk', { ids, status: 'spam' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ complete: false, failed: 0 });
    expect(typeof first.body.continuation).toBe('string');
    expect(first.body.results).toHaveLength(first.body.updated);
    expect(first.body.updated).toBeGreaterThan(0);
    expect(first.body.updated).toBeLessThan(120);
    // Meanwhile, one of those left is deleted: the continuation says so, and goes on with the others.
    const done = new Set((first.body.results as { id: string }[]).map((r) => r.id));
    const gone = ids.find((id) => !done.has(id))!;
    expect((await adminCall(t, 'DELETE', `/comments/${gone}`)).status).toBe(204);
    let answer = first;
    const results = [...first.body.results];
    while (!answer.body.complete) {
      answer = await adminCall(t, 'POST', '/comments/bulk', { continuation: answer.body.continuation });
      expect(answer.status).toBe(200);
      results.push(...answer.body.results);
    }
    expect(answer.body.continuation).toBeNull();
    expect(results.filter((r) => r.ok)).toHaveLength(119);
    expect(results.filter((r) => !r.ok)).toEqual([{ id: gone, ok: false, code: 'comment_not_found' }]);
    expect(await pendingIds(t)).toEqual([]);
  });

  it('422 for a continuation it did not write, naming the field', async () => {
    const t = await setup();
    for (const continuation of ['bm9wZQ', 'eyJzdGF0dXMiOiJzcGFtIiwiaWRzIjpbXX0', '***']) {
      const { status, body } = await adminCall(t, 'POST', '/comments/bulk', { continuation });
      expect(status, continuation).toBe(422);
      expect(Object.keys(body.errors)).toEqual(['continuation']);
    }
  });
});

describe('POST /api/v1/admin/privacy/erase: several requests', () => {
  it('erases a person with more comments than one request writes: complete: false, then the same request again', async () => {
    const t = await setup();
    const email = 'tres.bavard@exemple.fr';
    // Their first comment quotes the IP of their last, which a later request erases.
    const last = '203.0.113.250';
    await importAll(
      t,
      commentLines('bavard', 800, (i) => ({
        email,
        name: 'Très Bavard',
        ...(i === 0 ? { content: `Mon adresse est ${last}, écrivez-moi.` } : {}),
        ...(i === 799 ? { ip: last } : {}),
      })),
    );
    const answers: { erased: { comments: number }; complete: boolean }[] = [];
    do {
      const { status, body } = await adminCall(t, 'POST', '/privacy/erase', { email });
      expect(status).toBe(200);
      answers.push(body);
    } while (!answers.at(-1)!.complete && answers.length < 10);
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.at(-1)!.complete).toBe(true);
    expect(answers.reduce((n, a) => n + a.erased.comments, 0)).toBe(800);
    const { body } = await adminCall(t, 'GET', `/comments?q=${encodeURIComponent(email)}`);
    expect(body.comments).toEqual([]);
    const quoted = await adminCall(t, 'GET', `/comments?q=${encodeURIComponent('écrivez-moi')}`);
    expect(quoted.body.comments.map((c: { content: string }) => c.content)).toEqual([
      'Mon adresse est [erased], écrivez-moi.',
    ]);
    // One audit entry per request, without the address.
    const log = (await adminCall(t, 'GET', '/audit?action=privacy.erase')).body.entries as unknown[];
    expect(log).toHaveLength(answers.length);
    expect(JSON.stringify(log)).not.toContain(email);
  });
});
