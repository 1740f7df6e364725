import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { adminCall, comment, post, postOk } from '../harness/client';
import { setup, type NodeHarness } from '../harness/node';

/** Every row of every table, as text, with each encrypted value decrypted beside it. */
async function everything(t: NodeHarness): Promise<string> {
  const tables = await t.deps.db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table'`);
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await t.deps.db.all<Record<string, unknown>>(sql.raw(`SELECT * FROM "${name.replace(/"/g, '""')}"`));
    for (const row of rows) {
      const text = JSON.stringify(row);
      parts.push(`${name}: ${text}`);
      for (const sealed of text.match(/v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g) ?? [])
        parts.push(`${name} (decrypted): ${await t.deps.keys.decrypt(sealed)}`);
    }
  }
  return parts.join('\n');
}

describe('erasure, checked in the database itself', () => {
  it('leaves the address, IPs, user agent and their keyed hashes in no stored record', async () => {
    const t = await setup();
    const email = 'Erase.Me@Exemple.fr';
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) EraseMeBrowser/7.1';
    const ips = ['192.0.2.201', '2001:db8::beef'];

    // The person: comments in every state, an edited one, a deleted one, a list entry, a spam
    // lesson in local memory, and reasons that quote their address.
    await adminCall(t, 'POST', '/lists', { list: 'moderation', kind: 'email', value: email });
    const first = await postOk(
      t,
      'a1',
      comment({ author: 'Erase Me', email, website: 'https://erase-me.example.org', content: `Contact: ${email}` }),
      {
        ip: ips[0],
        headers: { 'User-Agent': ua },
      },
    );
    t.clock.advance(60_000);
    const second = await post(t, 'a2', comment({ author: 'Erase Me', email: email.toLowerCase() }), {
      ip: ips[1],
      headers: { 'User-Agent': ua },
    });
    const secondId = ((await second.json()) as any).comment.id;
    // Held: the address is on the moderation list. Approving trains the learner (ham).
    expect(first.comment.status).toBe('pending');
    expect(
      (
        await adminCall(t, 'PATCH', `/comments/${first.comment.id}`, {
          status: 'approved',
          content: `Contact (edited): ${email}`,
        })
      ).status,
    ).toBe(200);
    await adminCall(t, 'PATCH', `/comments/${secondId}`, { status: 'spam' });
    t.clock.advance(60_000);
    const third = await postOk(t, 'a3', comment({ email }), { ip: ips[0], headers: { 'User-Agent': ua } });
    await adminCall(t, 'DELETE', `/comments/${third.comment.id}`);
    // Someone else quotes the address.
    const other = await postOk(t, 'a1', comment({ content: `Write to ${email.toUpperCase()} for details.` }));

    const hashes = [
      await t.deps.keys.hash(email.toLowerCase()),
      ...(await Promise.all(ips.map((ip) => t.deps.keys.hash(ip)))),
    ];
    const before = await everything(t);
    for (const secret of [email.toLowerCase(), ips[0]!, ua, hashes[0]!, hashes[1]!])
      expect(before.toLowerCase()).toContain(secret.toLowerCase());

    const { status, body } = await adminCall(t, 'POST', '/privacy/erase', { email });
    expect(status).toBe(200);
    expect(body.erased).toMatchObject({ comments: 2, mentions: 1, listEntries: 1 });

    const after = (await everything(t)).toLowerCase();
    for (const secret of [email, ...ips, ua, 'EraseMeBrowser', 'erase-me.example.org', 'Erase Me', ...hashes]) {
      const at = after.indexOf(secret.toLowerCase());
      if (at >= 0) throw new Error(`"${secret}" is still stored: …${after.slice(Math.max(0, at - 300), at + 80)}…`);
    }
    // The words stay.
    expect(after).toContain('contact (edited): [erased]');
    expect(after).toContain('write to [erased] for details.');
    expect((await adminCall(t, 'GET', `/comments/${other.comment.id}`)).body.comment.author.name).toBe(
      'Camille Martin',
    );
  });
});
