import { describe, expect, it } from 'vitest';
import { setup } from '@harness';
import { allRecords, FIXTURES, importFile } from '../fixtures/import';
import { count } from 'drizzle-orm';
import { outbox } from '../../src/db/schema';
import { adminCall, path, thread, type ThreadNode } from '../harness/client';

const WP_ARTICLE = '/2019/03/le-marche-du-samedi/';
const byContent = (records: any[], start: string) => records.find((r) => r.content.startsWith(start));

describe('POST /api/v1/admin/import?from=wordpress', () => {
  it('maps a WXR file field by field: articles, statuses, threads, texts, skips and errors', async () => {
    const t = await setup();
    // IPs of 2019 kept: the retention period long enough for them.
    await adminCall(t, 'PATCH', '/settings', { ipRetentionDays: 3650 });
    const summary = await importFile(t, 'from=wordpress&file=carnet.xml', FIXTURES.wordpress);
    expect(summary).toMatchObject({
      from: 'wordpress',
      dryRun: false,
      complete: true,
      file: 'carnet.xml',
      articles: 2,
      comments: { total: 8, approved: 5, pending: 1, spam: 1, trash: 1, replies: 2 },
      orphans: 1,
      skipped: { pingback: 1, trackback: 1 },
      ipsDropped: 0,
      lessons: { spam: 1, ham: 5 },
    });
    // The empty comment, the reply to a missing parent and the control character, each with its line.
    const messages = summary.errors.list.map((e: { line: number; message: string }) => `${e.line}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d+: comment https:\/\/carnet\.example\.fr#202: no content$/),
        expect.stringMatching(/^153: comment https:\/\/carnet\.example\.fr#201: its parent .*#199 .*top-level/),
        expect.stringMatching(/^189: XML: disallowed character/),
      ]),
    );

    const records = await allRecords(t);
    expect(records).toHaveLength(8);
    const elodie = byContent(records, 'Très bel article');
    expect(elodie).toMatchObject({
      articleId: WP_ARTICLE,
      article: {
        id: WP_ARTICLE,
        title: 'Le marché du samedi & ses étals',
        url: 'https://carnet.example.fr/2019/03/le-marche-du-samedi/',
      },
      parentId: null,
      depth: 1,
      status: 'approved',
      author: { name: 'Élodie Marchand', email: 'Elodie.Marchand@exemple.fr', website: 'https://elodie.example.org' },
      ip: '203.0.113.21',
      userAgent: null,
      createdAt: '2019-03-02T09:15:00.000Z',
      staff: false,
      trained: 'ham',
      verdict: 'approve',
    });
    // Tags became their text, the link keeps its address, nothing is HTML any more.
    expect(elodie.content).toBe(
      'Très bel article ! Les fraises de Mme Durand sont les meilleures 🍓.\nVoir aussi le site de la mairie (https://mairie.example.fr/marche?jour=samedi&heure=8).',
    );
    expect(elodie.html).not.toContain('<strong>');
    const jl = byContent(records, "D'accord avec vous");
    expect(jl).toMatchObject({ content: "D'accord avec vous, évidemment\u00a0!", parentId: elodie.id, depth: 2 });
    expect(jl.author.website).toBeNull(); // "http://" is no address
    const paul = byContent(records, '> les meilleures');
    expect(paul).toMatchObject({ parentId: jl.id, rootId: elodie.id, depth: 3 });
    expect(paul.content).toBe('> les meilleures\n\nJe confirme, et les radis aussi.');
    expect(byContent(records, 'Sans adresse')).toMatchObject({
      status: 'pending',
      author: { name: 'Anonyme', email: null },
    });
    expect(byContent(records, 'Buy cheap pills')).toMatchObject({ status: 'spam', trained: 'spam', verdict: 'spam' });
    expect(byContent(records, 'Message supprimé')).toMatchObject({ status: 'trash', trained: null });
    expect(byContent(records, 'Réponse à un commentaire')).toMatchObject({
      articleId: '/2019/04/fermeture-piscine/',
      parentId: null,
      depth: 1,
    });
    // The bare "&" of a name was read, the control character dropped by the normalization.
    expect(byContent(records, 'La piscine rouvrira')).toMatchObject({
      author: { name: 'Ligne cassée & mal échappée' },
      content: "La piscine rouvrira en juin, d'après la mairie.",
    });

    // The public thread: three levels, in date order, with the article's title and URL.
    const page = await thread(t, WP_ARTICLE);
    expect(page).toMatchObject({ title: 'Le marché du samedi & ses étals', total: 3 });
    const [top] = page.comments as ThreadNode[];
    expect(top!.id).toBe(elodie.id);
    expect(top!.replies[0]!.id).toBe(jl.id);
    expect(top!.replies[0]!.replies[0]!.id).toBe(paul.id);

    // One audit entry for the run, with who, the file and the counts.
    const { body } = await adminCall(t, 'GET', '/audit?action=import.run');
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({
      actor: { name: expect.any(String) },
      target: { type: 'import' },
      after: { from: 'wordpress', file: 'carnet.xml', comments: { total: 8 } },
    });
  });

  it('drops IPs older than the retention period; --article-id chooses the ids', async () => {
    const t = await setup();
    const summary = await importFile(t, 'from=wordpress&articleId=slug', FIXTURES.wordpress);
    expect(summary.ipsDropped).toBe(8);
    const records = await allRecords(t);
    expect(records.every((r) => r.ip === null)).toBe(true);
    expect(new Set(records.map((r) => r.articleId))).toEqual(new Set(['le-marche-du-samedi', 'fermeture-piscine']));
    const byId = await setup();
    await importFile(byId, 'from=wordpress&articleId=id', FIXTURES.wordpress);
    expect(new Set((await allRecords(byId)).map((r) => r.articleId))).toEqual(new Set(['42', '57']));
  });

  it('is idempotent: the same file again changes nothing, not even the ETag', async () => {
    const t = await setup();
    await importFile(t, 'from=wordpress', FIXTURES.wordpress);
    const before = await allRecords(t);
    const etag = (await t.request(path(WP_ARTICLE))).headers.get('etag');
    const again = await importFile(t, 'from=wordpress', FIXTURES.wordpress);
    expect(again).toMatchObject({
      articles: 0,
      comments: { total: 0 },
      lessons: { spam: 0, ham: 0 },
      skipped: { already_imported: 8, pingback: 1, trackback: 1 },
    });
    expect(await allRecords(t)).toEqual(before);
    expect((await t.request(path(WP_ARTICLE))).headers.get('etag')).toBe(etag);
  });

  it('a dry run reads and checks everything and writes nothing', async () => {
    const t = await setup();
    const summary = await importFile(t, 'from=wordpress&dryRun=true', FIXTURES.wordpress);
    expect(summary).toMatchObject({ dryRun: true, articles: 2, comments: { total: 8, replies: 2 }, orphans: 1 });
    expect(summary.errors.count).toBe(3);
    expect(await allRecords(t)).toEqual([]);
    expect((await adminCall(t, 'GET', '/audit?action=import.run')).body.entries).toEqual([]);
    expect((await thread(t, WP_ARTICLE)).total).toBe(0);
  });

  it('ETags change; the learner is taught, imported commenters are trusted and spammers remembered', async () => {
    const t = await setup();
    const etag = (await t.request(path(WP_ARTICLE))).headers.get('etag');
    await importFile(t, 'from=wordpress', FIXTURES.wordpress);
    expect((await t.request(path(WP_ARTICLE))).headers.get('etag')).not.toBe(etag);
    const stats = (await adminCall(t, 'GET', '/spam/stats')).body;
    expect(stats.learner.trained).toEqual({ spam: 1, ham: 5 });
    const rules = async (email: string) =>
      (
        await adminCall(t, 'POST', '/spam/check', {
          author: 'Quelqu’un',
          email,
          content: 'Merci pour ces nouvelles du quartier.',
          articleId: WP_ARTICLE,
        })
      ).body.reasons.map((r: { rule: string }) => r.rule);
    expect(await rules('paul@exemple.fr')).toContain('trusted');
    expect(await rules('inconnu@exemple.fr')).not.toContain('trusted');
    expect(await rules('deals@pills.example.com')).toContain('memory');
  });

  it('422 for an unknown source; 401 without the admin token', async () => {
    const t = await setup();
    const bad = await t.request('/api/v1/admin/import?from=blogger', {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.adminToken}` },
      body: '<rss/>',
    });
    expect(bad.status).toBe(422);
    const anonymous = await t.request('/api/v1/admin/import?from=wordpress', { method: 'POST', body: '<rss/>' });
    expect(anonymous.status).toBe(401);
  });
});

describe('imports fire no webhooks', () => {
  it('writes no outbox row (notifications and webhook events), a webhook being configured', async () => {
    const t = await setup({ WEBHOOK_URL: 'http://127.0.0.1:9/hook' });
    const outboxRows = async () => (await t.deps.db.select({ n: count() }).from(outbox).get())!.n;
    await importFile(t, 'from=wordpress', FIXTURES.wordpress);
    await importFile(t, 'from=disqus', FIXTURES.disqus);
    expect(await outboxRows()).toBe(0);
  });
});

describe('POST /api/v1/admin/import?from=disqus', () => {
  it('maps threads to articles and posts to comments', async () => {
    const t = await setup();
    const summary = await importFile(t, 'from=disqus&articleId=id', FIXTURES.disqus);
    expect(summary).toMatchObject({
      articles: 1,
      comments: { total: 6, approved: 4, spam: 1, trash: 1, pending: 0, replies: 2 },
      orphans: 1,
    });
    expect(summary.errors.list).toEqual(
      expect.arrayContaining([{ line: expect.any(Number), message: 'comment 8007: no readable date' }]),
    );
    const records = await allRecords(t);
    const elodie = byContent(records, 'Très bel article');
    expect(elodie).toMatchObject({
      articleId: 'marche-du-samedi',
      article: {
        title: 'Le marché du samedi & ses étals',
        url: 'https://carnet.example.fr/2019/03/le-marche-du-samedi/',
      },
      author: { name: 'Élodie', email: 'elodie@exemple.fr' },
      createdAt: '2019-03-02T09:15:00.000Z',
    });
    expect(elodie.content).toBe(
      'Très bel article\u00a0! Les fraises sont les meilleures 🍓\n\nVoir https://mairie.example.fr/marche',
    );
    const jl = byContent(records, "D'accord");
    expect(jl).toMatchObject({ parentId: elodie.id, author: { name: 'Jean-Luc', email: null } });
    expect(byContent(records, 'Et les radis')).toMatchObject({ parentId: jl.id, depth: 3 });
    expect(byContent(records, 'Buy cheap')).toMatchObject({ status: 'spam' });
    expect(byContent(records, 'Supprimé')).toMatchObject({ status: 'trash' });
  });
});

describe('GET /api/v1/admin/export and the round trip', () => {
  it('streams NDJSON, no-store, with emails in clear; imported into an empty database it gives the same site', async () => {
    const t = await setup();
    await adminCall(t, 'PATCH', '/settings', { ipRetentionDays: 3650, maxDepth: 4 });
    await adminCall(t, 'POST', '/lists', { list: 'disallowed', kind: 'word', value: 'casino' });
    await importFile(t, 'from=wordpress', FIXTURES.wordpress);
    await adminCall(t, 'PUT', `/articles/${encodeURIComponent('/2019/04/fermeture-piscine/')}`, { closed: true });
    await adminCall(t, 'PUT', '/articles/configured-only', { moderation: 'all', title: 'Sans commentaire' });

    const res = await t.request('/api/v1/admin/export', { headers: { Authorization: `Bearer ${t.adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const text = await res.text();
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'site', format: 'tamis-export', settings: { maxDepth: 4 } });
    expect(lines.filter((l) => l.type === 'article')).toHaveLength(3);
    expect(lines.filter((l) => l.type === 'comment')).toHaveLength(8);
    expect(text).toContain('Elodie.Marchand@exemple.fr');
    expect((await t.request('/api/v1/admin/export')).status).toBe(401);

    const copy = await setup();
    const summary = await importFile(copy, 'from=tamis', text);
    expect(summary).toMatchObject({ comments: { total: 8 }, errors: { count: 0 } });
    expect(await allRecords(copy)).toEqual(await allRecords(t));
    for (const id of [WP_ARTICLE, '/2019/04/fermeture-piscine/', 'configured-only']) {
      const [a, b] = await Promise.all([
        adminCall(t, 'GET', `/articles/${encodeURIComponent(id)}`),
        adminCall(copy, 'GET', `/articles/${encodeURIComponent(id)}`),
      ]);
      expect(b.body).toEqual(a.body);
      expect(await thread(copy, id)).toEqual(await thread(t, id));
    }
    expect((await adminCall(copy, 'GET', '/settings')).body).toEqual((await adminCall(t, 'GET', '/settings')).body);
    expect((await adminCall(copy, 'GET', '/lists')).body.entries.map((e: any) => e.value)).toEqual(['casino']);
    // And again: nothing changes.
    expect((await importFile(copy, 'from=tamis', text)).comments.total).toBe(0);
  });
});
