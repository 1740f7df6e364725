import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { setup } from '@harness';
import { expectChanges, failUnless, runBatch, WriteConflict } from '../../src/db/batch';
import { articles } from '../../src/db/schema';

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
