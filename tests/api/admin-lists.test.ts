import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { adminCall, comment, postOk } from '../harness/client';

describe('admin lists: happy paths', () => {
  it('adds entries of every kind, written in one canonical form', async () => {
    const t = await setup();
    const cases: [string, string, string][] = [
      ['word', '  Viagra   pas cher ', 'Viagra pas cher'],
      ['ip', '203.0.113.5', '203.0.113.5'],
      ['ip', '2001:DB8:0:0::1', '2001:db8::1'],
      ['ip', '::ffff:192.0.2.1', '192.0.2.1'],
      ['cidr', '198.51.100.77/24', '198.51.100.0/24'],
      ['cidr', '2001:db8:abcd::1/32', '2001:db8::/32'],
      ['email', ' Spammer@Example.COM ', 'spammer@example.com'],
      ['domain', '*.Cheap-Pills.example.', 'cheap-pills.example'],
      ['domain', 'xyz', 'xyz'],
    ];
    for (const [kind, value, stored] of cases) {
      const { status, body } = await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind, value });
      expect(status, value).toBe(201);
      expect(body.entry).toMatchObject({
        list: 'disallowed',
        kind,
        value: stored,
        createdAt: new Date(t.clock.now()).toISOString(),
      });
    }
    const entries = (await adminCall(t, 'GET', '/lists')).body.entries;
    expect(entries).toHaveLength(cases.length);
  });

  it('filters by list and kind, removes entries, and records both', async () => {
    const t = await setup();
    const word = (await adminCall(t, 'POST', '/lists', { list: 'moderation', kind: 'word', value: 'casino' })).body
      .entry;
    await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'word', value: 'casino' });
    await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'ip', value: '192.0.2.1' });
    expect((await adminCall(t, 'GET', '/lists?list=moderation')).body.entries.map((e: any) => e.id)).toEqual([word.id]);
    expect((await adminCall(t, 'GET', '/lists?list=disallowed&kind=ip')).body.entries).toHaveLength(1);
    expect((await adminCall(t, 'DELETE', `/lists/${word.id}`)).status).toBe(204);
    expect((await adminCall(t, 'GET', '/lists?list=moderation')).body.entries).toEqual([]);
    const [removed, , , added] = (await adminCall(t, 'GET', '/audit')).body.entries;
    expect(removed).toMatchObject({
      action: 'list.remove',
      target: { type: 'list', id: word.id },
      before: { list: 'moderation', kind: 'word', value: 'casino' },
    });
    expect(added).toMatchObject({ action: 'list.add', after: { value: 'casino' } });
  });

  it('the lists act on submissions: disallowed → spam, moderation → held', async () => {
    const t = await setup();
    await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'domain', value: 'pills.example' });
    await adminCall(t, 'POST', '/lists', { list: 'moderation', kind: 'cidr', value: '203.0.113.0/24' });
    const spam = await postOk(t, 'a1', comment({ content: 'Achetez sur https://www.pills.example/promo maintenant.' }));
    expect(spam.comment.status).toBe('pending'); // spam looks pending to its author
    expect((await adminCall(t, 'GET', `/comments/${spam.comment.id}`)).body.comment.status).toBe('spam');
    const held = await postOk(t, 'a1', comment(), { ip: '203.0.113.200' });
    expect((await adminCall(t, 'GET', `/comments/${held.comment.id}`)).body.comment.status).toBe('pending');
    expect((await postOk(t, 'a1', comment(), { ip: '203.0.114.1' })).comment.status).toBe('approved');
  });
});

describe('admin lists: errors', () => {
  it('422 invalid value per kind, with a message naming the expected form', async () => {
    const t = await setup();
    const cases: [string, string][] = [
      ['ip', '256.1.1.1'],
      ['ip', '010.1.1.1'], // octal in disguise
      ['ip', '10.1.1'],
      ['ip', '192.0.2.0/24'],
      ['ip', 'localhost'],
      ['cidr', '192.0.2.1'],
      ['cidr', '192.0.2.0/33'],
      ['cidr', '2001:db8::/129'],
      ['cidr', '192.0.2.0/24/1'],
      ['email', 'not-an-email'],
      ['email', 'a@b@c.fr'],
      ['domain', 'https://spam.example/path'],
      ['domain', '192.0.2.1'],
      ['domain', '-bad-.example'],
      ['domain', 'spaces in.example'],
      ['word', '  !!! '],
    ];
    for (const [kind, value] of cases) {
      const answer = await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind, value });
      expect(answer.status, `${kind} ${value}`).toBe(422);
      expect(Object.keys(answer.body.errors), `${kind} ${value}`).toEqual(['value']);
    }
    const ip = await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'cidr', value: 'nope' }, undefined);
    expect(ip.body.errors.value).toMatch(/address\/bits/);
    expect((await adminCall(t, 'GET', '/lists')).body.entries).toEqual([]);
  });

  it('422 for an unknown list or kind, a missing or too long value, unknown keys', async () => {
    const t = await setup();
    for (const [body, field] of [
      [{ list: 'blocked', kind: 'word', value: 'x' }, 'list'],
      [{ list: 'disallowed', kind: 'regex', value: 'x' }, 'kind'],
      [{ list: 'disallowed', kind: 'word' }, 'value'],
      [{ list: 'disallowed', kind: 'word', value: 'x'.repeat(255) }, 'value'],
      [{ list: 'disallowed', kind: 'word', value: 'x', note: 'why' }, 'note'],
    ] as const) {
      const answer = await adminCall(t, 'POST', '/lists', body);
      expect(answer.status, field).toBe(422);
      expect(Object.keys(answer.body.errors)).toContain(field);
    }
    expect((await adminCall(t, 'GET', '/lists?kind=regex')).status).toBe(422);
  });

  it('409 duplicate_entry for the same entry, even spelled differently', async () => {
    const t = await setup();
    await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'ip', value: '2001:db8::1' });
    const again = await adminCall(t, 'POST', '/lists', {
      list: 'disallowed',
      kind: 'ip',
      value: '2001:0DB8:0000::0001',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('duplicate_entry');
    // The same value in the other list is another entry.
    expect(
      (await adminCall(t, 'POST', '/lists', { list: 'moderation', kind: 'ip', value: '2001:db8::1' })).status,
    ).toBe(201);
  });

  it('the same entry sent twice at once: one 201, one 409, one row', async () => {
    const t = await setup();
    const entry = { list: 'disallowed', kind: 'word', value: 'casino' };
    const answers = await Promise.all([adminCall(t, 'POST', '/lists', entry), adminCall(t, 'POST', '/lists', entry)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('duplicate_entry');
    const listed = await adminCall(t, 'GET', '/lists');
    expect((listed.body as { entries: unknown[] }).entries).toHaveLength(1);
  });

  it('404 entry_not_found when deleting an unknown entry', async () => {
    const t = await setup();
    const answer = await adminCall(t, 'DELETE', '/lists/doesNotExist000000');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('entry_not_found');
  });
});
