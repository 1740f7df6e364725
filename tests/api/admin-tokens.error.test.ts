import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall } from '../harness/client';

describe('admin tokens: errors', () => {
  it('409 last_token: the last live token cannot be revoked', async () => {
    const t = await setup();
    const [only] = (await adminCall(t, 'GET', '/tokens')).body.tokens;
    const answer = await adminCall(t, 'DELETE', `/tokens/${only.id}`);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('last_token');
    expect((await adminCall(t, 'GET', '/tokens')).status).toBe(200);
    // Refused, so not recorded: the audit entry is written in the revocation's batch, only if it happened.
    expect((await adminCall(t, 'GET', '/audit?action=token.revoke')).body.entries).toEqual([]);
  });

  it('409 already_revoked, 404 token_not_found, 422 for a malformed id', async () => {
    const t = await setup();
    const { body } = await adminCall(t, 'POST', '/tokens', { name: 'temp' });
    await adminCall(t, 'DELETE', `/tokens/${body.token.id}`);
    const again = await adminCall(t, 'DELETE', `/tokens/${body.token.id}`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_revoked');
    const unknown = await adminCall(t, 'DELETE', '/tokens/doesNotExist000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('token_not_found');
    expect((await adminCall(t, 'DELETE', '/tokens/bad%20id')).status).toBe(422);
  });

  it('409 token_name_taken for the name of a live token; 422 for no name, a long one or unknown keys', async () => {
    const t = await setup();
    const taken = await adminCall(t, 'POST', '/tokens', { name: 'ADMIN_TOKEN' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('token_name_taken');
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'ok', token: 'my-own-choice-0123456789' }, 'token'],
    ] as const) {
      const answer = await adminCall(t, 'POST', '/tokens', body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(Object.keys(answer.body.errors)).toContain(field);
    }
    expect((await adminCall(t, 'GET', '/tokens')).body.tokens).toHaveLength(1);
  });

  it('409 token_name_taken for the second of two requests at once with the same name', async () => {
    const t = await setup();
    const answers = await Promise.all([1, 2].map(() => adminCall(t, 'POST', '/tokens', { name: 'twin' })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('token_name_taken');
    const named = (await adminCall(t, 'GET', '/tokens')).body.tokens.filter((x: any) => x.name === 'twin');
    expect(named).toHaveLength(1);
    expect(
      (await adminCall(t, 'GET', '/stats', undefined, answers.find((a) => a.status === 201)!.body.secret)).status,
    ).toBe(200);
  });

  it('two revocations of one token at once: one 204, one 409 already_revoked, one audit entry', async () => {
    const t = await setup();
    const { body } = await adminCall(t, 'POST', '/tokens', { name: 'twice' });
    const answers = await Promise.all([1, 2].map(() => adminCall(t, 'DELETE', `/tokens/${body.token.id}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('already_revoked');
    expect((await adminCall(t, 'GET', `/audit?action=token.revoke`)).body.entries).toHaveLength(1);
  });
});
