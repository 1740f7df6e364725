import { createRoute, z } from '@hono/zod-openapi';
import { articleInfo, configureArticle } from '../../../services/articles';
import { adminViews, staffReply } from '../../../services/moderation';
import { jsonBody } from '../../middleware/body';
import { adminRoute, body, bodyProblems, json, limitedTexts, problems, router } from '../../openapi';
import { normalizeLine } from '../../../text';
import { isHttpUrl } from '../../../links';
import {
  ARTICLE_TITLE_MAX,
  ARTICLE_URL_MAX,
  ArticleParam,
  asText,
  AuthorField,
  blankToUndefined,
  CommentId,
  ContentField,
} from '../../schemas';
import { actorOf } from './common';
import { AdminComment, ArticleInfo } from './schemas';

/** Articles as moderators see them: closing, language, moderation mode; and staff replies. */
export const adminArticles = router();
const tags = ['Articles'];

const info = createRoute(
  adminRoute({
    method: 'get',
    path: '/{articleId}',
    tags,
    summary: "An article's settings, state and comment counts",
    request: { params: ArticleParam },
    responses: { 200: json(z.object({ article: ArticleInfo })), 404: problems[404], 422: problems[422] },
  }),
);
adminArticles.openapi(info, async (c) =>
  c.json({ article: await articleInfo(c.var.deps, c.req.valid('param').articleId) }, 200),
);

const ArticleSettings = z
  .object({
    closed: z.boolean().optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, { error: 'invalid_value' })
      .nullable()
      .optional()
      .describe('ISO 639-1; null: the site language.'),
    moderation: z.enum(['auto', 'all', 'none']).nullable().optional().describe('null: the site setting.'),
    title: z
      .preprocess(asText(normalizeLine), z.string().min(1).max(ARTICLE_TITLE_MAX).nullable().optional())
      .describe(`The article's title (one line, at most ${ARTICLE_TITLE_MAX} characters); null removes it.`),
    url: z
      .preprocess(
        asText((s) => s.trim()),
        z
          .string()
          .max(ARTICLE_URL_MAX)
          .refine(isHttpUrl, { params: { key: 'invalid_url' } })
          .nullable()
          .optional(),
      )
      .describe(`The article's absolute http(s) URL (at most ${ARTICLE_URL_MAX} characters); null removes it.`),
  })
  .strict()
  .openapi({
    example: {
      closed: false,
      language: 'fr',
      moderation: 'all',
      title: 'Le budget 2027 en dix graphiques',
      url: 'https://journal.example.fr/2026/12/budget/',
    },
  });

const configure = createRoute(
  adminRoute({
    method: 'put',
    path: '/{articleId}',
    tags,
    summary: "Set an article's title, URL, closing, language or moderation mode",
    description:
      'Only the fields given change; the article is created when it has no comment yet. The public thread (which carries the title and URL) and its ETag change.',
    middleware: [jsonBody] as const,
    request: { params: ArticleParam, body: body(ArticleSettings) },
    responses: { 200: json(z.object({ article: ArticleInfo })), ...bodyProblems },
  }),
);
adminArticles.openapi(configure, async (c) =>
  c.json(
    { article: await configureArticle(c.var.deps, actorOf(c), c.req.valid('param').articleId, c.req.valid('json')) },
    200,
  ),
);

const StaffReply = z
  .object({
    content: ContentField,
    author: z
      .preprocess((v) => blankToUndefined(asText(normalizeLine)(v)), AuthorField.optional())
      .describe("Shown as the author; the token's name when absent."),
    parentId: z.preprocess(blankToUndefined, CommentId.optional()).describe('The approved comment answered.'),
  })
  .strict()
  .openapi({ example: { content: 'Merci, la source est corrigée.', author: 'La rédaction' } });

const reply = createRoute(
  adminRoute({
    method: 'post',
    path: '/{articleId}/comments',
    tags,
    summary: "A moderator's comment or reply",
    description:
      'Approved at once and shown with `author.staff: true`; allowed on a closed article. 404 `parent_not_found`; 409 `parent_not_approved`.',
    middleware: [jsonBody] as const,
    request: { params: ArticleParam, body: body(StaffReply) },
    responses: {
      201: json(z.object({ comment: AdminComment }), 'Created'),
      ...bodyProblems,
      404: problems[404],
      409: problems[409],
    },
  }),
);
adminArticles.openapi(
  reply,
  async (c) => {
    const { deps } = c.var;
    const { row } = await staffReply(deps, actorOf(c), c.req.valid('param').articleId, c.req.valid('json'));
    return c.json({ comment: (await adminViews(deps, [row]))[0]! }, 201);
  },
  limitedTexts([
    { path: ['author'], limit: 'maxAuthorLength' },
    { path: ['content'], limit: 'maxContentLength' },
  ]),
);
