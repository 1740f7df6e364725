import { admin, adminCall, BROWSER_UA } from './client';
import type { Harness } from './types';

/**
 * Many comments at once, as a Tamis export (NDJSON) for POST /api/v1/admin/import?from=tamis: the
 * quick way to a site of hundreds of comments in a test (the limits tests, the desk's bulk action).
 */

const WORDS =
  'marché commune budget école route travaux mairie conseil vote projet quartier parking vélo bus gare piscine forêt rivière pont église fête musique théâtre stade club jeunes retraités emploi usine commerce boulangerie'.split(
    ' ',
  );

/** A text of `n` words, different for each seed. */
export function text(seed: number, n = 40) {
  const words: string[] = [];
  for (let i = 0; i < n; i++)
    words.push(`${WORDS[(seed * 7 + i * 13) % WORDS.length]}${(seed + i) % 5 === 0 ? seed : ''}`);
  return `${words.join(' ')}.`;
}

let serial = 0;
/** NDJSON lines of a Tamis export: `n` comments on `articleId`. */
export function commentLines(
  articleId: string,
  n: number,
  over: (i: number) => Partial<{
    status: string;
    trained: string | null;
    email: string;
    name: string;
    ip: string;
    content: string;
  }> = () => ({}),
) {
  const at = new Date('2026-11-01T10:00:00Z').getTime();
  const lines = [
    JSON.stringify({
      type: 'article',
      id: articleId,
      title: `Article ${articleId}`,
      url: null,
      closed: false,
      language: 'fr',
      moderation: null,
      createdAt: new Date(at).toISOString(),
      firstCommentAt: null,
    }),
  ];
  for (let i = 0; i < n; i++) {
    const id = `lim${(serial++).toString(36).padStart(6, '0')}`;
    const o = over(i);
    lines.push(
      JSON.stringify({
        type: 'comment',
        id,
        articleId,
        parentId: null,
        rootId: id,
        depth: 1,
        status: o.status ?? 'approved',
        author: { name: o.name ?? `Lecteur ${i}`, email: o.email ?? `lecteur${serial}@exemple.fr`, website: null },
        ip: o.ip ?? `198.51.100.${i % 250}`,
        userAgent: BROWSER_UA,
        content: o.content ?? text(serial),
        verdict: o.status === 'approved' ? 'approve' : 'hold',
        score: 0,
        reasons: [],
        trained: o.trained ?? null,
        staff: false,
        createdAt: new Date(at + i * 60_000).toISOString(),
        updatedAt: new Date(at + i * 60_000).toISOString(),
        editedAt: null,
      }),
    );
  }
  return lines;
}

/**
 * Imports the lines through the endpoint, sending the file again while it answers `complete: false`
 * (as its callers do); `answered` is told after each request.
 */
export async function importAll(
  t: Harness,
  lines: string[],
  answered: (round: number) => Promise<void> = async () => {},
) {
  const file = `${lines.join('\n')}\n`;
  for (let round = 0; round < 50; round++) {
    const res = await admin(t, '/import?from=tamis', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: file,
    });
    if (res.status !== 200) throw new Error(`import: ${res.status} ${await res.text()}`);
    const complete = ((await res.json()) as { import: { complete: boolean } }).import.complete;
    await answered(round);
    if (complete) return;
  }
  throw new Error('the import never completed');
}

/** The ids of every held comment (the moderation queue's pending tab, page after page). */
export async function pendingIds(t: Harness) {
  const ids: string[] = [];
  for (let cursor = ''; ; ) {
    const { body } = await adminCall(t, 'GET', `/comments?status=pending&limit=100${cursor}`);
    ids.push(...(body.comments as { id: string }[]).map((c) => c.id));
    if (!body.nextCursor) return ids;
    cursor = `&cursor=${encodeURIComponent(body.nextCursor)}`;
  }
}
