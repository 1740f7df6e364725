import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, postOk } from '../harness/client';
import { learnerCounts } from '../../src/db/schema';
import { purgeIfDue } from '../../src/services/retention';

const DAY = 86_400_000;

/** The learner's token rows (without the totals) that still count a document of either class. */
async function counted(t: Awaited<ReturnType<typeof setup>>) {
  const rows = await t.deps.db.select().from(learnerCounts).all();
  return new Map(
    rows
      .filter((r) => !r.token.startsWith('#') && r.spam + r.ham > 0)
      .map((r) => [r.token, { spam: r.spam, ham: r.ham }]),
  );
}

/** Documents and tokens the learner counts per class. */
async function totals(t: Awaited<ReturnType<typeof setup>>) {
  const rows = await t.deps.db.select().from(learnerCounts).all();
  const of = (token: string) => rows.find((r) => r.token === token) ?? { spam: 0, ham: 0 };
  const tokens = rows.filter((r) => !r.token.startsWith('#'));
  return {
    documents: { spam: of('#total').spam, ham: of('#total').ham },
    // The tokens total stays the sum of the token rows: revisions keep it in step.
    tokensInStep:
      of('#tokens').spam === tokens.reduce((n, r) => n + r.spam, 0) &&
      of('#tokens').ham === tokens.reduce((n, r) => n + r.ham, 0),
  };
}

describe('a lesson follows its comment when the comment loses data', () => {
  it('the retention purge takes back the browser, so that a later reversal leaves nothing behind', async () => {
    const t = await setup();
    const c = await postOk(
      t,
      'a',
      comment({ author: 'Quentin Brasseur', content: 'Un avis sur le marché du dimanche.' }),
    );
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'spam' });
    expect((await counted(t)).get('m:ua:firefox/140')).toEqual({ spam: 1, ham: 0 });

    t.clock.advance(31 * DAY);
    expect(await purgeIfDue(t.deps)).toBe(1);
    const purged = await counted(t);
    expect(purged.has('m:ua:firefox/140')).toBe(false);
    expect(await totals(t)).toEqual({ documents: { spam: 1, ham: 0 }, tokensInStep: true });
    expect(purged.get('a:brasseur')).toEqual({ spam: 1, ham: 0 });

    // Reversed: the spam lesson goes entirely, the ham lesson is the comment as it is now.
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'approved' });
    const after = await counted(t);
    expect([...after.values()].every((n) => n.spam === 0)).toBe(true);
    expect(after.get('a:brasseur')).toEqual({ spam: 0, ham: 1 });
  });

  it('the same for a comment long enough to reach the token cap (the purge then reads it again)', async () => {
    const t = await setup();
    const letters = 'bcdfglmnprstv';
    const words = Array.from(
      { length: 120 },
      (_, i) => `${letters[i % 13]}a${letters[Math.floor(i / 13) % 13]}o${letters[(i * 7) % 13]}ier`,
    );
    const c = await postOk(t, 'a', comment({ content: words.join(' ') }));
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'spam' });
    const taught = await counted(t);
    expect(taught.get('m:ua:firefox/140')).toEqual({ spam: 1, ham: 0 });
    expect(taught.size).toBe(320); // the cap

    t.clock.advance(31 * DAY);
    expect(await purgeIfDue(t.deps)).toBe(1);
    const purged = await counted(t);
    expect(purged.has('m:ua:firefox/140')).toBe(false);
    expect(purged.size).toBe(320); // the next token took the browser's place, as reading the comment again gives
    expect(await totals(t)).toEqual({ documents: { spam: 1, ham: 0 }, tokensInStep: true });
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'approved' });
    expect([...(await counted(t)).values()].every((n) => n.spam === 0)).toBe(true);
    expect(await totals(t)).toEqual({ documents: { spam: 0, ham: 1 }, tokensInStep: true });
  });

  it("erasure takes the words of the person's name, address and website out of the learner", async () => {
    const t = await setup();
    const email = 'zephyrin.quatremaine@exemple.fr';
    const c = await postOk(
      t,
      'a',
      comment({
        author: 'Zéphyrin Quatremaine',
        email,
        website: 'https://www.quatremaine.example',
        content: 'Très bon article.',
      }),
    );
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'spam' });
    const before = await counted(t);
    expect(before.get('a:quatremaine')).toEqual({ spam: 1, ham: 0 });
    expect(before.get('m:wsite:quatremaine.example')).toEqual({ spam: 1, ham: 0 });

    expect((await adminCall(t, 'POST', '/privacy/erase', { email })).status).toBe(200);
    const after = await counted(t);
    // No row at all, not even one at zero.
    const rows = await t.deps.db.select().from(learnerCounts).all();
    expect(rows.map((r) => r.token).filter((token) => /quatremaine|zéphyrin|zephyrin/.test(token))).toEqual([]);
    // What the comment still says is still taught, under its new name.
    expect(after.get('w:article')).toEqual({ spam: 1, ham: 0 });
    expect(after.get('a:anonyme')).toEqual({ spam: 1, ham: 0 });
    expect(await totals(t)).toEqual({ documents: { spam: 1, ham: 0 }, tokensInStep: true });

    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'approved' });
    expect([...(await counted(t)).values()].every((n) => n.spam === 0)).toBe(true);
    expect(await totals(t)).toEqual({ documents: { spam: 0, ham: 1 }, tokensInStep: true });
  });
});

describe('an edit revises the lesson of a trained comment', () => {
  it('a moderator edits the text of a comment marked spam, then reverses the decision: nothing is left', async () => {
    const t = await setup();
    const c = await postOk(t, 'a', comment({ content: 'Achetez des montres ici.' }));
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'spam' });
    expect((await counted(t)).get('w:montres')).toEqual({ spam: 1, ham: 0 });
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { content: 'Texte retiré par la modération.' });
    const edited = await counted(t);
    expect(edited.has('w:montres')).toBe(false);
    expect(edited.get('w:modération')).toEqual({ spam: 1, ham: 0 });
    expect(await totals(t)).toEqual({ documents: { spam: 1, ham: 0 }, tokensInStep: true });
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'approved' });
    expect([...(await counted(t)).values()].every((n) => n.spam === 0)).toBe(true);
  });

  it('a decision made with an edit is taught from the text as stored', async () => {
    const t = await setup();
    const c = await postOk(t, 'a', comment({ content: 'Achetez des montres ici.' }));
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, {
      status: 'spam',
      content: 'Texte retiré par la modération.',
    });
    const taught = await counted(t);
    expect(taught.has('w:montres')).toBe(false);
    expect(taught.get('w:modération')).toEqual({ spam: 1, ham: 0 });
    await adminCall(t, 'PATCH', `/comments/${c.comment.id}`, { status: 'approved' });
    expect([...(await counted(t)).values()].every((n) => n.spam === 0)).toBe(true);
  });
});

describe('the purge revises many trained comments in bounded batches', () => {
  it('clears every due comment and keeps the counts in step', async () => {
    const t = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push(
        (
          await postOk(
            t,
            `a${i % 3}`,
            comment({ author: `Lecteur ${i}`, content: `Un avis numéro ${i} sur le marché.` }),
          )
        ).comment.id,
      );
      t.clock.advance(20_000);
    }
    expect((await adminCall(t, 'POST', '/comments/bulk', { ids, status: 'spam' })).status).toBe(200);
    expect((await counted(t)).get('m:ua:firefox/140')).toEqual({ spam: 60, ham: 0 });
    t.clock.advance(31 * DAY);
    expect(await purgeIfDue(t.deps)).toBe(60);
    expect((await counted(t)).has('m:ua:firefox/140')).toBe(false);
    expect(await totals(t)).toEqual({ documents: { spam: 60, ham: 0 }, tokensInStep: true });
  }, 60_000);
});
