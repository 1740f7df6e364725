import { iso, type Deps } from '../deps';
import { articlesAfter, allListEntries, commentsAfter } from '../db/export';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../import';
import { loadOverrides } from '../settings';
import { adminViews } from './moderation';

/**
 * Everything a site holds, for its owner's backup or a move (GET /api/v1/admin/export, `tamis
 * export`), as NDJSON: a line for the site (its settings and lists), then one per article, then one
 * per comment as the admin API shows it (email and IP decrypted), with its import source. Read page
 * by page, so memory stays bounded; the comments are those written when the export began (later
 * ones are left for the next export), oldest first. `tamis import --from tamis` reads it back.
 */

/** Per page: one read of the articles; three of the comments (them, their parents' excerpts, their articles). */
const ARTICLES_PER_PAGE = 1000;
const COMMENTS_PER_PAGE = 500;

export async function* exportLines(deps: Deps): AsyncGenerator<string> {
  const { db } = deps;
  const startedAt = deps.clock.now();
  const [settings, lists] = await Promise.all([loadOverrides(db), allListEntries(db)]);
  yield `${JSON.stringify({
    type: 'site',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: iso(startedAt),
    settings,
    lists: lists.map((e) => ({ list: e.list, kind: e.kind, value: e.value, createdAt: iso(e.createdAt) })),
  })}\n`;
  for (let after: string | null = null; ; ) {
    const page = await articlesAfter(db, after, ARTICLES_PER_PAGE);
    if (page.length === 0) break;
    yield page
      .map(
        (a) =>
          `${JSON.stringify({
            type: 'article',
            id: a.id,
            title: a.title,
            url: a.url,
            closed: a.closed,
            language: a.language,
            moderation: a.moderation,
            createdAt: iso(a.createdAt),
            firstCommentAt: iso(a.firstCommentAt),
          })}\n`,
      )
      .join('');
    after = page.at(-1)!.id;
  }
  for (let after: { createdAt: number; id: string } | null = null; ; ) {
    const page = await commentsAfter(db, after, startedAt, COMMENTS_PER_PAGE);
    if (page.length === 0) break;
    const views = await adminViews(deps, page);
    yield views
      .map(
        (view, i) =>
          `${JSON.stringify({ type: 'comment', ...view, source: page[i]!.source, sourceId: page[i]!.sourceId })}\n`,
      )
      .join('');
    after = page.at(-1)!;
  }
}

/** The export as a stream of bytes (the HTTP answer, the command's standard output). */
export function exportStream(deps: Deps): ReadableStream<Uint8Array> {
  const lines = exportLines(deps);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}
