import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, post, postOk, thread } from '../harness/client';

describe('GET /api/v1/admin/settings', () => {
  it('returns every setting in force, defaults included', async () => {
    const t = await setup();
    const { status, body } = await adminCall(t, 'GET', '/settings');
    expect(status).toBe(200);
    expect(body.settings).toMatchObject({
      moderation: 'auto',
      maxDepth: 5,
      editWindowMinutes: 15,
      maxAuthorLength: 100,
      maxContentLength: 5000,
      closeAfterDays: null,
      avatars: 'none',
      spam: { holdThreshold: expect.any(Number), spamThreshold: expect.any(Number), honeypotField: 'hp' },
    });
  });
});

describe('PATCH /api/v1/admin/settings', () => {
  it('changes only the keys given, merges `spam` one level deep, and keeps earlier changes', async () => {
    const t = await setup();
    const defaults = (await adminCall(t, 'GET', '/settings')).body.settings;
    await adminCall(t, 'PATCH', '/settings', { spam: { holdThreshold: 6 } });
    const { status, body } = await adminCall(t, 'PATCH', '/settings', {
      maxDepth: 3,
      spam: { honeypotField: 'website2' },
    });
    expect(status).toBe(200);
    expect(body.settings).toEqual({
      ...defaults,
      maxDepth: 3,
      spam: { ...defaults.spam, holdThreshold: 6, honeypotField: 'website2' },
    });
    expect((await adminCall(t, 'GET', '/settings')).body.settings).toEqual(body.settings);
  });

  it('takes effect: moderation "all" holds every comment; the form announces the honeypot field', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { moderation: 'all', spam: { honeypotField: 'url2' } });
    expect((await postOk(t, 'a1')).comment.status).toBe('pending');
    const form = (await (await t.request('/api/v1/articles/a1/form')).json()) as any;
    expect(form.honeypot).toBe('url2');
    await adminCall(t, 'PATCH', '/settings', { moderation: 'auto' });
    expect((await postOk(t, 'a1')).comment.status).toBe('approved');
  });

  it('limits: a lower maxContentLength refuses longer comments', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { maxContentLength: 100 });
    expect((await post(t, 'a1', comment({ content: 'x'.repeat(101) }))).status).toBe(422);
    expect((await post(t, 'a1', comment({ content: 'x'.repeat(100) }))).status).toBe(201);
  });

  it('avatars: set, then null returns to the AVATARS environment value', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { avatars: 'gravatar' });
    await postOk(t, 'a1');
    expect((await thread(t, 'a1')).comments[0]!.author.avatar).toMatch(/^https:\/\/www\.gravatar\.com\//);
    const { body } = await adminCall(t, 'PATCH', '/settings', { avatars: null });
    expect(body.settings.avatars).toBe('none');
  });

  it('records the keys that changed, before and after', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { maxDepth: 4, editWindowMinutes: 15, spam: { spamThreshold: 12 } });
    const [entry] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(entry).toMatchObject({ action: 'settings.update', actor: { name: 'ADMIN_TOKEN' } });
    expect(entry.before).toEqual({ maxDepth: 5, spam: { spamThreshold: 10 } });
    expect(entry.after).toEqual({ maxDepth: 4, spam: { spamThreshold: 12 } });
  });

  it('422 with the field for unknown keys (top level and in spam), wrong types and out-of-range values; nothing is stored', async () => {
    const t = await setup();
    const before = (await adminCall(t, 'GET', '/settings')).body.settings;
    const cases: [unknown, string][] = [
      [{ colour: 'blue' }, 'colour'],
      [{ spam: { holdThreshold: 6, weightKittens: 3 } }, 'spam.weightKittens'],
      [{ moderation: 'sometimes' }, 'moderation'],
      [{ maxDepth: 1 }, 'maxDepth'],
      [{ maxDepth: 'five' }, 'maxDepth'],
      [{ editWindowMinutes: -1 }, 'editWindowMinutes'],
      [{ closeAfterDays: 0 }, 'closeAfterDays'],
      [{ spam: { honeypotField: 'has space' } }, 'spam.honeypotField'],
      [{ spam: 'strict' }, 'spam'],
      [{ maxDepth: 3, spam: { spamThreshold: -1 } }, 'spam.spamThreshold'],
    ];
    for (const [body, field] of cases) {
      const answer = await adminCall(t, 'PATCH', '/settings', body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.res.headers.get('content-type')).toContain('application/problem+json');
      expect(Object.keys(answer.body.errors), JSON.stringify(body)).toContain(field);
    }
    expect((await adminCall(t, 'GET', '/settings')).body.settings).toEqual(before);
    expect((await adminCall(t, 'GET', '/audit')).body.entries).toEqual([]);
  });
});
