import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { harnessOn } from '../harness/app';
import { adminCall } from '../harness/client';

describe('admin tokens: happy paths', () => {
  it('lists the start-up token as one of them, marked as the current one, never with its value', async () => {
    const t = await setup();
    const { status, body } = await adminCall(t, 'GET', '/tokens');
    expect(status).toBe(200);
    expect(body.tokens).toEqual([
      { id: expect.any(String), name: 'ADMIN_TOKEN', createdAt: new Date(t.clock.now()).toISOString(), lastUsedAt: expect.any(String), revokedAt: null, current: true },
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
    expect(latest).toMatchObject({ action: 'article.update', actor: { id: created.body.token.id, name: 'Rédaction web' } });
    expect(creation).toMatchObject({ action: 'token.create', actor: { name: 'ADMIN_TOKEN' }, target: { type: 'token', id: created.body.token.id } });
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
    // What an upgrade leaves of earlier values that were never retired (migration 0004 renames them).
    const leftover = await adminCall(t, 'POST', '/tokens', { name: 'ADMIN_TOKEN (old)' });
    const rotated = 'rotated-admin-token-9876543210';
    t.clock.advance(60_000);
    const restarted = await harnessOn(t.deps.db, { ADMIN_TOKEN: rotated });
    expect((await adminCall(t, 'GET', '/tokens')).status).toBe(401);
    expect((await adminCall(t, 'GET', '/tokens', undefined, leftover.body.secret)).status).toBe(401);
    const state = async () =>
      (await adminCall(restarted, 'GET', '/tokens')).body.tokens
        .map((x: any) => ({ id: x.id, name: x.name, live: x.revokedAt === null, current: x.current }))
        .sort((a: any, b: any) => Number(b.live) - Number(a.live) || (a.name < b.name ? -1 : 1));
    const tokens = await state();
    expect(tokens.map((x: any) => [x.name, x.live, x.current])).toEqual([
      ['ADMIN_TOKEN', true, true],
      ['ADMIN_TOKEN', false, false],
      ['ADMIN_TOKEN (old)', false, false],
    ]);
    // Recorded under the actor "start-up": the new value and each token it retired (the first
    // value, installed on an empty database, was not a change).
    const startup = async () =>
      (await adminCall(restarted, 'GET', '/audit')).body.entries
        .filter((e: any) => e.actor.name === 'start-up')
        .map((e: any) => [e.action, e.target.id, e.actor.id]);
    const entries = await startup();
    expect(entries).toHaveLength(3);
    expect(entries).toEqual(
      expect.arrayContaining([
        ['token.create', tokens[0].id, null],
        ['token.revoke', tokens[1].id, null],
        ['token.revoke', tokens[2].id, null],
      ]),
    );

    await harnessOn(t.deps.db, { ADMIN_TOKEN: rotated });
    expect(await state()).toEqual(tokens);
    expect(await startup()).toEqual(entries);

    const desk = await adminCall(restarted, 'POST', '/tokens', { name: 'desk' });
    const live = tokens.find((x: any) => x.live);
    expect((await adminCall(restarted, 'DELETE', `/tokens/${live.id}`, undefined, desk.body.secret)).status).toBe(204);
    await harnessOn(t.deps.db, { ADMIN_TOKEN: rotated });
    expect((await adminCall(restarted, 'GET', '/tokens')).status).toBe(401);
    expect((await adminCall(restarted, 'GET', '/tokens', undefined, desk.body.secret)).body.tokens).toHaveLength(4);
  });
});
