import { createRoute, z } from '@hono/zod-openapi';
import { ARTICLE_ID_FROM, chunksOf, IMPORT_SOURCES } from '../../../import';
import { EXPORT_STATEMENTS, exportCursor, exportStream } from '../../../services/export';
import { importComments } from '../../../services/import';
import { ApiError } from '../../errors';
import { adminRoute, json, problems, router } from '../../openapi';
import { enumQuery, firstValue, optionalQuery } from '../../params';
import { actorOf } from './common';

/** Moving in and out: an import from WordPress, Disqus or a Tamis export, and the export of everything. */
export const adminTransfer = router();
const tags = ['Import and export'];

/** The largest file the import endpoint reads (the command line has no limit). */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;
/**
 * Statements one import request may run: under the 1,000 queries a Worker invocation may make to
 * D1. A larger file is imported over several requests of the same file: each goes on where the
 * previous one stopped (`complete: false` says to send it again).
 */
export const IMPORT_STATEMENT_BUDGET = 800;

const tooLarge = () =>
  new ApiError(413, 'payload_too_large', { detail: `The import limit is ${IMPORT_MAX_BYTES / 1024 / 1024} MiB.` });

/** The request's body as it streams, refused (413) once it goes over IMPORT_MAX_BYTES. */
async function* limited(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of chunksOf(body)) {
    bytes += chunk.byteLength;
    if (bytes > IMPORT_MAX_BYTES) throw tooLarge();
    yield chunk;
  }
}

const ImportSummary = z
  .object({
    from: z.enum(IMPORT_SOURCES),
    dryRun: z.boolean(),
    complete: z
      .boolean()
      .describe('False when the request reached its statement budget: send the same file again to go on.'),
    file: z.string().nullable(),
    articles: z.number().int().describe('Articles created or given comments.'),
    comments: z.object({
      total: z.number().int(),
      pending: z.number().int(),
      approved: z.number().int(),
      spam: z.number().int(),
      trash: z.number().int(),
      replies: z.number().int(),
    }),
    orphans: z.number().int().describe('Replies whose parent is not in the file: imported as top-level comments.'),
    skipped: z
      .record(z.string(), z.number().int())
      .describe('By reason: pingback, trackback, already_imported (a comment stored by an earlier import).'),
    ipsDropped: z.number().int().describe('IPs older than the retention period, not imported.'),
    lessons: z.object({ spam: z.number().int(), ham: z.number().int() }).describe('What the learner was taught.'),
    statements: z.number().int().describe('Database statements the import ran.'),
    errors: z.object({
      count: z.number().int(),
      list: z.array(z.object({ line: z.number().int(), message: z.string() })).describe('The first 1,000.'),
    }),
  })
  .meta({ id: 'ImportSummary' });

/** The media types the import reads (curl sends a file as application/x-www-form-urlencoded unless told). */
const ACCEPTED = ['application/xml', 'text/xml', 'application/x-ndjson', 'application/octet-stream'];

const WXR_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:base_blog_url>https://journal.example.fr</wp:base_blog_url>
<item><title>Le budget 2027</title><link>https://journal.example.fr/2026/12/budget/</link><wp:post_id>12</wp:post_id><wp:post_name>budget</wp:post_name>
<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author><![CDATA[Camille]]></wp:comment_author><wp:comment_author_email>camille@exemple.fr</wp:comment_author_email><wp:comment_date_gmt>2026-12-01 09:30:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Merci pour <strong>ces chiffres</strong>.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>`;
const NDJSON_EXAMPLE = `{"type":"site","format":"tamis-export","version":1,"settings":{},"lists":[]}
{"type":"article","id":"2026/12/budget","title":"Le budget 2027","url":"https://journal.example.fr/2026/12/budget/","closed":false,"language":null,"moderation":null,"createdAt":"2026-12-01T09:00:00.000Z","firstCommentAt":null}`;

const importRoute = createRoute(
  adminRoute({
    method: 'post',
    path: '/import',
    tags,
    summary: 'Import comments from WordPress, Disqus or a Tamis export',
    description: `The file is the request body (up to ${IMPORT_MAX_BYTES / 1024 / 1024} MiB, read as it streams): a WordPress export (WXR), a Disqus XML export, or a Tamis export (NDJSON). The same importer as \`tamis import\`: comments keep their status, dates, authors and threads; emails and IPs are stored encrypted (IPs older than the retention period are dropped); no webhook fires. Idempotent: a comment imported already is skipped, so a request that stopped (or answered \`complete: false\`, after ${IMPORT_STATEMENT_BUDGET} statements) is finished by sending the same file again. One audit entry per request. \`dryRun=true\` reads and checks everything and writes nothing.`,
    request: {
      query: z.object({
        from: z
          .preprocess(firstValue, z.enum(IMPORT_SOURCES))
          .describe('The kind of file: wordpress and disqus are XML, tamis is NDJSON.'),
        dryRun: enumQuery(['true', 'false'], 'false').describe('true: check the file, write nothing.'),
        articleId: optionalQuery(z.enum(ARTICLE_ID_FROM)).describe(
          "How article ids are made (WordPress, Disqus): the permalink's path (default), the slug, the post or thread id, or the full URL.",
        ),
        file: optionalQuery(z.string().max(200)).describe("The file's name, for the audit log."),
      }),
      body: {
        content: {
          'application/xml': {
            schema: z.string().openapi({ format: 'binary', example: WXR_EXAMPLE }),
          },
          'application/x-ndjson': {
            schema: z.string().openapi({ format: 'binary', example: NDJSON_EXAMPLE }),
          },
        },
      },
    },
    responses: {
      200: json(z.object({ import: ImportSummary })),
      400: problems[400],
      413: problem413(),
      415: { ...problems[415], description: `The body is not one of ${ACCEPTED.join(', ')}` },
      422: problems[422],
    },
  }),
);

function problem413() {
  return { ...problems[413], description: `Body over ${IMPORT_MAX_BYTES / 1024 / 1024} MiB` };
}

adminTransfer.openapi(importRoute, async (c) => {
  const { from, dryRun, articleId, file } = c.req.valid('query');
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED.includes(type))
    throw new ApiError(415, 'unsupported_media_type', {
      detail: `Send the file as ${ACCEPTED.join(', ')} (with curl: -H 'Content-Type: application/xml' --data-binary @export.xml).`,
    });
  const length = c.req.header('content-length');
  if (length !== undefined && /^\d+$/.test(length) && Number(length) > IMPORT_MAX_BYTES) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) throw new ApiError(400, 'malformed_body', { detail: 'The file is the request body: it is empty.' });
  const summary = await importComments(c.var.deps, limited(body), {
    from,
    dryRun: dryRun === 'true',
    articleId,
    fileName: file ?? null,
    actor: actorOf(c),
    statementBudget: IMPORT_STATEMENT_BUDGET,
  });
  return c.json({ import: summary }, 200);
});

const ExportQuery = z.object({
  continuation: optionalQuery(
    z
      .string()
      .max(1000)
      .transform((text, ctx) => {
        const cursor = exportCursor(text);
        if (cursor) return cursor;
        ctx.addIssue({ code: 'custom', params: { key: 'invalid_continuation' } });
        return z.NEVER;
      }),
  ).describe("The `continuation` of the previous part's last line: the next part."),
});

const exportRoute = createRoute(
  adminRoute({
    method: 'get',
    path: '/export',
    tags,
    summary: 'Everything, as NDJSON: settings, lists, articles, comments',
    request: { query: ExportQuery },
    description: `A line for the site (settings and lists), then one per article, then one per comment with every field the admin API shows (email and IP decrypted: this is the owner’s backup) and its import source. Streamed page by page; the comments are those written when the export began. An answer reads at most ${EXPORT_STATEMENTS} times (D1 runs 1,000 statements a request; three reads per 500 comments: some 100,000 comments): a bigger export ends with a line \`{"type":"continuation","continuation":"…"}\`, and \`?continuation=…\` gives the next part (its comments). The parts put end to end are one export. \`Cache-Control: no-store\`. \`POST /api/v1/admin/import?from=tamis\` (or \`tamis import --from tamis\`) reads it back.`,
    responses: {
      200: {
        description: 'NDJSON, one JSON object per line',
        content: { 'application/x-ndjson': { schema: z.string() } },
      },
    },
  }),
);
adminTransfer.openapi(exportRoute, (c) => {
  const { continuation } = c.req.valid('query');
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
  c.header('Content-Disposition', 'attachment; filename="tamis-export.ndjson"');
  return c.body(exportStream(c.var.deps, { from: continuation, statements: EXPORT_STATEMENTS }), 200) as never;
});
