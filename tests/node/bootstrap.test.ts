import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { bootstrap } from '../../src/bootstrap';
import { parseConfig } from '../../src/config';
import type { Deps } from '../../src/deps';
import { adminTokens } from '../../src/db/schema';
import { openDatabase } from '../../src/entry/node-db';
import { createLogger } from '../../src/logger';
import { adminCall } from '../harness/client';
import { TEST_ENV, testClock } from '../harness/types';

describe('bootstrap: admin tokens', () => {
  it('two processes starting at once on an empty database print one token between them, and it works', async () => {
    const { db } = await openDatabase(':memory:');
    const { ADMIN_TOKEN: _, ...env } = TEST_ENV;
    const config = parseConfig(env);
    const clock = testClock();
    const started = await Promise.all([1, 2, 3].map(() => bootstrap(db, config, clock.now())));
    const printed = started.flatMap((s) => (s.generatedAdminToken ? [s.generatedAdminToken] : []));
    expect(printed).toHaveLength(1);

    const deps: Deps = { db, config, clock, keys: started[0]!.keys, logger: createLogger('silent'), defer: () => undefined };
    const app = createApp(deps);
    const t = { request: async (p: string, init?: RequestInit) => app.request(p, init), clock, adminToken: printed[0]! };
    const { status, body } = await adminCall(t, 'GET', '/tokens');
    expect(status).toBe(200);
    expect(body.tokens.map((x: any) => [x.name, x.revokedAt, x.current])).toEqual([['initial', null, true]]);

    // A restart finds the live token and prints nothing.
    expect((await bootstrap(db, config, clock.now())).generatedAdminToken).toBeUndefined();
  });

  it('says when ADMIN_TOKEN is a value that a moderator revoked', async () => {
    const { db } = await openDatabase(':memory:');
    const config = parseConfig(TEST_ENV);
    const clock = testClock();
    expect((await bootstrap(db, config, clock.now())).adminTokenRevoked).toBeUndefined();
    await db.update(adminTokens).set({ revokedAt: clock.now() });
    expect((await bootstrap(db, config, clock.now())).adminTokenRevoked).toBe(true);
    expect((await db.select().from(adminTokens).all()).map((r) => r.revokedAt)).toEqual([clock.now()]);
  });
});
