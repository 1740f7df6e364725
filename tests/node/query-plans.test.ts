import { describe, expect, it } from 'vitest';
import type { InStatement } from '@libsql/client';
import { openDatabase } from '../../src/entry/node-db';
import { purgeClientData } from '../../src/services/retention';
import { harnessOn } from '../harness/app';
import { comment, nextIp, postOk, thread } from '../harness/client';

/**
 * The hot paths' queries, as the app really sends them, must be served by indexes: every SELECT
 * a thread read, a count or a submission (flood control, duplicates, memory) makes, and the
 * retention purge's UPDATE, is explained
 * with EXPLAIN QUERY PLAN, and none may scan the comments table.
 */
describe('query plans of the hot paths', () => {
  it('never scans the comments table', async () => {
    const { db, client } = await openDatabase(':memory:');
    const t = await harnessOn(db);
    const parent = await postOk(t, 'a');
    await postOk(t, 'a', comment({ parentId: parent.comment.id }));
    await postOk(t, 'a');

    const seen: InStatement[] = [];
    const execute = client.execute.bind(client);
    client.execute = ((stmt: InStatement, args?: unknown) => {
      seen.push(stmt);
      return execute(stmt as never, args as never);
    }) as typeof client.execute;
    const batch = client.batch.bind(client);
    client.batch = ((stmts: InStatement[], mode?: unknown) => {
      seen.push(...stmts);
      return batch(stmts, mode as never);
    }) as typeof client.batch;

    await postOk(t, 'a', comment({ parentId: parent.comment.id }), { ip: nextIp() }); // flood, duplicate, memory, cross-posting
    const first = await thread(t, 'a', '?limit=1');
    await thread(t, 'a', `?limit=1&cursor=${first.nextCursor}`);
    await thread(t, 'a', '?sort=newest');
    await t.request('/api/v1/counts?article=a&article=b');
    await purgeClientData(t.deps, t.clock.now(), 30); // the retention purge
    client.execute = execute;
    client.batch = batch;

    const selects = seen
      .map((s) => (typeof s === 'string' ? { sql: s, args: [] } : s))
      .filter((s) => /^\s*(select|update)/i.test(s.sql) && /(from|update) "?comments"?\s/i.test(s.sql));
    expect(selects.length).toBeGreaterThanOrEqual(9);
    // The submitter's history (flood windows, duplicate, memory, cross-posts) is one statement of subqueries.
    const history = selects.filter(
      (s) => /ip_hash = \?/.test(s.sql) && /content_hash = \?/.test(s.sql) && /email_hash = \?/.test(s.sql),
    );
    expect(history).toHaveLength(1);
    expect(selects.some((s) => /^\s*update "comments"/i.test(s.sql))).toBe(true);
    for (const stmt of selects) {
      const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${stmt.sql}`, args: stmt.args ?? [] });
      const details = plan.rows.map((r) => String(r.detail));
      if (process.env.SHOW_PLANS) console.log(stmt.sql.slice(0, 140), details);
      const scans = details.filter((d) => /^SCAN comments\b/.test(d) && !/USING (COVERING )?INDEX/.test(d));
      expect(scans, `${stmt.sql}\n${details.join('\n')}`).toEqual([]);
      expect(
        details.some((d) =>
          /comments USING (COVERING )?INDEX|comments USING INTEGER PRIMARY KEY|USING PRIMARY KEY/.test(d),
        ),
        `${stmt.sql}\n${details.join('\n')}`,
      ).toBe(true);
    }
  });
});
