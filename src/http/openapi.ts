import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { IdParam } from './params';
import * as s from './schemas';

/**
 * The OpenAPI document, generated from the same zod schemas the handlers validate with.
 * The admin routers add their paths with `registerAdminPath`.
 */
const registry = new OpenAPIRegistry();

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: s.ProblemSchema } },
});
export const problems = {
  400: problem('Malformed body or parameters'),
  401: problem('Missing or invalid bearer token'),
  403: problem('Not allowed'),
  404: problem('Not found'),
  409: problem('Conflict'),
  413: problem('Body over 64 KiB'),
  415: problem('Unsupported media type'),
  422: problem('Validation failed: `errors` names every failing field'),
  429: problem('Too many requests: see Retry-After'),
};
export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
export const bodyOf = <T extends z.ZodType>(schema: T, form = false) => ({
  required: true,
  content: {
    'application/json': { schema },
    ...(form ? { 'application/x-www-form-urlencoded': { schema } } : {}),
  },
});
const adminSecurity = [{ adminToken: [] }];

/** An admin route: the bearer token, and the 401 when it is missing or wrong. */
export function registerAdminPath(route: RouteConfig) {
  registry.registerPath({ ...route, security: adminSecurity, responses: { ...route.responses, 401: problems[401] } });
}

registry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer' });
registry.registerComponent('securitySchemes', 'editToken', { type: 'http', scheme: 'bearer' });



registry.registerPath({
  method: 'post',
  path: '/api/v1/articles/{articleId}/comments',
  summary: 'Post a comment',
  description:
    "JSON or a plain HTML form. When the client accepts text/html (a form without JavaScript), the answer is 303 back to the Referer with #comment-<id> or #comment-pending, if the Referer is an http(s) URL whose origin is in ALLOWED_ORIGINS (with `*`: the request's own Origin); otherwise a short HTML page. A comment judged spam is answered exactly like a pending one. With ALLOWED_ORIGINS a list, a post whose Origin (or Referer) is another site's is refused: 403 `origin_not_allowed`. A form token serves one comment: sent again, it counts against the comment in the spam checks; two posts sent at once with one token, the second is answered 409 `form_token_used`.",
  request: { params: s.ArticleParam, body: bodyOf(s.SubmissionSchema, true) },
  responses: {
    201: json(s.OwnComment, 'Created (approved or pending)'),
    303: { description: 'Back to the article page (form posts)' },
    400: problems[400], 403: problems[403], 404: problems[404], 409: problems[409],
    413: problems[413], 415: problems[415], 422: problems[422], 429: problems[429],
  },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/articles/{articleId}/comments',
  summary: 'Read the approved thread',
  description: 'Top-level comments paginated by an opaque cursor, each with its approved replies nested. ETag / If-None-Match → 304.',
  request: { params: s.ArticleParam, query: s.ThreadQuery },
  responses: { 200: json(s.Thread), 304: { description: 'Not modified' }, 422: problems[422] },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/articles/{articleId}/form',
  summary: 'Get a form token and the honeypot field name',
  description: 'Send `token` back with the submission and leave the honeypot field empty. A token serves one comment: fetch one each time the form is shown (not cacheable).',
  request: { params: s.ArticleParam },
  responses: {
    200: json(z.object({ token: z.string(), honeypot: z.string(), minSeconds: z.number().int() })),
    422: problems[422],
  },
});
registry.registerPath({
  method: 'get',
  path: '/api/v1/counts',
  summary: 'Approved comment counts for up to 100 articles',
  request: { query: z.object({ article: z.union([s.ArticleId, z.array(s.ArticleId).max(100)]) }) },
  responses: { 200: json(s.Counts), 422: problems[422] },
});
registry.registerPath({
  method: 'patch',
  path: '/api/v1/comments/{id}',
  summary: "Edit one's own comment within the edit window",
  security: [{ editToken: [] }],
  request: { params: IdParam, body: bodyOf(s.editSchema(5000), true) },
  responses: { 200: json(s.OwnComment.pick({ comment: true })), 401: problems[401], 403: problems[403], 404: problems[404], 422: problems[422] },
});
registry.registerPath({
  method: 'delete',
  path: '/api/v1/comments/{id}',
  summary: "Withdraw one's own comment within the edit window",
  description: 'Its replies stay: they move up to its parent.',
  security: [{ editToken: [] }],
  request: { params: IdParam },
  responses: { 204: { description: 'Withdrawn' }, 401: problems[401], 403: problems[403], 404: problems[404] },
});
registry.registerPath({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database check',
  responses: { 200: json(z.object({ status: z.literal('ok') })), 503: problem('Database unavailable') },
});

export function openApiDocument() {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Tamis',
      version: '1',
      description: 'Comment moderation service. Errors are RFC 9457 problem+json with a stable `code`.',
    },
  });
}
