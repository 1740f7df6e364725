import { z } from 'zod';
import { iso, type Deps } from '../deps';
import { articlesAfter, allListEntries, commentsAfter } from '../db/export';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../import';
import { loadOverrides } from '../settings';
import { decodeContinuation, encodeContinuation } from './cursor';
import { adminViews } from './moderation';

/**
 * Everything a site holds, for its owner's backup or a move (GET /api/v1/admin/export, `tamis
 * export`), as NDJSON: a line for the site (its settings and lists), then one per article, then one
 * per comment as the admin API shows it (email and IP decrypted), with its import source. Read page
 * by page, so memory stays bounded; the comments are those written when the export began (later
 * ones are left for the next export), oldest first. `tamis import --from tamis` reads it back.
 * Over EXPORT_STATEMENTS reads, the HTTP answer is one part of several (continuation lines).
 */

/** Per page: one read of the articles; three of the comments (them, their parents' excerpts, their articles). */
const ARTICLES_PER_PAGE = 1000;
const COMMENTS_PER_PAGE = 500;

/**
 * The reads one export answer makes at most. D1 runs 1,000 statements a request on the Paid plan;
 * at three reads per 500 comments this is some 100,000 comments an answer. A bigger site's export
 * ends with a `continuation` line, `{"type":"continuation","continuation":"…"}`: GET the export
 * again with `?continuation=…` for the next part (comments only), and so on. The parts, put end to
 * end, are one export (the importer skips continuation lines).
 */
export const EXPORT_STATEMENTS = 600;

/** Where an export part starts: the export's moment, and the last article and comment written. */
const ExportCursor = z.object({
  startedAt: z.number().int(),
  article: z.string().nullable(),
  articlesDone: z.boolean(),
  comment: z.object({ createdAt: z.number().int(), id: z.string() }).nullable(),
});
export type ExportCursor = z.infer<typeof ExportCursor>;

/** The cursor a continuation token holds, or null when it is not one an export wrote. */
export const exportCursor = (token: string) => decodeContinuation(token, ExportCursor);

export interface ExportOptions {
  /** Where to start: a part after the first (from a continuation line). */
  from?: ExportCursor | null;
  /** Reads at most, then a continuation line (the HTTP answer: EXPORT_STATEMENTS; the command: none). */
  statements?: number;
  /** Comments a page (tests make it small). */
  commentsPerPage?: number;
}

export async function* exportLines(deps: Deps, options: ExportOptions = {}): AsyncGenerator<string> {
  const { db } = deps;
  const budget = options.statements ?? Number.POSITIVE_INFINITY;
  const perPage = options.commentsPerPage ?? COMMENTS_PER_PAGE;
  const at: ExportCursor = options.from ?? {
    startedAt: deps.clock.now(),
    article: null,
    articlesDone: false,
    comment: null,
  };
  let used = 0;
  /** Whether `reads` more fit; else the line that says where to go on. */
  const fits = (reads: number) => used + reads <= budget || used === 0;
  const continuation = () => `${JSON.stringify({ type: 'continuation', continuation: encodeContinuation(at) })}\n`;
  if (!options.from) {
    const [settings, lists] = await Promise.all([loadOverrides(db), allListEntries(db)]);
    used += 2;
    yield `${JSON.stringify({
      type: 'site',
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: iso(at.startedAt),
      settings,
      lists: lists.map((e) => ({ list: e.list, kind: e.kind, value: e.value, createdAt: iso(e.createdAt) })),
    })}\n`;
  }
  while (!at.articlesDone) {
    if (!fits(1)) return yield continuation();
    const page = await articlesAfter(db, at.article, ARTICLES_PER_PAGE);
    used += 1;
    if (page.length === 0) {
      at.articlesDone = true;
      break;
    }
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
    at.article = page.at(-1)!.id;
  }
  for (;;) {
    if (!fits(3)) return yield continuation();
    const page = await commentsAfter(db, at.comment, at.startedAt, perPage);
    used += 1;
    if (page.length === 0) break;
    const views = await adminViews(deps, page);
    used += 2;
    yield views
      .map(
        (view, i) =>
          `${JSON.stringify({ type: 'comment', ...view, source: page[i]!.source, sourceId: page[i]!.sourceId })}\n`,
      )
      .join('');
    const last = page.at(-1)!;
    at.comment = { createdAt: last.createdAt, id: last.id };
  }
}

/** The export as a stream of bytes (the HTTP answer, the command's standard output). */
export function exportStream(deps: Deps, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  const lines = exportLines(deps, options);
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
