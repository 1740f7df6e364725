import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { BROWSER_UA, comment, nextIp, path, postOk } from '../harness/client';
import type { Harness } from '../harness/types';

/**
 * What the internet sends. For random bodies, headers, paths and query strings: never a 5xx, every
 * refusal is problem+json 4xx, and a refused request changes nothing (threads, counts, and the
 * per-verdict totals of every stored comment, read through the API before and after).
 * tests/node/hostile-db.test.ts makes the same check on the raw database.
 */

const RUNS = 100;
const ARTICLE = 'fuzz';

// ---- Generators -------------------------------------------------------------------------------

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const control = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const tricky = fc.constantFrom(
  '<',
  '>',
  '"',
  "'",
  '&',
  '%',
  '\\',
  '/',
  '\u0000',
  '\u202e',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u2028',
  '\r\n',
  '\t',
  ' ',
);
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: control },
  { weight: 2, arbitrary: tricky },
);
const known = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '%00',
  '%ZZ',
  '%ED%A0%80',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '../../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE comments; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, sent as typed
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  'a@b',
  'null',
  '[]',
  '{}',
);
/** Up to 70,000 characters: past the 64 KiB body limit once serialized. */
const huge = fc
  .tuple(fc.integer({ min: 5_000, max: 70_000 }), fc.constantFrom('A', 'é', '😀', '\u0000', '<'))
  .map(([n, ch]) => ch.repeat(n));
const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit, maxLength: 80 }) },
  { weight: 3, arbitrary: known },
  { weight: 1, arbitrary: huge },
);

/** Nested arrays or objects, written as text (JSON.stringify would recurse). */
const deep = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 4 }) },
);

const FIELDS = ['author', 'email', 'website', 'content', 'parentId', 'token', 'hp'] as const;

/** JSON bodies as the text sent: objects of hostile fields, valid submissions with one field made hostile, other JSON, non-JSON. */
const jsonText: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.record(Object.fromEntries(FIELDS.map((f) => [f, hostileValue])), { requiredKeys: [] }),
      fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }),
    )
    .map(([fields, extra]) => JSON.stringify({ ...extra, ...fields })),
  fc
    .tuple(fc.constantFrom(...FIELDS), hostileValue)
    .map(([field, value]) => JSON.stringify(comment({ [field]: value }))),
  fc
    .tuple(fc.constantFrom(...FIELDS), deep)
    .map(([field, nested]) => JSON.stringify(comment()).replace(/}$/, `,"${field}":${nested}}`)),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  deep,
  fc.string({ unit, maxLength: 200 }),
  fc.constantFrom(
    '',
    '{',
    '{"author":',
    '{"author":"x"',
    'null',
    '[]',
    '"text"',
    '1',
    '{"__proto__":{"admin":true}}',
    '\ufeff{}',
  ),
);

/** Bytes that are not UTF-8, alone or inside an otherwise valid submission. */
const invalidUtf8 = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
  fc.tuple(fc.constantFrom(...FIELDS), fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([field, bytes]) => {
    const [head, tail] = JSON.stringify(comment({ [field]: '@@' })).split('@@') as [string, string];
    const enc = new TextEncoder();
    return new Uint8Array([...enc.encode(head), 0xff, 0xc3, ...bytes, 0xed, 0xa0, 0x80, ...enc.encode(tail)]);
  }),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'text/html',
      'application/xml',
      '',
      'application/json, text/plain',
      ';;;',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    }),
  },
);

/** Form bodies: encoded hostile values, and raw text with broken percent-encoding. */
const formText = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), hostileString), hostileString, { maxKeys: 8 }).map((d) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(d)) form.append(k, v);
    return form.toString();
  }),
  fc
    .tuple(fc.constantFrom(...FIELDS), hostileString)
    .map(([field, value]) =>
      new URLSearchParams({ ...(comment() as Record<string, string>), [field]: value }).toString(),
    ),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...FIELDS, '', '%', '&', '='),
        fc.constantFrom('%', '%Z', '%ZZ', '%ED%A0%80', '%00', '%C3', '+', '=', '&&', 'x%'),
        fc.string({ maxLength: 10 }),
      ),
      { maxLength: 8 },
    )
    .map((pairs) => pairs.map(([k, broken, v]) => `${k}=${v}${broken}`).join('&')),
);

/**
 * Header values, short and long: printable ASCII and tabs. (Bytes 0x80–0xFF are valid too, but
 * workerd warns on each; tests/node/hostile-db.test.ts sends them over a raw socket.)
 */
const headerChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(9)).map((c) => String.fromCharCode(c));
const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 100 }),
  fc.integer({ min: 1_000, max: 8_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom(
    '',
    'Bearer ',
    'Bearer a.b',
    'Bearer ....',
    'Basic Og==',
    '*',
    'null',
    'fr;q=abc, en;q=1e999',
    'text/html',
    '"W/\\"0-5an50-\\""',
    '::ffff:1.2.3.4',
    '1.2.3.4, 999.1.1.1',
    'unknown',
    'http://evil.example',
    'data:,x',
  ),
);
const headerName = fc.constantFrom(
  'Accept',
  'Accept-Language',
  'Authorization',
  'Cookie',
  'Origin',
  'Referer',
  'User-Agent',
  'X-Forwarded-For',
  'CF-Connecting-IP',
  'Forwarded',
  'If-None-Match',
  'X-Request-Id',
  'Accept-Encoding',
  'Range',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 6 });

/** A path segment as it may arrive: encoded, raw, broken, long, dot-segments. */
const segment = fc.oneof(
  hostileString.map((s) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return s; // a lone surrogate cannot be encoded: sent raw
    }
  }),
  fc.string({
    unit: fc.constantFrom('a', '%', 'Z', '0', 'E', 'D', '8', '.', '-', '~', '+', ';', ',', '@', ':'),
    maxLength: 30,
  }),
  fc.constantFrom(
    '.',
    '..',
    '%2e%2e',
    '%2F',
    'a%2Fb',
    '%00',
    '%ZZ',
    '%ED%A0%80',
    '%C3',
    '%',
    '%%',
    'a'.repeat(201),
    'a'.repeat(20_000),
  ),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom('sort', 'limit', 'cursor', 'article', 'token', 'access_token', 'x', 'article[]', ''),
      fc.oneof(segment, fc.constantFrom('newest', 'oldest', '0', '100', '101', '-5', '1.5', 'Infinity')),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD');

// ---- Checks -----------------------------------------------------------------------------------

interface Fixture {
  t: Harness;
  commentId: string;
  editToken: string;
}

async function fixture(): Promise<Fixture> {
  const t = await setup();
  const first = await postOk(t, ARTICLE, comment({ content: 'Premier commentaire, il doit rester tel quel.' }));
  await postOk(t, ARTICLE, comment({ parentId: first.comment.id, content: 'Une réponse.' }));
  return { t, commentId: first.comment.id, editToken: first.editToken };
}

/** What a refused request must leave as it was, as the API shows it. */
async function snapshot(t: Harness): Promise<string> {
  const read = async (p: string, init?: RequestInit) => {
    const res = await t.request(p, init);
    return `${p} ${res.status} ${await res.text()}`;
  };
  return [
    await read(path(ARTICLE)),
    await read(`${path(ARTICLE)}?sort=newest`),
    await read(`/api/v1/counts?article=${ARTICLE}&article=other`),
    // Every stored comment, whatever its status, counts in one of the verdict totals.
    await read('/api/v1/admin/spam/stats', { headers: { Authorization: `Bearer ${t.adminToken}` } }),
  ].join('\n');
}

const WRITES = new Set(['POST', 'PATCH', 'DELETE', 'PUT']);

/**
 * Sends one request and checks the answer: below 500, problem+json when refused, secure headers
 * always, and nothing changed unless a write succeeded.
 */
async function probe(f: Fixture, url: string, init: RequestInit): Promise<Response | null> {
  try {
    new Request(`http://localhost${url}`, init);
  } catch {
    return null; // not a request any client could send (fetch itself refuses it)
  }
  const before = await snapshot(f.t);
  const res = await f.t.request(url, init);
  const label = `${init.method ?? 'GET'} ${url.slice(0, 200)} → ${res.status}`;
  expect(res.status, label).toBeLessThan(500);
  expect(res.status, label).toBeGreaterThanOrEqual(200);
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
  if (res.status >= 400) {
    expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
    if ((init.method ?? 'GET') !== 'HEAD') {
      const problem = (await res.json()) as { status: number; code: string; title: string };
      expect(problem.status, label).toBe(res.status);
      expect(problem.code, label).toMatch(/^[a-z_]+$/);
      expect(problem.title, label).toBeTruthy();
    }
  } else {
    await res.arrayBuffer();
  }
  const changed = (await snapshot(f.t)) !== before;
  if (changed) {
    expect(WRITES.has(init.method ?? 'GET') && res.status < 400, `${label} changed the data`).toBe(true);
  }
  return res;
}

function postInit(body: BodyInit, type: string, extra: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    // A new client IP each time, so that flood control does not hide what comes after it.
    headers: {
      ...(type ? { 'Content-Type': type } : {}),
      'User-Agent': BROWSER_UA,
      'X-Forwarded-For': nextIp(),
      ...extra,
    },
    body,
  };
}

// ---- Properties -------------------------------------------------------------------------------

describe('hostile input never gets a 5xx, and a refusal changes nothing', () => {
  it('JSON bodies: wrong types, huge strings, deep nesting, NUL, lone surrogates, extra keys', async () => {
    const f = await fixture();
    await fc.assert(
      fc.asyncProperty(jsonText, contentType, async (body, type) => {
        await probe(f, path(ARTICLE), postInit(body, type));
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('bodies that are not UTF-8', async () => {
    const f = await fixture();
    await fc.assert(
      fc.asyncProperty(
        invalidUtf8,
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        async (bytes, type) => {
          await probe(f, path(ARTICLE), postInit(bytes as Uint8Array<ArrayBuffer>, type));
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('form bodies, encoded and broken', async () => {
    const f = await fixture();
    await fc.assert(
      fc.asyncProperty(formText, fc.boolean(), async (body, html) => {
        await probe(
          f,
          path(ARTICLE),
          postInit(
            body,
            'application/x-www-form-urlencoded',
            html ? { Accept: 'text/html', Referer: 'https://evil.example/' } : {},
          ),
        );
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('headers on every route', async () => {
    const f = await fixture();
    const routes = [
      path(ARTICLE),
      `/api/v1/articles/${ARTICLE}/form`,
      `/api/v1/counts?article=${ARTICLE}`,
      '/healthz',
      '/api/v1/admin/tokens',
      '/api/v1/comments/abc',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), method, headers, async (route, m, h) => {
        const hasBody = m === 'POST' || m === 'PATCH' || m === 'PUT';
        const base = { 'Content-Type': 'application/json', 'X-Forwarded-For': nextIp() };
        await probe(f, route, {
          method: m,
          headers: { ...base, ...h },
          ...(hasBody ? { body: JSON.stringify(comment()) } : {}),
        });
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('path parameters and query strings', async () => {
    const f = await fixture();
    const routes = [
      (s: string) => `/api/v1/articles/${s}/comments`,
      (s: string) => `/api/v1/articles/${s}/form`,
      (s: string) => `/api/v1/comments/${s}`,
      (s: string) => `/api/v1/admin/articles/${s}`,
      (s: string) => `/${s}`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes.length - 1 }),
        segment,
        queryString,
        method,
        async (r, s, q, m) => {
          const url = routes[r]!(s) + q;
          const hasBody = m === 'POST' || m === 'PATCH' || m === 'PUT';
          const body = m === 'PUT' ? JSON.stringify({ closed: false }) : JSON.stringify(comment());
          await probe(f, url, {
            method: m,
            headers: {
              'Content-Type': 'application/json',
              'X-Forwarded-For': '192.0.2.2',
              Authorization: `Bearer ${r === 3 ? f.t.adminToken : 'x.y'}`,
            },
            ...(hasBody ? { body } : {}),
          });
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('author edits: hostile tokens and bodies', async () => {
    const f = await fixture();
    const token = fc.oneof(
      fc.constant(f.editToken),
      headerValue,
      fc.constantFrom('edit', '.', 'a.b', 'edit.x.9999999999999.AAAA'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PATCH', 'DELETE'),
        fc.boolean(),
        fc.oneof(token, fc.constant('VALID')),
        jsonText,
        async (m, own, tok, body) => {
          const id = own ? f.commentId : 'AAAAAAAAAAAAAAAAAAAAAA';
          const bearer = tok === 'VALID' ? f.editToken : tok;
          // A valid token with a DELETE would end the game early: withdrawals are tested elsewhere.
          if (m === 'DELETE' && bearer === f.editToken && own) return;
          await probe(f, `/api/v1/comments/${id}`, {
            method: m,
            headers: {
              'Content-Type': 'application/json',
              Authorization: `Bearer ${bearer}`,
              'X-Forwarded-For': '192.0.2.3',
            },
            ...(m === 'PATCH' ? { body } : {}),
          });
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});

describe('known cases', () => {
  it('invalid percent-encoding in a path is a 400 malformed_url, never a literal id', async () => {
    const { t } = await fixture();
    for (const url of [
      '/api/v1/articles/%ED%A0%80/comments',
      '/api/v1/articles/100%/comments',
      '/api/v1/articles/%E0%A4%A/form',
      '/api/v1/comments/%ZZ',
      '/api/v1/admin/articles/%C3',
    ]) {
      for (const init of [{}, postInit(JSON.stringify(comment()), 'application/json')]) {
        const res = await t.request(url, init);
        expect(res.status, url).toBe(400);
        expect(((await res.json()) as { code: string }).code).toBe('malformed_url');
      }
    }
    // Well-formed encodings still work, the encoded slash included.
    await postOk(t, '2026/09/nvidia-openai');
    await postOk(t, '100%');
    // In a query, a value that does not decode is validated as written.
    expect((await t.request(`${path(ARTICLE)}?cursor=%ZZ`)).status).toBe(422);
    expect(await (await t.request('/api/v1/counts?article=%C3')).json()).toEqual({ counts: { '%C3': 0 } });
  });

  it('a body nested 100,000 levels deep is refused cleanly', async () => {
    const { t } = await fixture();
    for (const body of [
      '['.repeat(100_000),
      `{"author":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
      `${'{"a":'.repeat(12_000)}1${'}'.repeat(12_000)}`,
    ]) {
      const res = await t.request(path(ARTICLE), postInit(body, 'application/json'));
      expect([400, 413, 422]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('prototype keys in a body are plain unknown data', async () => {
    const { t } = await fixture();
    const res = await t.request(
      path(ARTICLE),
      postInit(
        '{"__proto__":{"status":"approved"},"constructor":{"prototype":{"x":1}},"author":"","email":"x"}',
        'application/json',
      ),
    );
    expect(res.status).toBe(422);
    expect(({} as Record<string, unknown>).status).toBeUndefined();
  });
});
