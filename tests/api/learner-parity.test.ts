import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, BROWSER_UA, comment, postOk } from '../harness/client';
import { train } from '../../eval/memory-learner';
import { learnerCounts } from '../../src/db/schema';
import { learnerTokens } from '../../src/spam/learner';
import type { Features, Label, LearnerTotals, TokenCounts } from '../../src/spam/types';

/**
 * The learner has two homes: the `learner_tokens` table the service writes (db/learner.ts), and the
 * Map of the offline evaluation (eval/memory-learner.ts), which measures what the service would do.
 * The same moderator decisions, sent to the real app and taught to the in-memory learner, must leave
 * the same counts in both, or the evaluation measures another learner than the one that runs.
 */

type T = Awaited<ReturnType<typeof setup>>;

/** The table as the in-memory learner holds it: token rows, and the four totals from the two '#' rows. */
async function sqlLearner(t: T) {
  const rows = await t.deps.db.select().from(learnerCounts).all();
  const table = new Map<string, TokenCounts>(
    rows.filter((r) => !r.token.startsWith('#')).map((r) => [r.token, { spam: r.spam, ham: r.ham }]),
  );
  const of = (token: string) => rows.find((r) => r.token === token) ?? { spam: 0, ham: 0 };
  const totals: LearnerTotals = {
    spam: of('#total').spam,
    ham: of('#total').ham,
    spamTokens: of('#tokens').spam,
    hamTokens: of('#tokens').ham,
  };
  return { table, totals };
}

const CURL = 'curl/8.5.0';

describe('the SQL learner and the in-memory learner count alike', () => {
  it('the same decisions (marks, approvals, reversals, bulk, feedback) leave the same counts', async () => {
    const t = await setup();
    // What this test needs of a verdict is only that it is not 'spam' (so that every decision below
    // changes a status); the prior, which counts nothing in the table, would judge some of these
    // spam from the first comment (#18). The counts are compared without it.
    expect((await adminCall(t, 'PATCH', '/settings', { spam: { learnerPrior: false } })).status).toBe(200);
    const table = new Map<string, TokenCounts>();
    const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
    /** What the learner reads of a stored comment (services/lessons.ts storedFeatures): no IP. */
    const stored = new Map<string, Features>();
    const teach = (id: string, label: Label, delta: 1 | -1 = 1) =>
      train(table, totals, learnerTokens(stored.get(id)!), label, delta);

    /** Posts a comment; `agent`: an HTTP library's gets it held for a moderator. */
    const posting = async (body: Record<string, unknown>, agent = BROWSER_UA) => {
      const held = agent !== BROWSER_UA;
      const posted = await postOk(t, 'parity', body, { headers: { 'User-Agent': agent } });
      // Held for a moderator, or at least not judged spam: every decision below is a change of status.
      const { verdict } = (await adminCall(t, 'GET', `/comments/${posted.comment.id}`)).body.comment;
      if (held) expect(verdict, String(body.content)).toBe('hold');
      else expect(verdict, String(body.content)).not.toBe('spam');
      stored.set(posted.comment.id, {
        articleId: 'parity',
        author: String(body.author),
        email: String(body.email),
        website: (body.website as string | undefined) ?? null,
        content: String(body.content),
        ip: null,
        userAgent: agent,
      });
      return posted.comment.id;
    };
    const decide = async (id: string, status: string) => {
      const answer = await adminCall(t, 'PATCH', `/comments/${id}`, { status });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    };

    const regular = await posting(
      comment({
        author: 'Nadia Ferrand',
        email: 'nadia@exemple.fr',
        website: 'https://nadia-ferrand.fr',
        content: 'Le marché couvert rouvre enfin, bonne nouvelle pour le quartier.',
      }),
    );
    const shop = await posting(
      comment({ author: 'Watch Outlet', email: 'deals@gmail.com', content: 'Nice article about the market' }),
      CURL,
    );
    const seo = await posting(
      comment({
        author: 'Sam Writer',
        email: 'seo@gmail.com',
        content: 'Thanks, an interesting post about the city budget',
      }),
      CURL,
    );
    const reader = await posting(
      comment({
        author: 'Hugo Lemaire',
        email: 'hugo@exemple.fr',
        content: 'Merci pour la carte des travaux, très utile.',
      }),
      CURL,
    );
    const bulk = [
      await posting(
        comment({
          author: 'Loan Offer',
          email: 'loans@gmail.com',
          content: 'Fast loans between individuals, contact me on WhatsApp',
        }),
      ),
      await posting(
        comment({
          author: 'Psychic Ama',
          email: 'ama@gmail.com',
          content: 'Spell caster to bring back your lover, write to me today',
        }),
      ),
    ];

    // A comment the checks approved, marked spam: teaches spam.
    await decide(regular, 'spam');
    teach(regular, 'spam');
    // Held ones: approving teaches ham, marking spam teaches spam.
    await decide(reader, 'approved');
    teach(reader, 'ham');
    await decide(shop, 'spam');
    teach(shop, 'spam');
    await decide(seo, 'spam');
    teach(seo, 'spam');
    // A reversal takes the earlier lesson back before teaching the new one.
    await decide(regular, 'approved');
    teach(regular, 'spam', -1);
    teach(regular, 'ham');
    await decide(seo, 'trash'); // no label: nothing to learn, nothing taken back
    // A bulk decision teaches each comment.
    expect((await adminCall(t, 'POST', '/comments/bulk', { ids: bulk, status: 'spam' })).body).toMatchObject({
      updated: 2,
      failed: 0,
    });
    for (const id of bulk) teach(id, 'spam');
    // Feedback on a comment never stored teaches as a decision does (its address in lower case; no user agent: none counted).
    const candidate = {
      author: 'Best Essays',
      email: 'Writer@GMail.com',
      content: 'Buy essays online, cheap and fast, click here',
    };
    expect((await adminCall(t, 'POST', '/spam/feedback', { label: 'spam', comment: candidate })).status).toBe(200);
    train(
      table,
      totals,
      learnerTokens({
        articleId: '',
        ...candidate,
        email: candidate.email.toLowerCase(),
        website: null,
        ip: null,
        userAgent: undefined,
      }),
      'spam',
    );
    await t.settled();

    const inDatabase = await sqlLearner(t);
    expect(totals).toEqual({ spam: 5, ham: 2, spamTokens: expect.any(Number), hamTokens: expect.any(Number) });
    expect(inDatabase.totals).toEqual(totals);
    expect(Object.fromEntries([...inDatabase.table].sort())).toEqual(Object.fromEntries([...table].sort()));
    expect(inDatabase.table.size).toBeGreaterThan(100);
  });
});
