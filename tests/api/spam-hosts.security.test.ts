import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import type { Harness } from '../harness/types';
import { adminCall, comment, postOk, thread } from '../harness/client';

// Spellings of spam-pharma.com that the URL parser (the browser's, and the renderer's) reads as
// spam-pharma.com: an ideographic and a full-width full stop, a percent-escaped hyphen and dot.
const PHARMA = ['spam-pharma。com', 'spam-pharma．com', 'spam%2Dpharma.com', 'spam-pharma%2Ecom'];

async function stored(t: Harness, id: string) {
  return (await adminCall(t, 'GET', `/comments/${id}`)).body.comment as {
    status: string;
    html: string;
    reasons: { rule: string }[];
  };
}

describe('block lists and the shortener rule see the host a reader reaches', () => {
  it('a disallowed domain is spam however its link spells it, in the content or as the website', async () => {
    const t = await setup();
    expect(
      (await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'domain', value: 'spam-pharma.com' })).status,
    ).toBe(201);
    const ids: string[] = [];
    for (const [i, host] of PHARMA.entries()) {
      const inContent = await postOk(
        t,
        'a1',
        comment({ content: `Très bon article (${i}), la suite est sur https://${host}/offre.` }),
      );
      const asWebsite = await postOk(t, 'a1', comment({ website: `https://${host}` }));
      for (const posted of [inContent, asWebsite]) {
        expect(posted.comment.status, host).toBe('pending');
        const row = await stored(t, posted.comment.id);
        expect(row.status, host).toBe('spam');
        expect(
          row.reasons.map((r) => r.rule),
          host,
        ).toContain('disallowed_list');
        ids.push(posted.comment.id);
      }
      // What the list judged is what the page would have linked to.
      expect((await stored(t, inContent.comment.id)).html).toContain('href="https://spam-pharma.com/offre"');
    }
    const control = await postOk(t, 'a1', comment());
    const shown = (await thread(t, 'a1')).comments.map((c) => c.id);
    expect(shown).toEqual([control.comment.id]);
    expect(shown.some((id) => ids.includes(id))).toBe(false);
  });

  it('a link through a shortener is held however its host is spelled', async () => {
    const t = await setup();
    for (const url of ['https://bit%2Ely/3xYz', 'https://bit。ly/3xYz']) {
      const posted = await postOk(t, 'a1', comment({ content: `Le rapport complet est ici : ${url} (${url.length})` }));
      const row = await stored(t, posted.comment.id);
      expect(
        row.reasons.map((r) => r.rule),
        url,
      ).toContain('shortened_link');
      expect(row.status, url).not.toBe('approved');
      expect((await thread(t, 'a1')).comments.map((c) => c.id)).not.toContain(posted.comment.id);
    }
  });
});
