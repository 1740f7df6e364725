import { z } from 'zod';
import { COMMENT_STATUSES } from '../db/schema';
import { textOf, type ByteSource, type ImportRecord } from './records';

/**
 * Tamis's own export (GET /api/v1/admin/export, `tamis export`): NDJSON, one line for the site
 * (settings and lists), one per article, one per comment as the admin API shows it, with its import
 * source. Each line is read and checked on its own; a line that is not one of these is reported
 * with its number.
 */

export const EXPORT_FORMAT = 'tamis-export';
export const EXPORT_VERSION = 1;

const when = z.iso.datetime().transform((s) => Date.parse(s));

const SiteLine = z.object({
  type: z.literal('site'),
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  settings: z.record(z.string(), z.unknown()).nullable(),
  lists: z.array(
    z.object({
      list: z.enum(['disallowed', 'moderation']),
      kind: z.enum(['word', 'ip', 'cidr', 'email', 'domain']),
      value: z.string().min(1).max(500),
      createdAt: when,
    }),
  ),
});

const ArticleLine = z.object({
  type: z.literal('article'),
  id: z.string().min(1).max(200),
  title: z.string().nullable(),
  url: z.string().nullable(),
  closed: z.boolean(),
  language: z.string().nullable(),
  moderation: z.enum(['auto', 'all', 'none']).nullable(),
  createdAt: when,
  firstCommentAt: when.nullable(),
});

const CommentLine = z.object({
  type: z.literal('comment'),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  articleId: z.string().min(1).max(200),
  parentId: z.string().nullable(),
  rootId: z.string(),
  depth: z.number().int().min(1),
  status: z.enum(COMMENT_STATUSES),
  author: z.object({ name: z.string(), email: z.string().nullable(), website: z.string().nullable() }),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  content: z.string(),
  verdict: z.enum(['approve', 'hold', 'spam']),
  score: z.number(),
  reasons: z.array(z.object({ rule: z.string(), score: z.number(), detail: z.string() })),
  trained: z.enum(['spam', 'ham']).nullable(),
  staff: z.boolean(),
  createdAt: when,
  updatedAt: when,
  editedAt: when.nullable(),
  source: z.string().nullable().optional(),
  sourceId: z.string().nullable().optional(),
});

/** The end of one part of an export answered in several (services/export.ts): nothing to import. */
const ContinuationLine = z.object({ type: z.literal('continuation'), continuation: z.string() });

const Line = z.discriminatedUnion('type', [SiteLine, ArticleLine, CommentLine, ContinuationLine]);

/** The records of one line of an export. */
function lineRecords(text: string, line: number): ImportRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [{ kind: 'error', line, message: 'not a JSON line' }];
  }
  const parsed = Line.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return [
      { kind: 'error', line, message: `not an export line: ${issue?.path.join('.') || 'type'}: ${issue?.message}` },
    ];
  }
  const v = parsed.data;
  if (v.type === 'continuation') return [];
  if (v.type === 'site') return [{ kind: 'site', settings: v.settings, lists: v.lists, line }];
  if (v.type === 'article')
    return [
      {
        kind: 'article',
        key: v.id,
        ids: { path: v.id, slug: v.id, id: v.id, url: v.id },
        title: v.title,
        url: v.url,
        line,
        settings: {
          closed: v.closed,
          language: v.language,
          moderation: v.moderation,
          createdAt: v.createdAt,
          firstCommentAt: v.firstCommentAt,
        },
      },
    ];
  return [
    {
      kind: 'comment',
      sourceId: v.id,
      articleKey: v.articleId,
      parentSourceId: v.parentId,
      author: v.author.name,
      email: v.author.email,
      website: v.author.website,
      ip: v.ip,
      userAgent: v.userAgent,
      content: v.content,
      status: v.status,
      createdAt: v.createdAt,
      line,
      tamis: {
        id: v.id,
        rootId: v.rootId,
        depth: v.depth,
        verdict: v.verdict,
        score: v.score,
        reasons: v.reasons,
        trained: v.trained,
        staff: v.staff,
        updatedAt: v.updatedAt,
        editedAt: v.editedAt,
        source: v.source ?? null,
        sourceId: v.sourceId ?? null,
      },
    },
  ];
}

export async function* readTamis(source: ByteSource, onBytes?: (n: number) => void): AsyncGenerator<ImportRecord> {
  let rest = '';
  let line = 0;
  for await (const chunk of textOf(source, onBytes)) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const text of lines) {
      line++;
      if (text.trim()) yield* lineRecords(text, line);
    }
  }
  line++;
  if (rest.trim()) yield* lineRecords(rest, line);
}
