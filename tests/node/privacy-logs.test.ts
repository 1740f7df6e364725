import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setup } from '../harness/node';
import { admin, comment, path, post, postOk } from '../harness/client';
import { createLogger } from '../../src/logger';
import { clientOf } from './server';

/**
 * The logs never hold an email, an IP, a user agent or a token (admin, edit or form token), at the
 * most verbose level, across successes, refusals, server errors and background work.
 */

describe('logs', () => {
  it('hold no email, IP, user agent or token across a run of requests, errors included', async () => {
    const t = await setup({ LOG_LEVEL: 'debug' });
    const lines: string[] = [];
    t.deps.logger = createLogger('debug', (line) => lines.push(line));

    const secrets: string[] = [t.adminToken];
    const person = (i: number) => ({
      email: `personne.${i}@secret.example`,
      ip: `203.0.113.${i}`,
      ua: `SecretAgent/${i}.0 (unique-${i})`,
    });
    const send = async (
      i: number,
      overrides: Record<string, unknown> = {},
      opts: { ip?: string; ua?: string } = {},
    ) => {
      const p = person(i);
      secrets.push(p.email, p.ip, p.ua);
      return post(t, 'logs', comment({ email: p.email, ...overrides }), {
        ip: opts.ip ?? p.ip,
        headers: { 'User-Agent': opts.ua ?? p.ua },
      });
    };

    // Successes, with their edit tokens used.
    for (let i = 1; i <= 3; i++) {
      const res = await send(i);
      expect(res.status).toBe(201);
      const { editToken, comment: c } = (await res.json()) as { editToken: string; comment: { id: string } };
      secrets.push(editToken);
      const edit = await t.request(`/api/v1/comments/${c.id}`, {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${editToken}`,
          'Content-Type': 'application/json',
          'X-Forwarded-For': person(i).ip,
          'User-Agent': person(i).ua,
        },
        body: JSON.stringify({ content: `Corrigé ${i}.` }),
      });
      expect(edit.status).toBe(200);
      t.clock.advance(60_000);
    }
    // Refusals: validation, duplicate, flood, bad tokens, admin token in the URL.
    expect((await send(4, { content: '' })).status).toBe(422);
    const dup = person(5);
    await send(5, { content: 'Le même texte.' });
    t.clock.advance(60_000);
    expect((await send(5, { content: 'Le même texte.' })).status).toBe(409);
    expect((await send(6)).status).toBe(201);
    expect((await send(7, {}, { ip: person(6).ip })).status).toBe(429);
    secrets.push(dup.email);
    const form = ((await (await t.request('/api/v1/articles/logs/form')).json()) as { token: string }).token;
    secrets.push(form);
    expect(
      (
        await t.request(`/api/v1/comments/AAAAAAAAAAAAAAAAAAAAAA`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${form}` },
        })
      ).status,
    ).toBe(401);
    expect((await t.request(`/api/v1/admin/tokens?token=${t.adminToken}`)).status).toBe(401);
    expect((await admin(t, '/tokens')).status).toBe(200);
    expect(
      (await t.request('/api/v1/admin/tokens', { headers: { Authorization: 'Bearer wrong-but-secret-token-value' } }))
        .status,
    ).toBe(401);
    secrets.push('wrong-but-secret-token-value');

    // Server errors: the database refuses the insert (its parameters hold the user agent, the
    // encrypted address and keyed hashes), and a background task fails.
    await t.deps.db.run(
      sql.raw("CREATE TRIGGER refuse BEFORE INSERT ON comments BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"),
    );
    expect((await send(8)).status).toBe(500);
    await t.deps.db.run(sql.raw('DROP TRIGGER refuse'));
    await t.deps.db.run(sql.raw('ALTER TABLE spam_memory RENAME TO spam_memory_gone'));
    expect((await send(9)).status).toBe(500);
    await t.deps.db.run(sql.raw('ALTER TABLE spam_memory_gone RENAME TO spam_memory'));
    await t.settled();

    const log = lines.join('\n');
    // The capture works, and it saw every kind of event.
    expect(log).toContain('"msg":"request"');
    expect(log).toContain('"msg":"comment.created"');
    expect(log).toContain('"msg":"request.failed"');
    expect(log).toContain('disk on fire'); // the driver's reason is kept…
    expect(log).toContain('Failed query'); // …and the statement, without its parameters
    expect(log).not.toContain('params:');

    for (const secret of secrets) {
      const at = log.indexOf(secret);
      expect(at, `logged ${secret}: …${log.slice(Math.max(0, at - 100), at + 100)}…`).toBe(-1);
    }
    // Nor any part of the keyed hashes or ciphertexts stored for these people.
    const stored = await clientOf(t).execute('SELECT email_enc, email_hash, ip_enc, ip_hash FROM comments');
    for (const row of stored.rows) {
      for (const value of Object.values(row))
        if (typeof value === 'string' && value.length > 16) expect(log).not.toContain(value);
    }
  });

  it('a failing request is logged with its request id and path, and the client gets only the id', async () => {
    const t = await setup();
    const lines: string[] = [];
    t.deps.logger = createLogger('error', (line) => lines.push(line));
    await t.deps.db.run(sql.raw('DROP TABLE articles'));
    const res = await t.request(path('a'));
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id')!;
    const problem = (await res.json()) as Record<string, unknown>;
    expect(JSON.stringify(problem)).not.toMatch(/SQLITE|no such table|\s+at /);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'request.failed', id, path: path('a') });
    await expect(postOk(t, 'a')).rejects.toThrow(/500/);
  });
});
