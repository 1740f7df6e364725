import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, adminCall, comment, post, postOk } from '../harness/client';

/**
 * One request must not hold the event loop: a content of 'x', 65,000 spaces and 'x' (a 64 KB body)
 * took 4 to 9 seconds to normalize, while every other request waited. Now it is refused (422, the
 * content is over the site's limit) as fast as any other invalid body, on every route that takes a
 * content: a new comment, the author's edit, a moderator's edit and a moderator's reply.
 *
 * The bound, 1 s a request, is some ten times what the refusal costs on a loaded machine and in
 * workerd (where the clock moves only at I/O, which every one of these requests does), and a
 * fraction of what the quadratic trim took.
 */

const FREEZER = `x${' '.repeat(65_000)}x`;
const BOUND_MS = 1_000;

async function timed(send: () => Promise<Response>) {
  const start = performance.now();
  const res = await send();
  const body = (await res.json()) as { code?: string; errors?: Record<string, string> };
  return { status: res.status, body, ms: performance.now() - start };
}

function expectTooLong(answer: Awaited<ReturnType<typeof timed>>) {
  expect(answer.status).toBe(422);
  expect(answer.body.code).toBe('validation_failed');
  expect(answer.body.errors?.content).toBe('Must be at most 5000 characters.');
  expect(answer.ms).toBeLessThan(BOUND_MS);
}

describe('a 64 KB content of spaces between two letters', () => {
  it('is refused at once as a new comment', async () => {
    const t = await setup();
    expectTooLong(await timed(() => post(t, 'a', comment({ content: FREEZER }))));
  });

  it("is refused at once as an author's edit", async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    const answer = await timed(() =>
      t.request(`/api/v1/comments/${posted.comment.id}`, {
        method: 'PATCH',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': BROWSER_UA,
          Authorization: `Bearer ${posted.editToken}`,
        },
        body: JSON.stringify({ content: FREEZER }),
      }),
    );
    expectTooLong(answer);
  });

  it("is refused at once as a moderator's edit and a moderator's reply", async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    expectTooLong(
      await timed(
        async () => (await adminCall(t, 'PATCH', `/comments/${posted.comment.id}`, { content: FREEZER })).res,
      ),
    );
    expectTooLong(
      await timed(async () => (await adminCall(t, 'POST', '/articles/a/comments', { content: FREEZER })).res),
    );
  });
});
