import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { eq } from 'drizzle-orm';
import { adminTokens, auditLog } from '../../src/db/schema';
import { hashAdminToken } from '../../src/db/tokens';
import { harnessOn } from '../harness/app';
import { adminCall } from '../harness/client';

describe('admin tokens: happy paths', () => {
  it('lists the start-up token as one of them, marked as the current one, never with its value', async () => {
    const t = await setup();
    const { status, body } = await adminCall(t, 'GET', '/tokens');
    expect(status).toBe(200);
    expect(body.tokens).toEqual([
      {
        id: expect.any(String),
        name: 'ADMIN_TOKEN',
        createdAt: new Date(t.clock.now()).toISOString(),
        lastUsedAt: expect.any(String),
        revokedAt: null,
        current: true,
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(t.adminToken);
  });

  it('creates a token shown once, which works at once and is recorded under its own name', async () => {
    const t = await setup();
    const created = await adminCall(t, 'POST', '/tokens', { name: '  Rédaction   web ' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatchObject({ name: 'Rédaction web', lastUsedAt: null, revokedAt: null });
    expect(created.body.secret).toMatch(/^tamis_[A-Za-z0-9_-]{43}$/);

    const list = (await adminCall(t, 'GET', '/tokens', undefined, created.body.secret)).body.tokens;
    expect(list).toHaveLength(2);
    expect(list.find((x: any) => x.current).name).toBe('Rédaction web');
    expect(JSON.stringify(list)).not.toContain(created.body.secret);

    // The new token's actions carry its name in the audit log.
    await adminCall(t, 'PUT', '/articles/a1', { closed: true }, created.body.secret);
    const [latest, creation] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(latest).toMatchObject({
      action: 'article.update',
      actor: { id: created.body.token.id, name: 'Rédaction web' },
    });
    expect(creation).toMatchObject({
      action: 'token.create',
      actor: { name: 'ADMIN_TOKEN' },
      target: { type: 'token', id: created.body.token.id },
    });
    expect(JSON.stringify(creation)).not.toContain(created.body.secret);
  });

  it('revokes a token: refused at once, listed with revokedAt, recorded', async () => {
    const t = await setup();
    const { body } = await adminCall(t, 'POST', '/tokens', { name: 'intern' });
    expect((await adminCall(t, 'GET', '/stats', undefined, body.secret)).status).toBe(200);
    t.clock.advance(1000);
    expect((await adminCall(t, 'DELETE', `/tokens/${body.token.id}`)).status).toBe(204);
    const refused = await adminCall(t, 'GET', '/stats', undefined, body.secret);
    expect(refused.status).toBe(401);
    const listed = (await adminCall(t, 'GET', '/tokens')).body.tokens.find((x: any) => x.id === body.token.id);
    expect(listed.revokedAt).toBe(new Date(t.clock.now()).toISOString());
    const [entry] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(entry).toMatchObject({ action: 'token.revoke', target: { id: body.token.id }, after: { name: 'intern' } });
  });

  it('can revoke the start-up token once another exists; a moderator may revoke their own token', async () => {
    const t = await setup();
    const { body } = await adminCall(t, 'POST', '/tokens', { name: 'successor' });
    const startup = (await adminCall(t, 'GET', '/tokens')).body.tokens.find((x: any) => x.name === 'ADMIN_TOKEN');
    expect((await adminCall(t, 'DELETE', `/tokens/${startup.id}`)).status).toBe(204);
    expect((await adminCall(t, 'GET', '/tokens')).status).toBe(401);
    expect((await adminCall(t, 'GET', '/tokens', undefined, body.secret)).status).toBe(200);
  });

  it('allows the name of a revoked token again', async () => {
    const t = await setup();
    const first = await adminCall(t, 'POST', '/tokens', { name: 'desk' });
    await adminCall(t, 'DELETE', `/tokens/${first.body.token.id}`);
    expect((await adminCall(t, 'POST', '/tokens', { name: 'desk' })).status).toBe(201);
  });

  it('a new ADMIN_TOKEN at start-up retires the old value and what an upgrade renamed, recorded; the same value again changes nothing; one a moderator revoked stays revoked', async () => {
    const t = await setup();
    // What the upgrade to unique names leaves of an earlier value still live: "ADMIN_TOKEN (its id)".
    const leftover = await adminCall(t, 'POST', '/tokens', { name: 'pre-upgrade' });
    await t.deps.db
      .update(adminTokens)
      .set({ name: `ADMIN_TOKEN (${leftover.body.token.id})` })
      .where(eq(adminTokens.id, leftover.body.token.id));
    // A moderator's own token with a look-alike name is not the server's business.
    const laptop = await adminCall(t, 'POST', '/tokens', { name: 'ADMIN_TOKEN (laptop)' });
    const rotated = 'rotated-admin-token-9876543210';
    const restarted = await harnessOn(t.deps.db, { ADMIN_TOKEN: rotated });
    expect((await adminCall(t, 'GET', '/tokens')).status).toBe(401);
    expect((await adminCall(t, 'GET', '/tokens', undefined, leftover.body.secret)).status).toBe(401);
    expect((await adminCall(t, 'GET', '/tokens', undefined, laptop.body.secret)).status).toBe(200);
    const state = async () =>
      (await adminCall(restarted, 'GET', '/tokens')).body.tokens
        .map((x: any) => ({ id: x.id, name: x.name, live: x.revokedAt === null, current: x.current }))
        .sort((a: any, b: any) => Number(b.live) - Number(a.live) || (a.name < b.name ? -1 : 1));
    const tokens = await state();
    expect(tokens.map((x: any) => [x.name, x.live, x.current])).toEqual([
      ['ADMIN_TOKEN', true, true],
      ['ADMIN_TOKEN (laptop)', true, false],
      ['ADMIN_TOKEN', false, false],
      [`ADMIN_TOKEN (${leftover.body.token.id})`, false, false],
    ]);
    // Recorded under the actor "start-up": the new value and each token it retired (the first
    // value, installed on an empty database, was not a change).
    const startup = async (h = restarted) =>
      (await adminCall(h, 'GET', '/audit')).body.entries.filter((e: any) => e.actor.name === 'start-up');
    const entries = await startup();
    expect(entries.map((e: any) => [e.action, e.target.id, e.actor.id]).sort()).toEqual(
      [
        ['token.create', tokens[0].id, null],
        ['token.revoke', tokens[2].id, null],
        ['token.revoke', tokens[3].id, null],
      ].sort(),
    );
    expect(entries.find((e: any) => e.target.id === tokens[2].id)).toMatchObject({
      before: { name: 'ADMIN_TOKEN', revokedAt: null },
      after: { name: 'ADMIN_TOKEN', revokedAt: new Date(restarted.clock.now()).toISOString() },
    });

    await harnessOn(t.deps.db, { ADMIN_TOKEN: rotated });
    expect(await state()).toEqual(tokens);
    expect(await startup()).toEqual(entries);

    const live = tokens[0];
    expect((await adminCall(restarted, 'DELETE', `/tokens/${live.id}`, undefined, laptop.body.secret)).status).toBe(
      204,
    );
    await harnessOn(t.deps.db, { ADMIN_TOKEN: rotated });
    expect((await adminCall(restarted, 'GET', '/tokens')).status).toBe(401);
    expect((await adminCall(restarted, 'GET', '/tokens', undefined, laptop.body.secret)).body.tokens).toHaveLength(4);

    // A new value after the moderator's revocation replaces nothing, and is still recorded.
    const next = await harnessOn(t.deps.db, { ADMIN_TOKEN: 'next-admin-token-0123456789' });
    expect((await adminCall(next, 'GET', '/tokens')).status).toBe(200);
    const created = (await startup(next)).filter((e: any) => e.action === 'token.create');
    expect(created).toHaveLength(2);
  });

  it('processes starting at once with different new values: one stays, every replacement recorded once', async () => {
    const t = await setup();
    const values = ['first-new-admin-token-000000', 'second-new-admin-token-00000', 'third-new-admin-token-000000'];
    await Promise.all(values.map((ADMIN_TOKEN) => harnessOn(t.deps.db, { ADMIN_TOKEN })));
    const rows = await t.deps.db.select().from(adminTokens).all();
    expect(rows.filter((r) => r.revokedAt === null)).toHaveLength(1);
    const audit = await t.deps.db.select().from(auditLog).all();
    const revokes = audit
      .filter((e) => e.action === 'token.revoke')
      .map((e) => e.targetId)
      .sort();
    expect(revokes).toEqual(
      rows
        .filter((r) => r.revokedAt !== null)
        .map((r) => r.id)
        .sort(),
    );
    // Each new value was stored and recorded once; the first value, installed by setup(), was not.
    const first = await hashAdminToken(t.adminToken);
    const creates = audit
      .filter((e) => e.action === 'token.create')
      .map((e) => e.targetId)
      .sort();
    expect(creates).toEqual(
      rows
        .filter((r) => r.tokenHash !== first)
        .map((r) => r.id)
        .sort(),
    );
    expect(rows).toHaveLength(values.length + 1);
  });
});
