import { z } from '@hono/zod-openapi';
import { COMMENT_STATUSES } from '../../../services/moderation';

/** Response shapes of the admin API, for the OpenAPI document. */

const when = z.iso.datetime();

export const AdminComment = z
  .object({
    id: z.string(),
    articleId: z.string(),
    article: z
      .object({ id: z.string(), title: z.string().nullable(), url: z.string().nullable() })
      .describe('The article, with its title and address when they are known (PUT …/articles/{articleId}, an import).'),
    parentId: z.string().nullable(),
    rootId: z.string(),
    depth: z.number().int(),
    status: z.enum(COMMENT_STATUSES),
    author: z.object({
      name: z.string(),
      email: z.string().nullable().describe('Decrypted; null for staff replies and erased comments.'),
      website: z.string().nullable(),
    }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    content: z.string(),
    html: z.string(),
    verdict: z
      .enum(['approve', 'hold', 'spam'])
      .describe("The checks' verdict when the comment was posted (or last edited by its author)."),
    score: z.number(),
    reasons: z.array(z.object({ rule: z.string(), score: z.number(), detail: z.string() })),
    trained: z.enum(['spam', 'ham']).nullable().describe('What the learner was taught from this comment.'),
    staff: z.boolean(),
    createdAt: when,
    updatedAt: when,
    editedAt: when.nullable(),
    parent: z
      .object({
        id: z.string(),
        author: z.string(),
        status: z.enum(COMMENT_STATUSES),
        excerpt: z.string().describe('First 140 characters.'),
      })
      .nullable(),
  })
  .meta({ id: 'AdminComment' });

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: when,
  lastUsedAt: when.nullable().describe('To the minute.'),
  revokedAt: when.nullable(),
  current: z.boolean().describe('The token of this request.'),
});

export const ArticleInfo = z.object({
  id: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable().describe('Absolute http(s) URL of the article.'),
  closed: z.boolean().describe('Closed by a moderator.'),
  open: z.boolean().describe('Whether comments are accepted now (neither closed nor past closesAt).'),
  closesAt: when.nullable().describe('When closeAfterDays is set: first comment + closeAfterDays.'),
  language: z.string().nullable(),
  moderation: z.enum(['auto', 'all', 'none']).nullable().describe('null: the site setting.'),
  firstCommentAt: when.nullable(),
  comments: z.record(z.enum(COMMENT_STATUSES), z.number().int()),
});

export const ListEntry = z.object({
  id: z.string(),
  list: z.enum(['disallowed', 'moderation']),
  kind: z.enum(['word', 'ip', 'cidr', 'email', 'domain']),
  value: z.string(),
  createdAt: when,
});

export const AuditEntry = z.object({
  id: z.number().int(),
  at: when,
  actor: z.object({
    id: z.string().nullable(),
    name: z.string().describe("The token's name; `start-up` (id null) for what the server did when it started."),
  }),
  action: z
    .string()
    .describe(
      'comment.update, comment.delete, comment.create, token.create, token.revoke, article.update, settings.update, list.add, list.remove, privacy.export, privacy.erase, import.run',
    ),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
