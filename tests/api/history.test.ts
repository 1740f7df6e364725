import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { insertComment, type CommentRow } from '../../src/db/comments';
import { readHistory } from '../../src/db/history';
import { spamMemory, usedFormTokens } from '../../src/db/schema';

/**
 * readHistory is one statement built once per database, where a missing IP, website host or form
 * token is bound as NULL: each must read as if its subquery were absent, and each present value
 * must still find its rows.
 */
describe('the submitter history statement', () => {
  const row = (id: string, ipHash: string | null, createdAt: number): CommentRow => ({
    id,
    articleId: 'a1',
    parentId: null,
    rootId: id,
    depth: 1,
    status: 'approved',
    author: 'Lectrice',
    emailEnc: 'enc',
    emailHash: 'email-1',
    website: null,
    ipEnc: null,
    ipHash,
    userAgent: null,
    content: 'Texte',
    contentHash: 'content-1',
    html: '<p>Texte</p>',
    verdict: 'approve',
    score: 0,
    reasons: [],
    staff: false,
    trained: null,
    createdAt,
    updatedAt: createdAt,
    editedAt: null,
    source: null,
    sourceId: null,
  });
  const now = 10_000_000;
  const ask = (
    db: Parameters<typeof readHistory>[0],
    ip: string | null,
    host: string | null,
    formTokenId: string | null,
  ) =>
    readHistory(db, {
      keys: { email: 'email-1', ip, host },
      tokens: ['w:texte'],
      articleId: 'a1',
      contentHash: 'content-1',
      now,
      submission: { floodSince: now - 60_000, hourSince: now - 3_600_000, maxPerHour: 2, formTokenId },
    });

  it('reads a present IP, host and form token, and a missing one as nothing', async () => {
    const t = await setup();
    const { db } = t.deps;
    await insertComment(db, row('c1', 'ip-1', now - 1000));
    await insertComment(db, row('c2', 'ip-1', now - 2000));
    await insertComment(db, row('c3', null, now - 500));
    for (const kind of ['ip', 'email', 'host'] as const)
      await db
        .insert(spamMemory)
        .values({ kind, hash: `${kind}-1`, spam: 3, updatedAt: now })
        .run();
    await db
      .insert(usedFormTokens)
      .values({ id: 'token-1', expiresAt: now + 1000 })
      .run();

    const present = await ask(db, 'ip-1', 'host-1', 'token-1');
    expect(present.memory).toEqual({ spamByIp: 3, spamByEmail: 3, spamByWebsiteHost: 3, approvedByEmail: 3 });
    expect(present.submission).toEqual({
      duplicate: true,
      copy: true,
      lastByIp: now - 1000,
      limitByIp: now - 2000,
      formTokenUsed: true,
    });

    const missing = await ask(db, null, null, null);
    expect(missing.memory).toEqual({ spamByIp: 0, spamByEmail: 3, spamByWebsiteHost: 0, approvedByEmail: 3 });
    // Without an IP, the same client is one that sent it without an IP too (c3).
    expect(missing.submission).toEqual({
      duplicate: true,
      copy: true,
      lastByIp: null,
      limitByIp: null,
      formTokenUsed: false,
    });

    const other = await ask(db, 'ip-2', 'host-2', 'token-2');
    expect(other.memory.spamByIp).toBe(0);
    expect(other.submission).toMatchObject({ duplicate: false, copy: true, lastByIp: null, formTokenUsed: false });
  });
});
