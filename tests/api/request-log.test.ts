import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { createLogger } from '../../src/logger';
import { BROWSER_UA, comment, path, post } from '../harness/client';

/** The request log: one JSON line per request at info, with the route as declared, and nothing of the client. */
describe('the request log', () => {
  it('writes one line per request: id, method, route pattern, status, duration; no IP, email, user agent or token', async () => {
    const t = await setup();
    const lines: string[] = [];
    t.deps.logger = createLogger('info', (line) => lines.push(line));
    const ip = '203.0.113.77';
    const email = 'personne.journal@secret.example';
    const userAgent = `${BROWSER_UA} unique-agent`;

    const posted = await post(t, 'a1', comment({ email }), { ip, headers: { 'User-Agent': userAgent } });
    expect(posted.status).toBe(201);
    const { editToken } = (await posted.json()) as { editToken: string };
    const thread = await t.request(`${path('a1')}?limit=5`);
    const admin = await t.request('/api/v1/admin/comments', { headers: { Authorization: `Bearer ${t.adminToken}` } });
    const missing = await t.request('/nothing/here');
    await t.request(`/api/v1/comments/AAAAAAAAAAAAAAAAAAAAAA`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${editToken}` },
    });

    const requests = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    // The form token, the post, the thread, the queue, the 404, the refused withdrawal.
    expect(requests).toHaveLength(6);
    for (const line of requests) {
      expect(Object.keys(line).sort()).toEqual(['id', 'level', 'method', 'ms', 'msg', 'route', 'status', 'time']);
      expect(line.level).toBe('info');
      expect(line.ms).toEqual(expect.any(Number));
    }
    expect(requests.slice(1, 4)).toEqual([
      expect.objectContaining({ method: 'POST', route: '/api/v1/articles/:articleId/comments', status: 201 }),
      expect.objectContaining({
        id: thread.headers.get('x-request-id'),
        method: 'GET',
        route: '/api/v1/articles/:articleId/comments',
        status: 200,
      }),
      expect.objectContaining({
        id: admin.headers.get('x-request-id'),
        method: 'GET',
        route: '/api/v1/admin/comments',
        status: 200,
      }),
    ]);
    expect(requests[4]).toMatchObject({ id: missing.headers.get('x-request-id'), route: null, status: 404 });
    expect(requests[5]).toMatchObject({ method: 'DELETE', route: '/api/v1/comments/:id', status: 403 });

    const log = lines.join('\n');
    for (const secret of [ip, email, userAgent, 'unique-agent', editToken, t.adminToken])
      expect(log, secret).not.toContain(secret);
  });

  it('writes none below its level (warn): the lines are not even gathered', async () => {
    const t = await setup();
    const lines: string[] = [];
    t.deps.logger = createLogger('warn', (line) => lines.push(line));
    expect(t.deps.logger.enabled('info')).toBe(false);
    expect(t.deps.logger.enabled('warn')).toBe(true);
    expect((await t.request(`${path('a1')}?limit=5`)).status).toBe(200);
    expect((await t.request('/nothing/here')).status).toBe(404);
    expect(lines.filter((line) => (JSON.parse(line) as { msg: string }).msg === 'request')).toEqual([]);
  });
});
