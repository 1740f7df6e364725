import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, postOk } from '../harness/client';
import type { Harness } from '../harness/types';

/** Every admin route, with a body that would be accepted. */
function routes(commentId: string): [string, string, unknown?][] {
  return [
    ['GET', '/tokens'],
    ['POST', '/tokens', { name: 'intruder' }],
    ['DELETE', '/tokens/someTokenId00000'],
    ['GET', '/comments'],
    ['GET', `/comments/${commentId}`],
    ['PATCH', `/comments/${commentId}`, { status: 'spam' }],
    ['POST', '/comments/bulk', { ids: [commentId], status: 'trash' }],
    ['DELETE', `/comments/${commentId}`],
    ['GET', '/articles/a1'],
    ['PUT', '/articles/a1', { closed: true }],
    ['POST', '/articles/a1/comments', { content: 'Pwned.' }],
    ['GET', '/settings'],
    ['PATCH', '/settings', { moderation: 'none' }],
    ['GET', '/lists'],
    ['POST', '/lists', { list: 'disallowed', kind: 'word', value: 'merci' }],
    ['DELETE', '/lists/someEntryId00000'],
    ['GET', '/privacy/export?email=camille%40exemple.fr'],
    ['POST', '/privacy/erase', { email: 'camille@exemple.fr' }],
    ['GET', '/audit'],
    ['GET', '/stats'],
  ];
}

async function send(t: Harness, method: string, url: string, body: unknown, headers: Record<string, string>) {
  return t.request(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('every admin route refuses', () => {
  it('no token, a wrong token, another scheme, a revoked token, and a token in the query string (even a valid one)', async () => {
    const t = await setup();
    const { comment } = await postOk(t, 'a1');
    const created = await adminCall(t, 'POST', '/tokens', { name: 'soon revoked' });
    const revoked = created.body.secret as string;
    expect((await adminCall(t, 'GET', '/tokens', undefined, revoked)).status).toBe(200);
    expect((await adminCall(t, 'DELETE', `/tokens/${created.body.token.id}`)).status).toBe(204);

    const auditBefore = (await adminCall(t, 'GET', '/audit')).body.entries.length;
    for (const [method, route, body] of routes(comment.id)) {
      const url = `/api/v1/admin${route}`;
      const sep = url.includes('?') ? '&' : '?';
      const attempts: [string, string, Record<string, string>][] = [
        ['no token', url, {}],
        ['wrong token', url, { Authorization: 'Bearer not-the-token-0123456789' }],
        ['basic scheme', url, { Authorization: `Basic ${t.adminToken}` }],
        ['revoked token', url, { Authorization: `Bearer ${revoked}` }],
        ['token in the URL', `${url}${sep}token=${t.adminToken}`, {}],
        [
          'access_token in the URL',
          `${url}${sep}access_token=${t.adminToken}`,
          { Authorization: `Bearer ${t.adminToken}` },
        ],
      ];
      for (const [what, target, headers] of attempts) {
        const res = await send(t, method, target, body, headers);
        expect(res.status, `${method} ${route}: ${what}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
        expect(((await res.json()) as any).code).toBe('unauthorized');
      }
    }

    // Nothing was done by any of them.
    const state = await adminCall(t, 'GET', `/comments/${comment.id}`);
    expect(state.body.comment.status).toBe('approved');
    expect((await adminCall(t, 'GET', '/lists')).body.entries).toEqual([]);
    expect((await adminCall(t, 'GET', '/settings')).body.settings.moderation).toBe('auto');
    expect((await adminCall(t, 'GET', '/tokens')).body.tokens.map((x: any) => x.name).sort()).toEqual([
      'ADMIN_TOKEN',
      'soon revoked',
    ]);
    expect((await adminCall(t, 'GET', '/audit')).body.entries.length).toBe(auditBefore);
  });

  it('answers each route with a valid bearer token (the list above is complete and reachable)', async () => {
    const t = await setup();
    const { comment } = await postOk(t, 'a1');
    for (const [method, route, body] of routes(comment.id)) {
      const res = await send(t, method, `/api/v1/admin${route}`, body, { Authorization: `Bearer ${t.adminToken}` });
      expect([200, 201, 204, 404], `${method} ${route}`).toContain(res.status);
    }
  });
});

describe('the admin API answers no browser origin and no cache', () => {
  it('no CORS headers, Cache-Control: no-store', async () => {
    const t = await setup();
    const res = await t.request('/api/v1/admin/comments', {
      headers: { Authorization: `Bearer ${t.adminToken}`, Origin: 'https://journal.example.fr' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the public API still exposes no email, IP or user agent after moderation', () => {
  it('staff replies and moderated comments included', async () => {
    const t = await setup();
    const { comment } = await postOk(
      t,
      'a1',
      { author: 'Jo', email: 'jo.secret@exemple.fr', content: 'Bonjour.' },
      { ip: '192.0.2.77' },
    );
    await adminCall(t, 'PATCH', `/comments/${comment.id}`, { content: 'Bonjour (modifié).' });
    await adminCall(t, 'POST', '/articles/a1/comments', { content: 'Réponse.', parentId: comment.id });
    const text = await (await t.request('/api/v1/articles/a1/comments')).text();
    expect(text).toContain('Bonjour (modifié).');
    for (const secret of ['jo.secret', '192.0.2.77', 'Mozilla']) expect(text).not.toContain(secret);
  });
});
