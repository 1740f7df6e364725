import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { setup } from '@harness';
import { expectChanges, failUnless, runBatch, stencil, WriteConflict } from '../../src/db/batch';
import { insertComment, type CommentRow } from '../../src/db/comments';
import { articles, comments } from '../../src/db/schema';

describe('batch guards', () => {
  it('a failed guard rolls back the whole batch and throws WriteConflict', async () => {
    const t = await setup();
    const { db } = t.deps;
    await db.insert(articles).values({ id: 'a1', createdAt: 1 }).run();
    const attempt = runBatch(db, [
      db.update(articles).set({ version: 7 }).where(eq(articles.id, 'a1')),
      db.update(articles).set({ version: 8 }).where(eq(articles.id, 'missing')),
      expectChanges(db, 1),
    ]);
    await expect(attempt).rejects.toBeInstanceOf(WriteConflict);
    expect((await db.select().from(articles).where(eq(articles.id, 'a1')).get())!.version).toBe(0);
  });

  it('a guard that holds writes nothing of its own', async () => {
    const t = await setup();
    const { db } = t.deps;
    await db.insert(articles).values({ id: 'a1', createdAt: 1 }).run();
    await runBatch(db, [
      db.update(articles).set({ version: 7 }).where(eq(articles.id, 'a1')),
      expectChanges(db, 1),
      failUnless(db, sql`EXISTS (SELECT 1 FROM articles WHERE id = 'a1')`),
    ]);
    expect((await db.select().from(articles).where(eq(articles.id, 'a1')).get())!.version).toBe(7);
    expect(await db.all(sql`SELECT * FROM write_conflicts`)).toEqual([]);
  });
});

describe('stencils', () => {
  const row = (id: string, parentId: string | null): CommentRow => ({
    id,
    articleId: 'a1',
    parentId,
    rootId: id,
    depth: 1,
    status: 'approved',
    author: `Lectrice ${id}`,
    emailEnc: `enc-${id}`,
    emailHash: `hash-${id}`,
    website: id === 'c1' ? 'https://exemple.fr' : null,
    ipEnc: null,
    ipHash: `ip-${id}`,
    userAgent: 'Mozilla/5.0',
    content: `Texte ${id}`,
    contentHash: `content-${id}`,
    html: `<p>Texte ${id}</p>`,
    verdict: 'approve',
    score: 1.5,
    reasons: [{ rule: 'links', score: 2, detail: '1 link' }],
    staff: id === 'c2',
    trained: null,
    createdAt: 1000,
    updatedAt: 1001,
    editedAt: null,
    source: null,
    sourceId: null,
  });

  it('a comment inserted through its stencil reads back column for column, a reply placed under its parent', async () => {
    const t = await setup();
    const { db } = t.deps;
    await insertComment(db, row('c1', null));
    await insertComment(db, row('c2', 'c1'));
    const stored = await db.select().from(comments).orderBy(comments.id).all();
    expect(stored).toEqual([row('c1', null), { ...row('c2', 'c1'), rootId: 'c1', depth: 2 }]);
    // The article's upsert (a stencil with RETURNING) counted both visible comments.
    expect((await db.select().from(articles).where(eq(articles.id, 'a1')).get())!.version).toBe(2);
  });

  it('one stencil filled twice in a batch writes each its own values', async () => {
    const t = await setup();
    const { db } = t.deps;
    const insertArticle = stencil<{ id: string; at: number }>((d) =>
      d.insert(articles).values({ id: sql.placeholder('id'), createdAt: sql.placeholder('at') }),
    );
    await runBatch(db, [insertArticle(db, { id: 'x', at: 5 }), insertArticle(db, { id: 'y', at: 6 })]);
    const stored = await db
      .select({ id: articles.id, at: articles.createdAt })
      .from(articles)
      .orderBy(articles.id)
      .all();
    expect(stored).toEqual([
      { id: 'x', at: 5 },
      { id: 'y', at: 6 },
    ]);
  });
});
