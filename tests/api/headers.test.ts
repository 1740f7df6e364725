import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, admin, comment, nextIp, path, post, postOk } from '../harness/client';
import type { Harness } from '../harness/types';

/**
 * Security headers on every kind of answer, CORS only where and for whom it is meant, and the body
 * size limit applied before anything is parsed — including bodies sent without a Content-Length.
 */

const ORIGIN = 'https://journal.example.fr';
const LIMIT = 64 * 1024;

function expectSecureHeaders(res: Response, label: string) {
  const h = res.headers;
  expect(h.get('x-content-type-options'), label).toBe('nosniff');
  expect(h.get('x-frame-options'), label).toBeTruthy();
  expect(h.get('referrer-policy'), label).toBe('no-referrer');
  expect(h.get('strict-transport-security'), label).toMatch(/max-age=\d+/);
  expect(h.get('cross-origin-resource-policy'), label).toBe('cross-origin');
  expect(h.get('content-security-policy'), label).toMatch(/frame-ancestors 'none'|default-src/);
  expect(h.get('x-request-id'), label).toMatch(/^[\w=-]{1,64}$/);
  expect(h.get('x-powered-by'), label).toBeNull();
  expect(h.get('access-control-allow-credentials'), label).toBeNull();
}

function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp(), ...headers },
    body: JSON.stringify(body),
  };
}

/** A body that never ends, and how much of it was read. */
function endless(chunk = 4096) {
  const state = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
  });
  return { body, state };
}

function streamed(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': nextIp(), ...headers },
    body,
    duplex: 'half',
  } as RequestInit;
}

describe('secure headers on every answer', () => {
  it('success, redirect, not modified, every error, preflight, admin, docs', async () => {
    const t = await setup({ ALLOWED_ORIGINS: ORIGIN });
    const posted = await postOk(t, 'a', comment({ content: 'Premier.' }));
    // The 409 needs a first copy, the 429 a first post from its IP.
    await postOk(t, 'a', comment({ email: 'same@exemple.fr', content: 'Premier.' }), { ip: '192.0.2.77' });
    t.clock.advance(20_000); // out of its flood window: the same client sending it again is a 409
    await post(t, 'a', comment(), { ip: '192.0.2.99' });
    const etag = (await t.request(path('a'))).headers.get('etag')!;
    const form = (await (await t.request('/api/v1/articles/a/form')).json()) as { token: string };
    t.clock.advance(5_000);

    const cases: [string, number, () => Promise<Response>][] = [
      ['thread', 200, () => t.request(path('a'))],
      ['HEAD thread', 200, () => t.request(path('a'), { method: 'HEAD' })],
      ['304', 304, () => t.request(path('a'), { headers: { 'If-None-Match': etag } })],
      ['form token', 200, () => t.request('/api/v1/articles/a/form')],
      ['counts', 200, () => t.request('/api/v1/counts?article=a')],
      ['healthz', 200, () => t.request('/healthz')],
      ['openapi', 200, () => t.request('/openapi.json')],
      ['docs', 200, () => t.request('/docs')],
      ['201', 201, () => post(t, 'a', comment())],
      [
        '303',
        303,
        () =>
          t.request(path('a'), {
            method: 'POST',
            headers: {
              'Content-Type': 'application/x-www-form-urlencoded',
              Accept: 'text/html',
              Referer: `${ORIGIN}/a`,
              'User-Agent': BROWSER_UA,
              'X-Forwarded-For': nextIp(),
            },
            body: new URLSearchParams({ ...(comment() as Record<string, string>), token: form.token }).toString(),
          }),
      ],
      [
        '204 preflight',
        204,
        () =>
          t.request(path('a'), {
            method: 'OPTIONS',
            headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
          }),
      ],
      ['400 malformed body', 400, () => t.request(path('a'), { ...json({}), body: '{' })],
      ['400 malformed url', 400, () => t.request('/api/v1/articles/%ZZ/comments')],
      ['401 edit', 401, () => t.request(`/api/v1/comments/${posted.comment.id}`, { method: 'DELETE' })],
      [
        '403 edit',
        403,
        () =>
          t.request(`/api/v1/comments/AAAAAAAAAAAAAAAAAAAAAA`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${posted.editToken}` },
          }),
      ],
      ['404', 404, () => t.request('/nowhere')],
      ['404 parent', 404, () => t.request(path('a'), json(comment({ parentId: 'AAAAAAAAAAAAAAAAAAAAAA' })))],
      [
        '409',
        409,
        () =>
          t.request(
            path('a'),
            json(comment({ email: 'same@exemple.fr', content: 'Premier.' }), { 'X-Forwarded-For': '192.0.2.77' }),
          ),
      ],
      ['413', 413, () => t.request(path('a'), json(comment({ content: 'x'.repeat(LIMIT) })))],
      [
        '415',
        415,
        () => t.request(path('a'), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' }),
      ],
      ['422', 422, () => t.request(path('a'), json({}))],
      ['429', 429, () => t.request(path('a'), json(comment(), { 'X-Forwarded-For': '192.0.2.99' }))],
      ['admin 200', 200, () => admin(t, '/tokens')],
      ['admin 401', 401, () => t.request('/api/v1/admin/tokens')],
      [
        'admin 413',
        413,
        () =>
          admin(t, '/articles/a', { method: 'PUT', body: JSON.stringify({ closed: false, pad: 'x'.repeat(LIMIT) }) }),
      ],
      [
        '204 delete',
        204,
        () =>
          t.request(`/api/v1/comments/${posted.comment.id}`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${posted.editToken}` },
          }),
      ],
    ];
    for (const [label, status, send] of cases) {
      const res = await send();
      expect(res.status, label).toBe(status);
      expectSecureHeaders(res, label);
      if (status >= 400) {
        expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
        expect(res.headers.get('cache-control'), label).toBe('no-store');
      }
    }
  });

  it('the API answers may not be framed or run anything; /docs may only show its own style sheet', async () => {
    const t = await setup();
    expect((await t.request(path('a'))).headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    const docs = (await t.request('/docs')).headers.get('content-security-policy')!;
    expect(docs).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; frame-ancestors 'none'/);
    expect(docs).not.toMatch(/script-src|https?:|\*/);
  });

  it('never echoes a forged request id', async () => {
    const t = await setup();
    for (const forged of ['abc\r\nSet-Cookie: x=1'.replace(/[\r\n]/g, ' '), '<script>', 'x'.repeat(65), 'a b']) {
      const res = await t.request(path('a'), { headers: { 'X-Request-Id': forged } });
      expect(res.headers.get('x-request-id')).not.toBe(forged);
    }
    const kept = await t.request(path('a'), { headers: { 'X-Request-Id': 'trace-123_ok=' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123_ok=');
  });
});

describe('CORS', () => {
  const publicRoutes: [string, string][] = [
    ['GET', path('a')],
    ['POST', path('a')],
    ['GET', '/api/v1/articles/a/form'],
    ['GET', '/api/v1/counts?article=a'],
    ['PATCH', '/api/v1/comments/AAAAAAAAAAAAAAAAAAAAAA'],
    ['DELETE', '/api/v1/comments/AAAAAAAAAAAAAAAAAAAAAA'],
  ];
  const adminRoutes: [string, string][] = [
    ['GET', '/api/v1/admin/tokens'],
    ['PUT', '/api/v1/admin/articles/a'],
    ['GET', '/api/v1/admin/spam/stats'],
  ];

  async function simple(t: Harness, method: string, url: string, origin: string, auth?: string) {
    const body =
      method === 'POST'
        ? JSON.stringify(comment())
        : method === 'PUT' || method === 'PATCH'
          ? JSON.stringify({ closed: false })
          : undefined;
    return t.request(url, {
      method,
      headers: {
        Origin: origin,
        'Content-Type': 'application/json',
        'X-Forwarded-For': nextIp(),
        ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      },
      ...(body ? { body } : {}),
    });
  }
  const preflight = (t: Harness, method: string, url: string, origin: string) =>
    t.request(url, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'content-type, authorization',
      },
    });

  it('public routes answer the allowed origins, success or refusal, and no other', async () => {
    const t = await setup({ ALLOWED_ORIGINS: `${ORIGIN}, https://autre.example.org` });
    for (const [method, url] of publicRoutes) {
      const label = `${method} ${url}`;
      const ok = await simple(t, method, url, ORIGIN);
      expect(ok.headers.get('access-control-allow-origin'), label).toBe(ORIGIN);
      expect(ok.headers.get('vary'), label).toMatch(/Origin/);
      // The page may read the validator, the wait after a 429 and the request id.
      expect(
        ok.headers
          .get('access-control-expose-headers')
          ?.split(/\s*,\s*/)
          .sort(),
        label,
      ).toEqual(['ETag', 'Retry-After', 'X-Request-Id']);
      const pre = await preflight(t, method, url, ORIGIN);
      expect(pre.status, label).toBe(204);
      expect(pre.headers.get('access-control-allow-origin'), label).toBe(ORIGIN);
      expect(pre.headers.get('access-control-allow-methods'), label).toContain(method);
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase(), label).toContain('authorization');

      for (const other of [
        'https://evil.example',
        'null',
        `${ORIGIN}.evil.example`,
        'http://journal.example.fr',
        ORIGIN.toUpperCase(),
      ]) {
        const res = await simple(t, method, url, other);
        expect(res.headers.get('access-control-allow-origin'), `${label} from ${other}`).toBeNull();
        expect(res.headers.get('access-control-expose-headers'), `${label} from ${other}`).toBeNull();
        expect(
          (await preflight(t, method, url, other)).headers.get('access-control-allow-origin'),
          `${label} preflight from ${other}`,
        ).toBeNull();
      }
    }
    // Refusals are readable by the page too: a 413 and a malformed URL, answered before any route.
    const big = await t.request(path('a'), {
      ...json(comment({ content: 'x'.repeat(LIMIT) })),
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const bad = await t.request('/api/v1/articles/%ZZ/comments', { headers: { Origin: ORIGIN } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('with ALLOWED_ORIGINS=* the public routes answer any origin, without credentials', async () => {
    const t = await setup({ ALLOWED_ORIGINS: '*' });
    for (const [method, url] of publicRoutes) {
      const res = await simple(t, method, url, 'https://anyone.example');
      expect(res.headers.get('access-control-allow-origin'), `${method} ${url}`).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('admin routes never answer cross-origin: any origin, any setting, with or without a valid token', async () => {
    for (const allowed of ['*', ORIGIN]) {
      const t = await setup({ ALLOWED_ORIGINS: allowed });
      for (const [method, url] of adminRoutes) {
        for (const auth of [t.adminToken, undefined]) {
          const res = await simple(t, method, url, ORIGIN, auth);
          expect(res.status, `${method} ${url}`).toBe(auth ? 200 : 401);
          expect(res.headers.get('access-control-allow-origin'), `${method} ${url} (${allowed})`).toBeNull();
        }
        const pre = await preflight(t, method, url, ORIGIN);
        expect(pre.headers.get('access-control-allow-origin'), `preflight ${url}`).toBeNull();
        expect(pre.headers.get('access-control-allow-methods'), `preflight ${url}`).toBeNull();
      }
      // Nor do the service's own pages.
      for (const url of ['/healthz', '/openapi.json']) {
        expect(
          (await t.request(url, { headers: { Origin: ORIGIN } })).headers.get('access-control-allow-origin'),
          url,
        ).toBeNull();
      }
    }
  });
});

describe('body size limit, before parsing', () => {
  it('64 KiB is accepted as a body, one byte more is 413', async () => {
    const t = await setup();
    const base = JSON.stringify(comment({ content: '' }));
    const exact = base.replace('"content":""', `"content":"${'a'.repeat(LIMIT - base.length)}"`);
    expect(new TextEncoder().encode(exact).length).toBe(LIMIT);
    const at = await t.request(path('a'), { ...json({}), body: exact });
    expect(at.status).toBe(422); // read and validated (the content is over 5,000 characters), not refused for its size
    expect(((await at.json()) as { errors: Record<string, string> }).errors).toHaveProperty('content');
    const over = await t.request(path('a'), { ...json({}), body: `${exact} ` });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { code: string }).code).toBe('payload_too_large');
  });

  it('a body streamed without Content-Length (chunked) is cut off at the limit: an endless one gets 413', async () => {
    const t = await setup();
    const { body, state } = endless();
    const res = await t.request(path('a'), streamed(body));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // Reading stopped right after the limit: the rest was never pulled.
    expect(state.pulled).toBeGreaterThan(LIMIT);
    expect(state.pulled).toBeLessThanOrEqual(LIMIT + 4 * 4096);
  });

  it('a streamed body under the limit is read and handled as usual', async () => {
    const t = await setup();
    const text = JSON.stringify(comment());
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const res = await t.request(path('a'), streamed(body, { 'User-Agent': BROWSER_UA }));
    expect(res.status).toBe(201);
  });

  it('applies on every route with a body: edits, admin, and routes that take none', async () => {
    const t = await setup();
    const posted = await postOk(t, 'a');
    const big = 'x'.repeat(LIMIT + 1);
    const sends: [string, RequestInit][] = [
      [
        `/api/v1/comments/${posted.comment.id}`,
        {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${posted.editToken}`, 'Content-Type': 'application/json' },
          body: big,
        },
      ],
      [
        '/api/v1/admin/articles/a',
        {
          method: 'PUT',
          headers: { Authorization: `Bearer ${t.adminToken}`, 'Content-Type': 'application/json' },
          body: big,
        },
      ],
      ['/api/v1/admin/articles/a', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: big }],
      [path('a'), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: big }],
      [path('a'), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: big }],
    ];
    for (const [url, init] of sends) {
      const res = await t.request(url, init);
      expect(res.status, `${init.method} ${url}`).toBe(413);
    }
    const { body } = endless();
    expect(
      (
        await t.request(`/api/v1/comments/${posted.comment.id}`, {
          ...streamed(body),
          method: 'PATCH',
          headers: { Authorization: `Bearer ${posted.editToken}` },
        })
      ).status,
    ).toBe(413);
    // Nothing was changed by any of them.
    const thread = (await (await t.request(path('a'))).json()) as { comments: { content: string }[] };
    expect(thread.comments.map((c) => c.content)).toEqual([posted.comment.content]);
  });
});

describe('answers that differ by Origin or hold private data say so to caches', () => {
  it('the thread varies with Origin and Accept-Encoding, with or without an Origin header', async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    for (const headers of [{}, { Origin: 'https://journal.example.fr' }] as Record<string, string>[]) {
      const vary = (await t.request('/api/v1/articles/a/comments', { headers })).headers.get('vary') ?? '';
      expect(vary.split(/\s*,\s*/).sort(), JSON.stringify(headers)).toEqual(['Accept-Encoding', 'Origin']);
    }
  });

  it('every admin answer, the spam endpoints included, is Cache-Control: no-store', async () => {
    const t = await setup();
    for (const path of ['/api/v1/admin/spam/stats', '/api/v1/admin/stats', '/api/v1/admin/tokens']) {
      const res = await t.request(path, { headers: { Authorization: `Bearer ${t.adminToken}` } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    const check = await t.request('/api/v1/admin/spam/check', {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ author: 'Ann', email: 'ann@orange.fr', content: 'Bonjour', ip: '203.0.113.9' }),
    });
    expect(check.status).toBe(200);
    expect(check.headers.get('cache-control')).toBe('no-store');
  });
});
