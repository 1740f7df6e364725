import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, post, postOk } from '../harness/client';

const isProblem = (answer: { res: Response }) =>
  expect(answer.res.headers.get('content-type')).toContain('application/problem+json');

describe('admin comments: unknown ids', () => {
  it('404 comment_not_found for GET, PATCH and DELETE', async () => {
    const t = await setup();
    for (const [method, body] of [['GET'], ['PATCH', { status: 'approved' }], ['DELETE']] as const) {
      const answer = await adminCall(t, method, '/comments/doesNotExist0000', body);
      expect(answer.status, method).toBe(404);
      expect(answer.body.code).toBe('comment_not_found');
      isProblem(answer);
    }
  });

  it('422 for a malformed id', async () => {
    const t = await setup();
    const answer = await adminCall(t, 'GET', `/comments/${encodeURIComponent('bad id!')}`);
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toHaveProperty('id');
  });
});

describe('PATCH /api/v1/admin/comments/{id}: validation', () => {
  it('422 for an empty body, an unknown status, an unknown key or an empty text', async () => {
    const t = await setup();
    const { comment: c } = await postOk(t, 'a1');
    const cases: [unknown, string][] = [
      [{}, 'body'],
      [{ status: 'deleted' }, 'status'],
      [{ status: 'approved', pinned: true }, 'pinned'],
      [{ content: '   ' }, 'content'],
      [{ content: 'x'.repeat(5001) }, 'content'],
      [{ status: 7 }, 'status'],
    ];
    for (const [body, field] of cases) {
      const answer = await adminCall(t, 'PATCH', `/comments/${c.id}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.code).toBe('validation_failed');
      expect(Object.keys(answer.body.errors), JSON.stringify(body)).toContain(field);
    }
    // Nothing changed.
    expect((await adminCall(t, 'GET', `/comments/${c.id}`)).body.comment.status).toBe('approved');
  });

  it('400 for a body that is not JSON, 415 for another media type', async () => {
    const t = await setup();
    const { comment: c } = await postOk(t, 'a1');
    const headers = { Authorization: `Bearer ${t.adminToken}` };
    const broken = await t.request(`/api/v1/admin/comments/${c.id}`, {
      method: 'PATCH',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: '{"status":',
    });
    expect(broken.status).toBe(400);
    const xml = await t.request(`/api/v1/admin/comments/${c.id}`, {
      method: 'PATCH',
      headers: { ...headers, 'Content-Type': 'text/xml' },
      body: '<status/>',
    });
    expect(xml.status).toBe(415);
  });
});

describe('PATCH /api/v1/admin/comments/{id}: transitions that make no sense', () => {
  it('409 invalid_transition to the status the comment has already', async () => {
    const t = await setup();
    const { comment: c } = await postOk(t, 'a1');
    const answer = await adminCall(t, 'PATCH', `/comments/${c.id}`, { status: 'approved' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('invalid_transition');
    expect(answer.body.detail).toContain('already approved');
    isProblem(answer);
    // Nothing was recorded.
    expect((await adminCall(t, 'GET', `/audit?target=${c.id}`)).body.entries).toEqual([]);
  });

  it('409 invalid_transition when marking a staff reply as spam; the trash is fine', async () => {
    const t = await setup();
    const staff = (await adminCall(t, 'POST', '/articles/a1/comments', { content: 'Note de la rédaction.' })).body
      .comment;
    const answer = await adminCall(t, 'PATCH', `/comments/${staff.id}`, { status: 'spam' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('invalid_transition');
    expect((await adminCall(t, 'PATCH', `/comments/${staff.id}`, { status: 'trash' })).status).toBe(200);
  });
});

describe('POST /api/v1/admin/comments/bulk: validation', () => {
  it('422 for no ids, more than 500, a malformed id, a missing status or an unknown key', async () => {
    const t = await setup();
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `comment${String(i).padStart(9, '0')}`);
    const cases: [unknown, string][] = [
      [{ ids: [], status: 'spam' }, 'ids'],
      [{ ids: ids(501), status: 'spam' }, 'ids'],
      [{ ids: ['ok0000000000', 'bad id'], status: 'spam' }, 'ids.1'],
      [{ ids: ids(2) }, 'status'],
      [{ ids: 'abc', status: 'spam' }, 'ids'],
      [{ ids: ids(1), status: 'spam', force: true }, 'force'],
    ];
    for (const [body, field] of cases) {
      const answer = await adminCall(t, 'POST', '/comments/bulk', body);
      expect(answer.status, field).toBe(422);
      expect(Object.keys(answer.body.errors), field).toContain(field);
    }
    expect((await adminCall(t, 'POST', '/comments/bulk', { ids: ids(501), status: 'spam' })).body.errors.ids).toBe(
      'At most 500 values.',
    );
  });
});

describe('GET /api/v1/admin/comments: validation', () => {
  it('422 for an unknown status, a bad limit or a forged cursor', async () => {
    const t = await setup();
    for (const [query, field] of [
      ['status=deleted', 'status'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
    ]) {
      const answer = await adminCall(t, 'GET', `/comments?${query}`);
      expect(answer.status, query).toBe(422);
      expect(Object.keys(answer.body.errors), query).toContain(field);
    }
  });
});

describe('staff replies: errors', () => {
  it('404 parent_not_found for an unknown parent or one of another article; 409 parent_not_approved', async () => {
    const t = await setup();
    const other = await postOk(t, 'other');
    const held = (await (await post(t, 'a1', comment({ hp: 'bot' }))).json()) as any;
    const unknown = await adminCall(t, 'POST', '/articles/a1/comments', {
      content: 'Réponse.',
      parentId: 'doesNotExist0000',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('parent_not_found');
    expect(
      (await adminCall(t, 'POST', '/articles/a1/comments', { content: 'Réponse.', parentId: other.comment.id })).status,
    ).toBe(404);
    const notApproved = await adminCall(t, 'POST', '/articles/a1/comments', {
      content: 'Réponse.',
      parentId: held.comment.id,
    });
    expect(notApproved.status).toBe(409);
    expect(notApproved.body.code).toBe('parent_not_approved');
  });

  it('422 for a missing text, an empty author or an unknown key', async () => {
    const t = await setup();
    for (const [body, field] of [
      [{}, 'content'],
      [{ content: 'x', author: 'y'.repeat(101) }, 'author'],
      [{ content: 'x', staff: false }, 'staff'],
    ] as const) {
      const answer = await adminCall(t, 'POST', '/articles/a1/comments', body);
      expect(answer.status, field).toBe(422);
      expect(Object.keys(answer.body.errors)).toContain(field);
    }
  });
});
