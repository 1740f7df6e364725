import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { setup } from '@harness';
import { outbox, subscriptions } from '../../src/db/schema';
import { BROWSER_UA, comment, nextIp, post, postOk, type Posted } from '../harness/client';

/**
 * The OpenAPI document against the server it describes. The document is generated from the route
 * declarations; these tests check that the declarations tell the truth: every route the app serves
 * is documented, every answer a representative request gets is documented for its operation and
 * parses with the declared schema, and every documented request example is accepted.
 */

type Harness = Awaited<ReturnType<typeof setup>>;
type Media = Record<string, { schema: z.ZodType }>;
interface Declared {
  method: string;
  path: string;
  request?: { body?: { content: Media } };
  responses: Record<string, { description: string; content?: Media }>;
}

const ADMIN = '/api/v1/admin';
const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The operations the app declares, by `METHOD /openapi/{path}`, with their zod schemas. */
function declarations(t: Harness): Map<string, Declared> {
  const ops = new Map<string, Declared>();
  for (const def of t.app.openAPIRegistry.definitions) {
    if (def.type === 'route')
      ops.set(`${def.route.method.toUpperCase()} ${def.route.path}`, def.route as unknown as Declared);
  }
  return ops;
}

/** The answer is documented for the operation: its status, its media type, and a body the declared schema parses. */
async function expectDocumented(op: Declared, res: Response, label: string) {
  const declared = op.responses[String(res.status)];
  expect(declared, `${label}: ${res.status} is not documented (${await res.clone().text()})`).toBeDefined();
  const text = await res.text();
  if (!declared!.content) {
    expect(text, `${label}: ${res.status} is documented without a body`).toBe('');
    return;
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = declared!.content[type];
  expect(media, `${label}: ${type} is not documented for ${res.status}`).toBeDefined();
  const parsed = media!.schema.safeParse(/(^|\/|\+)json$/.test(type) ? JSON.parse(text) : text);
  expect(
    parsed.success,
    `${label}: the body does not parse with the declared schema: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`,
  ).toBe(true);
}

interface Fixture {
  t: Harness;
  /** An approved comment on article a1, and a pending one, with their edit tokens. */
  posted: Posted;
  held: Posted;
}

async function fixture(): Promise<Fixture> {
  const t = await setup();
  const posted = await postOk(t, 'a1');
  // No form token and no user agent: held for a moderator.
  const res = await post(t, 'a1', comment(), { noToken: true, headers: { 'User-Agent': '' } });
  const held = (await res.json()) as Posted;
  expect(held.comment.status).toBe('pending');
  return { t, posted, held };
}

interface Init {
  body?: unknown;
  /** The body as sent, and its media type (JSON of `body` otherwise). */
  raw?: BodyInit;
  type?: string;
  headers?: Record<string, string>;
  /** With the admin token (paths under /api/v1/admin). */
  admin?: boolean;
}

/** A request as a browser or a moderator's tool sends it: a browser's user agent, a client IP of its own. */
function send(f: Fixture, method: string, url: string, init: Init = {}) {
  const headers: Record<string, string> = { 'User-Agent': BROWSER_UA, 'X-Forwarded-For': nextIp(), ...init.headers };
  if (init.admin ?? url.startsWith(ADMIN)) headers.Authorization ??= `Bearer ${f.t.adminToken}`;
  let body: BodyInit | undefined = init.raw;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['Content-Type'] ??= init.type ?? 'application/json';
  return f.t.request(url, { method, headers, ...(body === undefined ? {} : { body }) });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const commentsOf = (articleId: string) => `/api/v1/articles/${articleId}/comments`;

type Case = [status: number, label: string, request: (f: Fixture) => Promise<Response>];

/**
 * One representative request per answer worth trying, for every documented operation: the happy
 * path, and the refusals that are cheap to provoke. Each operation starts from a fresh fixture; its
 * cases run in order.
 */
const TABLE: Record<string, Case[]> = {
  'GET /api/v1/articles/{articleId}/form': [
    [200, 'a token', (f) => send(f, 'GET', '/api/v1/articles/a1/form')],
    [422, 'a malformed article id', (f) => send(f, 'GET', '/api/v1/articles/%20x/form')],
  ],
  'POST /api/v1/articles/{articleId}/comments': [
    [201, 'JSON', (f) => post(f.t, 'a1', comment())],
    [
      201,
      'a form post with no page to go back to',
      (f) =>
        send(f, 'POST', commentsOf('a1'), {
          raw: form(comment()),
          type: 'application/x-www-form-urlencoded',
          headers: { Accept: 'text/html' },
        }),
    ],
    [
      303,
      'a form post, back to its page',
      (f) =>
        send(f, 'POST', commentsOf('a1'), {
          raw: form(comment()),
          type: 'application/x-www-form-urlencoded',
          headers: {
            Accept: 'text/html',
            Origin: 'https://journal.example.fr',
            Referer: 'https://journal.example.fr/a1',
          },
        }),
    ],
    [422, 'an invalid field', (f) => post(f.t, 'a1', comment({ email: 'not-an-address' }))],
    [400, 'malformed JSON', (f) => send(f, 'POST', commentsOf('a1'), { raw: '{"author":' })],
    [415, 'another media type', (f) => send(f, 'POST', commentsOf('a1'), { raw: 'author=x', type: 'text/plain' })],
    [
      413,
      'a body over the limit',
      (f) => send(f, 'POST', commentsOf('a1'), { body: comment({ content: 'x'.repeat(70_000) }) }),
    ],
    [404, 'an unknown parent', (f) => post(f.t, 'a1', comment({ parentId: UNKNOWN_ID }))],
    [
      403,
      'a closed article',
      async (f) => {
        expect((await send(f, 'PUT', `${ADMIN}/articles/closed`, { body: { closed: true } })).status).toBe(200);
        return post(f.t, 'closed', comment());
      },
    ],
    [
      409,
      'the same text again from the same client',
      async (f) => {
        const again = comment();
        await postOk(f.t, 'a1', again, { ip: '203.0.113.9' });
        f.t.clock.advance(60_000);
        return post(f.t, 'a1', again, { ip: '203.0.113.9' });
      },
    ],
    [
      429,
      'flood control',
      async (f) => {
        await postOk(f.t, 'a1', comment(), { ip: '203.0.113.10' });
        return post(f.t, 'a1', comment(), { ip: '203.0.113.10' });
      },
    ],
  ],
  'GET /api/v1/articles/{articleId}/comments': [
    [200, 'the thread', (f) => send(f, 'GET', commentsOf('a1'))],
    [
      304,
      'not modified',
      async (f) =>
        send(f, 'GET', commentsOf('a1'), {
          headers: { 'If-None-Match': (await send(f, 'GET', commentsOf('a1'))).headers.get('etag')! },
        }),
    ],
    [422, 'a bad limit', (f) => send(f, 'GET', `${commentsOf('a1')}?limit=0`)],
  ],
  'GET /api/v1/articles/{articleId}/thread.html': [
    [
      200,
      'the fragment',
      (f) => send(f, 'GET', '/api/v1/articles/a1/thread.html?lang=fr&return=https%3A%2F%2Fjournal.example.fr%2Fa1'),
    ],
    [
      304,
      'not modified',
      async (f) =>
        send(f, 'GET', '/api/v1/articles/a1/thread.html', {
          headers: { 'If-None-Match': (await send(f, 'GET', '/api/v1/articles/a1/thread.html')).headers.get('etag')! },
        }),
    ],
    [422, 'an unknown language', (f) => send(f, 'GET', '/api/v1/articles/a1/thread.html?lang=de')],
  ],
  'GET /api/v1/counts': [
    [200, 'one article', (f) => send(f, 'GET', '/api/v1/counts?article=a1')],
    [200, 'two articles', (f) => send(f, 'GET', '/api/v1/counts?article=a1&article=b2')],
    [422, 'no article', (f) => send(f, 'GET', '/api/v1/counts')],
  ],
  'PATCH /api/v1/comments/{id}': [
    [
      401,
      'no token',
      (f) => send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, { body: { content: 'Corrigé.' } }),
    ],
    [
      403,
      "another comment's token",
      (f) =>
        send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, {
          body: { content: 'Corrigé.' },
          headers: bearer(f.held.editToken),
        }),
    ],
    [
      422,
      'an empty text',
      (f) =>
        send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, {
          body: { content: ' ' },
          headers: bearer(f.posted.editToken),
        }),
    ],
    [
      415,
      'another media type',
      (f) =>
        send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, {
          raw: 'x',
          type: 'text/plain',
          headers: bearer(f.posted.editToken),
        }),
    ],
    [
      400,
      'malformed JSON',
      (f) =>
        send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, { raw: '{', headers: bearer(f.posted.editToken) }),
    ],
    [
      200,
      'an edit',
      (f) =>
        send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, {
          body: { content: 'Corrigé.' },
          headers: bearer(f.posted.editToken),
        }),
    ],
    [
      429,
      'a second edit at once',
      (f) =>
        send(f, 'PATCH', `/api/v1/comments/${f.posted.comment.id}`, {
          body: { content: 'Corrigé encore.' },
          headers: bearer(f.posted.editToken),
        }),
    ],
    [
      404,
      'a comment gone',
      async (f) => {
        expect((await send(f, 'DELETE', `${ADMIN}/comments/${f.held.comment.id}`)).status).toBe(204);
        return send(f, 'PATCH', `/api/v1/comments/${f.held.comment.id}`, {
          body: { content: 'Corrigé.' },
          headers: bearer(f.held.editToken),
        });
      },
    ],
  ],
  'DELETE /api/v1/comments/{id}': [
    [
      422,
      'a malformed id',
      (f) => send(f, 'DELETE', '/api/v1/comments/%21bad', { headers: bearer(f.posted.editToken) }),
    ],
    [401, 'no token', (f) => send(f, 'DELETE', `/api/v1/comments/${f.posted.comment.id}`)],
    [
      403,
      "another comment's token",
      (f) => send(f, 'DELETE', `/api/v1/comments/${f.posted.comment.id}`, { headers: bearer(f.held.editToken) }),
    ],
    [
      204,
      'withdrawn',
      (f) => send(f, 'DELETE', `/api/v1/comments/${f.posted.comment.id}`, { headers: bearer(f.posted.editToken) }),
    ],
    [
      404,
      'withdrawn already',
      (f) => send(f, 'DELETE', `/api/v1/comments/${f.posted.comment.id}`, { headers: bearer(f.posted.editToken) }),
    ],
  ],
  'GET /healthz': [[200, 'healthy', (f) => send(f, 'GET', '/healthz')]],
  'GET /openapi.json': [[200, 'the document', (f) => send(f, 'GET', '/openapi.json')]],
  'GET /docs': [[200, 'the page', (f) => send(f, 'GET', '/docs')]],
  'GET /embed.js': [
    [200, 'the widget', (f) => send(f, 'GET', '/embed.js')],
    [
      304,
      'not modified',
      async (f) =>
        send(f, 'GET', '/embed.js', {
          headers: { 'If-None-Match': (await send(f, 'GET', '/embed.js')).headers.get('etag')! },
        }),
    ],
  ],
  'GET /admin': [[200, 'the desk', (f) => send(f, 'GET', '/admin')]],
  'GET /admin/desk.js': [[200, "the desk's script", (f) => send(f, 'GET', '/admin/desk.js')]],

  'GET /api/v1/admin/tokens': [[200, 'the tokens', (f) => send(f, 'GET', `${ADMIN}/tokens`)]],
  'POST /api/v1/admin/tokens': [
    [201, 'a token', (f) => send(f, 'POST', `${ADMIN}/tokens`, { body: { name: 'Desk' } })],
    [409, 'the same name', (f) => send(f, 'POST', `${ADMIN}/tokens`, { body: { name: 'Desk' } })],
    [422, 'no name', (f) => send(f, 'POST', `${ADMIN}/tokens`, { body: { name: '' } })],
  ],
  'DELETE /api/v1/admin/tokens/{id}': [
    [
      204,
      'revoked',
      async (f) => {
        const { token } = (await (await send(f, 'POST', `${ADMIN}/tokens`, { body: { name: 'Desk' } })).json()) as {
          token: { id: string };
        };
        const res = await send(f, 'DELETE', `${ADMIN}/tokens/${token.id}`);
        expect((await send(f, 'DELETE', `${ADMIN}/tokens/${token.id}`)).status).toBe(409);
        return res;
      },
    ],
    [
      409,
      'revoked already',
      async (f) => {
        const { tokens } = (await (await send(f, 'GET', `${ADMIN}/tokens`)).json()) as {
          tokens: { id: string; revokedAt: string | null }[];
        };
        return send(f, 'DELETE', `${ADMIN}/tokens/${tokens.find((t) => t.revokedAt)!.id}`);
      },
    ],
    [404, 'an unknown token', (f) => send(f, 'DELETE', `${ADMIN}/tokens/${UNKNOWN_ID}`)],
    [422, 'a malformed id', (f) => send(f, 'DELETE', `${ADMIN}/tokens/%21bad`)],
  ],
  'GET /api/v1/admin/comments': [
    [200, 'the queue', (f) => send(f, 'GET', `${ADMIN}/comments?status=pending`)],
    [200, 'a search by address', (f) => send(f, 'GET', `${ADMIN}/comments?q=camille%40exemple.fr&limit=1`)],
    [422, 'a bad limit', (f) => send(f, 'GET', `${ADMIN}/comments?limit=0`)],
  ],
  'GET /api/v1/admin/comments/{id}': [
    [200, 'a comment', (f) => send(f, 'GET', `${ADMIN}/comments/${f.posted.comment.id}`)],
    [404, 'an unknown comment', (f) => send(f, 'GET', `${ADMIN}/comments/${UNKNOWN_ID}`)],
    [422, 'a malformed id', (f) => send(f, 'GET', `${ADMIN}/comments/%21bad`)],
  ],
  'PATCH /api/v1/admin/comments/{id}': [
    [
      200,
      'approved',
      (f) => send(f, 'PATCH', `${ADMIN}/comments/${f.held.comment.id}`, { body: { status: 'approved' } }),
    ],
    [
      409,
      'the same status again',
      (f) => send(f, 'PATCH', `${ADMIN}/comments/${f.held.comment.id}`, { body: { status: 'approved' } }),
    ],
    [
      404,
      'an unknown comment',
      (f) => send(f, 'PATCH', `${ADMIN}/comments/${UNKNOWN_ID}`, { body: { status: 'approved' } }),
    ],
    [
      422,
      'neither status nor content',
      (f) => send(f, 'PATCH', `${ADMIN}/comments/${f.held.comment.id}`, { body: {} }),
    ],
  ],
  'POST /api/v1/admin/comments/bulk': [
    [
      200,
      'a result per id',
      (f) =>
        send(f, 'POST', `${ADMIN}/comments/bulk`, { body: { ids: [f.held.comment.id, UNKNOWN_ID], status: 'trash' } }),
    ],
    [422, 'no id', (f) => send(f, 'POST', `${ADMIN}/comments/bulk`, { body: { ids: [], status: 'trash' } })],
  ],
  'DELETE /api/v1/admin/comments/{id}': [
    [204, 'deleted', (f) => send(f, 'DELETE', `${ADMIN}/comments/${f.held.comment.id}`)],
    [404, 'deleted already', (f) => send(f, 'DELETE', `${ADMIN}/comments/${f.held.comment.id}`)],
  ],
  'GET /api/v1/admin/articles/{articleId}': [
    [200, 'an article', (f) => send(f, 'GET', `${ADMIN}/articles/a1`)],
    [404, 'an unknown article', (f) => send(f, 'GET', `${ADMIN}/articles/nothing-here`)],
    [422, 'a malformed article id', (f) => send(f, 'GET', `${ADMIN}/articles/%20x`)],
  ],
  'PUT /api/v1/admin/articles/{articleId}': [
    [200, 'closed', (f) => send(f, 'PUT', `${ADMIN}/articles/a1`, { body: { closed: true } })],
    [422, 'a wrong type', (f) => send(f, 'PUT', `${ADMIN}/articles/a1`, { body: { closed: 'yes' } })],
  ],
  'POST /api/v1/admin/articles/{articleId}/comments': [
    [
      201,
      'a staff reply',
      (f) =>
        send(f, 'POST', `${ADMIN}/articles/a1/comments`, {
          body: { content: 'Merci.', parentId: f.posted.comment.id },
        }),
    ],
    [
      404,
      'an unknown parent',
      (f) => send(f, 'POST', `${ADMIN}/articles/a1/comments`, { body: { content: 'Merci.', parentId: UNKNOWN_ID } }),
    ],
    [
      409,
      'a parent not approved',
      (f) =>
        send(f, 'POST', `${ADMIN}/articles/a1/comments`, { body: { content: 'Merci.', parentId: f.held.comment.id } }),
    ],
    [422, 'an empty text', (f) => send(f, 'POST', `${ADMIN}/articles/a1/comments`, { body: { content: '' } })],
  ],
  'GET /api/v1/admin/settings': [[200, 'the settings', (f) => send(f, 'GET', `${ADMIN}/settings`)]],
  'PATCH /api/v1/admin/settings': [
    [
      200,
      'changed',
      (f) => send(f, 'PATCH', `${ADMIN}/settings`, { body: { maxDepth: 3, spam: { holdThreshold: 6 } } }),
    ],
    [422, 'an unknown key', (f) => send(f, 'PATCH', `${ADMIN}/settings`, { body: { colour: 'blue' } })],
  ],
  'GET /api/v1/admin/lists': [
    [200, 'the entries', (f) => send(f, 'GET', `${ADMIN}/lists?list=disallowed`)],
    [422, 'an unknown list', (f) => send(f, 'GET', `${ADMIN}/lists?list=nope`)],
  ],
  'POST /api/v1/admin/lists': [
    [
      201,
      'an entry',
      (f) => send(f, 'POST', `${ADMIN}/lists`, { body: { list: 'moderation', kind: 'ip', value: '203.0.113.7' } }),
    ],
    [
      409,
      'the same entry',
      (f) => send(f, 'POST', `${ADMIN}/lists`, { body: { list: 'moderation', kind: 'ip', value: '203.0.113.7' } }),
    ],
    [
      422,
      'not an IP',
      (f) => send(f, 'POST', `${ADMIN}/lists`, { body: { list: 'moderation', kind: 'ip', value: 'x' } }),
    ],
  ],
  'DELETE /api/v1/admin/lists/{id}': [
    [
      204,
      'removed',
      async (f) => {
        const { entry } = (await (
          await send(f, 'POST', `${ADMIN}/lists`, { body: { list: 'disallowed', kind: 'word', value: 'casino' } })
        ).json()) as { entry: { id: string } };
        const res = await send(f, 'DELETE', `${ADMIN}/lists/${entry.id}`);
        expect((await send(f, 'DELETE', `${ADMIN}/lists/${entry.id}`)).status).toBe(404);
        return res;
      },
    ],
    [404, 'an unknown entry', (f) => send(f, 'DELETE', `${ADMIN}/lists/${UNKNOWN_ID}`)],
  ],
  'GET /api/v1/admin/privacy/export': [
    [200, 'an export', (f) => send(f, 'GET', `${ADMIN}/privacy/export?email=camille%40exemple.fr`)],
    [422, 'not an address', (f) => send(f, 'GET', `${ADMIN}/privacy/export?email=x`)],
  ],
  'POST /api/v1/admin/privacy/erase': [
    [200, 'an erasure', (f) => send(f, 'POST', `${ADMIN}/privacy/erase`, { body: { email: 'nobody@exemple.fr' } })],
    [422, 'not an address', (f) => send(f, 'POST', `${ADMIN}/privacy/erase`, { body: { email: 'x' } })],
  ],
  'POST /api/v1/admin/import': [
    [
      200,
      'a WordPress export',
      (f) =>
        send(f, 'POST', `${ADMIN}/import?from=wordpress`, {
          raw: '<rss><channel><item><link>https://journal.example.fr/a/</link><wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>Bonjour</wp:comment_content><wp:comment_date_gmt>2026-11-01 10:00:00</wp:comment_date_gmt><wp:comment_approved>1</wp:comment_approved></wp:comment></item></channel></rss>',
          type: 'application/xml',
        }),
    ],
    [415, 'text/plain', (f) => send(f, 'POST', `${ADMIN}/import?from=wordpress`, { raw: 'x', type: 'text/plain' })],
    [
      422,
      'an unknown source',
      (f) => send(f, 'POST', `${ADMIN}/import?from=blogger`, { raw: 'x', type: 'application/xml' }),
    ],
  ],
  'GET /api/v1/admin/export': [[200, 'the NDJSON export', (f) => send(f, 'GET', `${ADMIN}/export`)]],
  'GET /api/v1/admin/audit': [
    [
      200,
      'the log',
      async (f) => {
        expect((await send(f, 'PATCH', `${ADMIN}/settings`, { body: { maxDepth: 4 } })).status).toBe(200);
        return send(f, 'GET', `${ADMIN}/audit?limit=5`);
      },
    ],
    [422, 'a bad cursor', (f) => send(f, 'GET', `${ADMIN}/audit?cursor=abc`)],
  ],
  'GET /api/v1/admin/stats': [
    [200, 'the figures', (f) => send(f, 'GET', `${ADMIN}/stats?days=7`)],
    [422, 'no day', (f) => send(f, 'GET', `${ADMIN}/stats?days=0`)],
  ],
  'POST /api/v1/admin/spam/check': [
    [
      200,
      'a verdict',
      (f) =>
        send(f, 'POST', `${ADMIN}/spam/check`, {
          body: { author: 'Camille', email: 'camille@exemple.fr', content: 'Merci !' },
        }),
    ],
    [
      422,
      'no content',
      (f) => send(f, 'POST', `${ADMIN}/spam/check`, { body: { author: 'Camille', email: 'camille@exemple.fr' } }),
    ],
  ],
  'POST /api/v1/admin/spam/feedback': [
    [
      200,
      'a lesson',
      (f) =>
        send(f, 'POST', `${ADMIN}/spam/feedback`, {
          body: { label: 'ham', comment: { author: 'Camille', email: 'camille@exemple.fr', content: 'Merci !' } },
        }),
    ],
    [
      422,
      'no label',
      (f) =>
        send(f, 'POST', `${ADMIN}/spam/feedback`, {
          body: { comment: { author: 'Camille', email: 'camille@exemple.fr', content: 'Merci !' } },
        }),
    ],
  ],
  'GET /api/v1/admin/spam/stats': [[200, 'the figures', (f) => send(f, 'GET', `${ADMIN}/spam/stats`)]],
  'GET /api/v1/admin/outbox': [
    [200, 'the dead rows', (f) => send(f, 'GET', `${ADMIN}/outbox?state=dead`)],
    [422, 'a state that is not listed', (f) => send(f, 'GET', `${ADMIN}/outbox?state=sent`)],
  ],
  'POST /api/v1/admin/outbox/{id}/retry': [
    [
      200,
      'a dead row',
      async (f) => {
        const now = f.t.clock.now();
        await f.t.deps.db.insert(outbox).values({
          id: 'dead-row',
          type: 'comment.deleted',
          destination: 'http://127.0.0.1:9/hook',
          payload: { event: { id: 'e1', type: 'comment.deleted', createdAt: '', data: {} } },
          state: 'dead',
          attempts: 30,
          nextAt: now,
          createdAt: now,
        });
        return send(f, 'POST', `${ADMIN}/outbox/dead-row/retry`);
      },
    ],
    [404, 'an unknown row', (f) => send(f, 'POST', `${ADMIN}/outbox/nope/retry`)],
    [422, 'a malformed id', (f) => send(f, 'POST', `${ADMIN}/outbox/a%20b/retry`)],
  ],
  'GET /api/v1/subscriptions/confirm': [
    [
      200,
      'a subscription waiting for its confirmation',
      async (f) => {
        const now = f.t.clock.now();
        await f.t.deps.db.insert(subscriptions).values({
          id: 'sub1',
          commentId: f.posted.comment.id,
          articleId: 'a1',
          emailEnc: '',
          emailHash: 'h',
          language: 'fr',
          createdAt: now,
        });
        return send(f, 'GET', `/api/v1/subscriptions/confirm?token=${await signed(f, 'confirm', 'sub1', now + 1000)}`);
      },
    ],
    [
      410,
      'an expired link',
      async (f) => send(f, 'GET', `/api/v1/subscriptions/confirm?token=${await signed(f, 'confirm', 'sub1', 1)}`),
    ],
    [404, 'a forged token', (f) => send(f, 'GET', '/api/v1/subscriptions/confirm?token=sub.confirm.x.1.AAAA')],
    [422, 'no token', (f) => send(f, 'GET', '/api/v1/subscriptions/confirm')],
  ],
  'GET /api/v1/subscriptions/unsubscribe': [
    [
      200,
      'a valid link (whether the subscription still exists or not)',
      async (f) =>
        send(
          f,
          'GET',
          `/api/v1/subscriptions/unsubscribe?token=${await signed(f, 'unsubscribe', 'x', f.t.clock.now() + 1000)}&lang=en`,
        ),
    ],
    [
      410,
      'an expired link',
      async (f) => send(f, 'GET', `/api/v1/subscriptions/unsubscribe?token=${await signed(f, 'unsubscribe', 'x', 1)}`),
    ],
    [
      404,
      'a confirmation token',
      async (f) =>
        send(
          f,
          'GET',
          `/api/v1/subscriptions/unsubscribe?token=${await signed(f, 'confirm', 'x', f.t.clock.now() + 1000)}`,
        ),
    ],
    [422, 'no token', (f) => send(f, 'GET', '/api/v1/subscriptions/unsubscribe')],
  ],
  'POST /api/v1/subscriptions/unsubscribe': [
    [
      200,
      'one click (RFC 8058)',
      async (f) =>
        send(
          f,
          'POST',
          `/api/v1/subscriptions/unsubscribe?token=${await signed(f, 'unsubscribe', 'x', f.t.clock.now() + 1000)}`,
          {
            raw: 'List-Unsubscribe=One-Click',
            type: 'application/x-www-form-urlencoded',
          },
        ),
    ],
    [404, 'a forged token', (f) => send(f, 'POST', '/api/v1/subscriptions/unsubscribe?token=x.AAAA')],
  ],
};

/** A subscription link's token, as the emails carry it. */
const signed = async (f: Fixture, action: string, id: string, until: number) =>
  encodeURIComponent(await f.t.deps.keys.sign(`sub.${action}.${id}.${until}`));

/** A path of the document with its parameters filled in: article a1, the fixture's approved comment. */
const fill = (path: string, f: Fixture) => path.replace('{articleId}', 'a1').replace('{id}', f.posted.comment.id);

describe('the OpenAPI document and the routes', () => {
  it('documents every route the app serves, and nothing else', async () => {
    const t = await setup();
    const served = new Set(
      t.app.routes
        .filter((r) => r.method !== 'ALL' && r.method !== 'OPTIONS')
        .map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, '{$1}')}`),
    );
    const doc = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect([...served].sort()).toEqual([...documented].sort());
    // The table below tries each of them.
    expect(Object.keys(TABLE).sort()).toEqual([...documented].sort());
  });
});

describe('every documented operation answers as documented', () => {
  it.each(Object.entries(TABLE))('%s', async (operation, cases) => {
    const f = await fixture();
    const op = declarations(f.t).get(operation)!;
    expect(op, operation).toBeDefined();
    for (const [status, label, request] of cases) {
      const res = await request(f);
      expect(res.status, `${operation}: ${label} (${await res.clone().text()})`).toBe(status);
      await expectDocumented(op, res, `${operation}: ${label}`);
    }
  });

  it("every public write from another site's page: 403 origin_not_allowed, as documented", async () => {
    const t = await setup({ ALLOWED_ORIGINS: 'https://journal.example.fr' });
    const f: Fixture = { t, posted: await postOk(t, 'a1'), held: await postOk(t, 'a1') };
    for (const [operation, op] of declarations(t)) {
      // RFC 8058's one-click POST comes from mail servers, from anywhere; its signed token is the proof.
      if (op.path.startsWith(ADMIN) || op.method === 'get' || op.path.startsWith('/api/v1/subscriptions/')) continue;
      const res = await send(f, op.method.toUpperCase(), fill(op.path, f), {
        body: {},
        headers: { Origin: 'https://elsewhere.example' },
      });
      expect(res.status, operation).toBe(403);
      await expectDocumented(op, res, operation);
    }
  });

  it('every moderation route: 401 without the token, as documented', async () => {
    const f = await fixture();
    for (const [operation, op] of declarations(f.t)) {
      if (!op.path.startsWith(ADMIN)) continue;
      const res = await f.t.request(fill(op.path, f), { method: op.method.toUpperCase() });
      expect(res.status, operation).toBe(401);
      await expectDocumented(op, res, operation);
    }
  });

  it('every route with a body: 415 for another media type, 400 for malformed JSON, 413 over the limit, as documented', async () => {
    const f = await fixture();
    const big = JSON.stringify({ content: 'x'.repeat(70_000) });
    for (const [operation, op] of declarations(f.t)) {
      if (!op.request?.body) continue;
      // The import reads files, not JSON, under a limit of its own (tests/api/import.test.ts).
      if (!op.request.body.content['application/json']) continue;
      const url = fill(op.path, f);
      const headers = url.startsWith('/api/v1/comments/') ? bearer(f.posted.editToken) : {};
      for (const [status, init] of [
        [415, { raw: 'x', type: 'text/plain', headers }],
        [400, { raw: '{', headers }],
        [413, { raw: big, headers }],
      ] as const) {
        const res = await send(f, op.method.toUpperCase(), url, init);
        expect(res.status, `${operation}: ${status}`).toBe(status);
        await expectDocumented(op, res, `${operation}: ${status}`);
      }
    }
  });
});

type Schema = { $ref?: string; example?: unknown };

describe('documented examples', () => {
  it('every request body has an example, and the server accepts it', async () => {
    const f = await fixture();
    const doc = (await (await f.t.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> } }>
      >;
      components: { schemas: Record<string, Schema> };
    };
    const resolve = (schema: Schema) =>
      schema.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1)!]! : schema;
    const ops = declarations(f.t);
    let tried = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          const operation = `${method.toUpperCase()} ${path}`;
          const example = media.example ?? resolve(media.schema).example;
          expect(example, `${operation} (${type}) has no example`).toBeDefined();
          // A moderator's decision on the pending comment; an author's edit of their own comment, after the 5 s between edits.
          const url = path
            .replace('{articleId}', 'a1')
            .replace('{id}', path.startsWith(`${ADMIN}/comments/`) ? f.held.comment.id : f.posted.comment.id);
          const headers = path.startsWith('/api/v1/comments/') ? bearer(f.posted.editToken) : {};
          f.t.clock.advance(6_000);
          const raw =
            type === 'application/x-www-form-urlencoded'
              ? form(example as Record<string, string>)
              : typeof example === 'string'
                ? example
                : JSON.stringify(example);
          // The import's file says what it is in the query.
          const query = path === `${ADMIN}/import` ? `?from=${type === 'application/xml' ? 'wordpress' : 'tamis'}` : '';
          const res = await send(f, method.toUpperCase(), url + query, { raw, type, headers });
          expect(res.status, `${operation} (${type}): ${await res.clone().text()}`).toBeLessThan(300);
          await expectDocumented(ops.get(operation)!, res, `${operation} (${type}) example`);
          tried++;
        }
      }
    }
    const declared = [...ops.values()].reduce((n, op) => n + Object.keys(op.request?.body?.content ?? {}).length, 0);
    expect(tried).toBe(declared);
  });
});
