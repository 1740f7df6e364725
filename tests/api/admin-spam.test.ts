import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { admin, adminCall, comment, post, postOk } from '../harness/client';
import { learnerCounts } from '../../src/db/schema';

const check = (t: Awaited<ReturnType<typeof setup>>, body: Record<string, unknown>) =>
  admin(t, '/spam/check', { method: 'POST', body: JSON.stringify(body) });
const feedback = (t: Awaited<ReturnType<typeof setup>>, label: string, c: Record<string, unknown>) =>
  admin(t, '/spam/feedback', { method: 'POST', body: JSON.stringify({ label, comment: c }) });
const stats = async (t: Awaited<ReturnType<typeof setup>>) => (await (await admin(t, '/spam/stats')).json()) as any;

const HAM = [
  'Merci pour cet article, très clair sur les enjeux du nucléaire.',
  'Je ne suis pas d’accord avec la conclusion, les chiffres de 2024 disent autre chose.',
  'Excellent reportage, on attend la suite sur les retraites.',
  'Quelqu’un a la source du graphique sur l’inflation ?',
];
const SPAM = [
  'Cheap pills online, buy now and get 80% off, visit pharma-deals today',
  'Earn money fast from home, click here to join our crypto program',
  'Best casino bonus, free spins, sign up today and win big',
  'Check out my channel and subscribe for free gift cards',
];

describe('POST /api/v1/admin/spam/check', () => {
  it('explains a verdict with reasons and stores nothing', async () => {
    const t = await setup();
    const res = await check(t, {
      author: 'Best Deals',
      email: 'deals@mailinator.com',
      content: 'Buy now <a href="https://pills.example.net">cheap pills</a>',
      userAgent: 'python-requests/2.31',
      ip: '203.0.113.9',
      articleId: 'a',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.verdict).toBe('spam');
    expect(body.score).toBeGreaterThanOrEqual(10);
    const rules = body.reasons.map((r: any) => r.rule);
    expect(rules).toEqual(expect.arrayContaining(['links', 'user_agent']));
    for (const r of body.reasons)
      expect(r).toEqual({ rule: expect.any(String), score: expect.any(Number), detail: expect.any(String) });

    const after = await stats(t);
    expect(after.verdicts).toEqual({ approve: 0, hold: 0, spam: 0 });
    expect(after.learner.trained).toEqual({ spam: 0, ham: 0 });
  });

  it('approves an ordinary comment', async () => {
    const t = await setup();
    const body = (await (
      await check(t, { author: 'Camille', email: 'camille@exemple.fr', content: HAM[0] })
    ).json()) as any;
    expect(body.verdict).toBe('approve');
  });

  it('validates like a submission', async () => {
    const t = await setup();
    const res = await check(t, { author: '', email: 'nope', content: 'x', ip: 'not-an-ip' });
    expect(res.status).toBe(422);
    expect(Object.keys(((await res.json()) as any).errors).sort()).toEqual(['author', 'email', 'ip']);
  });
});

describe('invisible characters hiding words', () => {
  // Normalization strips them from the stored text, so the checks must be told what it removed.
  const HIDDEN = 'Achetez du v\u200Bi\u200Ba\u200Bg\u200Br\u200Ba pas cher, livraison rapide.';
  const invisibleDetails = (body: any) =>
    body.reasons.filter((r: any) => r.rule === 'shape' && /invisible/.test(r.detail)).map((r: any) => r.detail);

  it('are reported by the dry run although the text is normalized', async () => {
    const t = await setup();
    const body = (await (
      await check(t, { author: 'Camille', email: 'camille@exemple.fr', content: HIDDEN })
    ).json()) as any;
    expect(invisibleDetails(body)).toEqual(['invisible characters (5) hiding words']);
  });

  it('are not confused with the joiners of emoji sequences', async () => {
    const t = await setup();
    const content =
      'Je code toute la journée 👩\u200D💻 et le soir en famille 👨\u200D👩\u200D👧\u200D👦, merci pour l’article.';
    const body = (await (await check(t, { author: 'Camille', email: 'camille@exemple.fr', content })).json()) as any;
    expect(invisibleDetails(body)).toEqual([]);
  });

  it('hold a posted comment, whose stored text keeps none of them', async () => {
    const t = await setup();
    const res = await post(t, 'a1', comment({ content: HIDDEN }));
    expect(res.status).toBe(201);
    const { id } = ((await res.json()) as any).comment;
    const stored = (await adminCall(t, 'GET', `/comments/${id}`)).body.comment;
    expect(invisibleDetails(stored)).toEqual(['invisible characters (5) hiding words']);
    // Held at least: with the prior (#18), which knows "viagra" from the first comment, judged spam.
    expect(['pending', 'spam']).toContain(stored.status);
    expect(stored.content).toBe('Achetez du viagra pas cher, livraison rapide.');
  });
});

describe('POST /api/v1/admin/spam/feedback', () => {
  it('trains the learner, which (the prior turned off) speaks only after 10 examples of each class', async () => {
    const t = await setup();
    // #18: with the prior (the default) the learner speaks from the first comment; without it, the
    // site's own learner waits for learnerMinExamples (10) of each class.
    const first = (await (
      await check(t, {
        author: 'Max',
        email: 'max@exemple.fr',
        content: 'Earn money fast, click here to join our crypto casino program',
      })
    ).json()) as any;
    expect(first.reasons.find((r: any) => r.rule === 'learner')?.detail).toMatch(/\(prior\)/);
    expect((await adminCall(t, 'PATCH', '/settings', { spam: { learnerPrior: false } })).status).toBe(200);
    const probe = {
      author: 'Max',
      email: 'max@exemple.fr',
      content: 'Earn money fast, click here to join our crypto casino program',
    };
    for (let i = 0; i < 9; i++) {
      expect(
        (
          await feedback(t, 'spam', {
            author: `Spammer ${i}`,
            email: `s${i}@exemple.com`,
            content: `${SPAM[i % 4]} ${i}`,
          })
        ).status,
      ).toBe(200);
      expect(
        (await feedback(t, 'ham', { author: `Reader ${i}`, email: `r${i}@exemple.fr`, content: `${HAM[i % 4]} ${i}` }))
          .status,
      ).toBe(200);
    }
    const reasons = ((await (await check(t, probe)).json()) as any).reasons.map((r: any) => r.rule);
    expect(reasons).not.toContain('learner');

    await feedback(t, 'spam', { author: 'Spammer 9', email: 's9@exemple.com', content: `${SPAM[1]} 9` });
    await feedback(t, 'ham', { author: 'Reader 9', email: 'r9@exemple.fr', content: `${HAM[1]} 9` });
    const after = (await (await check(t, probe)).json()) as any;
    const learner = after.reasons.find((r: any) => r.rule === 'learner');
    expect(learner?.score).toBeGreaterThan(0);
    const s = await stats(t);
    expect(s.learner.trained).toEqual({ spam: 10, ham: 10 });
    expect(learner?.detail).toMatch(/\(site lessons\)/);
    expect(s.learner.vocabulary).toBeGreaterThan(100);
    // The vocabulary counts tokens, not the rows holding the totals.
    const rows = await t.deps.db.select({ token: learnerCounts.token }).from(learnerCounts).all();
    expect(s.learner.vocabulary).toBe(rows.filter((r) => !r.token.startsWith('#')).length);
  });

  it('teaches local memory: an email marked spam before counts against its next comment', async () => {
    const t = await setup();
    const before = (await (
      await check(t, { author: 'X', email: 'repeat@exemple.com', content: HAM[1] })
    ).json()) as any;
    await feedback(t, 'spam', { author: 'X', email: 'repeat@exemple.com', content: SPAM[0] });
    const after = (await (await check(t, { author: 'X', email: 'repeat@exemple.com', content: HAM[1] })).json()) as any;
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.reasons.map((r: any) => r.rule)).toContain('memory');
  });

  it('refuses an unknown label', async () => {
    const t = await setup();
    const res = await feedback(t, 'maybe', { author: 'X', email: 'x@exemple.fr', content: 'x' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).errors.label).toBeDefined();
  });
});

describe('GET /api/v1/admin/spam/stats', () => {
  it('counts verdicts and rule hits of stored comments', async () => {
    const t = await setup();
    await postOk(t, 'a');
    await post(t, 'a', comment({ content: 'Visit [url=https://x.example.com]this[/url] now' }));
    const s = await stats(t);
    expect(s.verdicts.approve).toBe(1);
    expect(s.verdicts.spam + s.verdicts.hold).toBe(1);
    expect(s.rules.find((r: any) => r.rule === 'links')?.hits).toBe(1);
  });

  it('requires an admin token', async () => {
    const t = await setup();
    expect((await t.request('/api/v1/admin/spam/stats')).status).toBe(401);
    expect((await t.request('/api/v1/admin/spam/check', { method: 'POST' })).status).toBe(401);
  });
});
