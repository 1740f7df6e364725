import { OpenAPIHono, type Hook, type RouteConfig, type z } from '@hono/zod-openapi';
import type { AppEnv } from '../deps';
import { tooLong, type LengthLimit } from '../services/limits';
import { loadSettings } from '../settings';
import { VERSION } from '../version';
import { invalidRequest, validationError, zodFields } from './errors';
import { MAX_BODY_BYTES } from './middleware/body';
import { AuthorField, ContentField, ProblemSchema } from './schemas';

/**
 * How routes are declared: each router is an OpenAPIHono, each route a `createRoute` declaration
 * (path, parameters, body, every answer, security) registered with `app.openapi(route, handler)`.
 * The declaration validates the request (a failure is the 422 of `invalidRequest`) and is the only
 * source of the document at /openapi.json.
 */

/** What was validated: hono's zod validator hands the input to the hook, failed or not. */
const inputOf = (result: { success: boolean }) => (result as unknown as { data: unknown }).data;

/** A failed validation of a declared part of the request: 422, `errors` naming every failing field. */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (!result.success) throw invalidRequest(result.error, inputOf(result));
};

/** The declared schema of each text a setting limits. */
const LIMITED: Record<LengthLimit, z.ZodType<string>> = {
  maxAuthorLength: AuthorField,
  maxContentLength: ContentField,
};

/**
 * The validation hook of a route whose body has texts limited by site settings (`path` in the
 * body). The declaration checks them against LENGTH_CAPS, the service against the site's limits
 * once the rest is valid. So that a 422 still names every failing field at once, a failure adds the
 * texts over the site's limit; a text over its cap is over that limit too, and is reported with it.
 */
export function limitedTexts(texts: { path: string[]; limit: LengthLimit }[]) {
  const hook: Hook<unknown, AppEnv, string, Promise<undefined>> = async (result, c) => {
    if (result.success) return undefined;
    const input = inputOf(result);
    const fields = zodFields(result.error, input);
    if (result.target === 'json' || result.target === 'form') {
      const settings = await loadSettings(c.var.deps);
      for (const { path, limit } of texts) {
        const name = path.join('.');
        const issue = fields[name];
        if (issue && issue.key !== 'too_long') continue;
        let value = input;
        for (const key of path)
          value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
        const text = LIMITED[limit].safeParse(value);
        if (issue || (text.success && text.data.length > settings[limit])) fields[name] = tooLong(settings, limit);
      }
    }
    throw validationError(fields);
  };
  // The route's handler types its hook's answers; this one never answers, it throws.
  return hook as never;
}

/** A router of declared routes. */
export const router = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Refusals, each an RFC 9457 problem; `code` tells them apart. */
export const problems = {
  400: problem('Malformed body or URL (`malformed_body`, `malformed_url`)'),
  401: problem('Missing or invalid bearer token'),
  403: problem('Not allowed'),
  404: problem('Not found'),
  409: problem('Conflict'),
  413: problem(`Body over ${MAX_BODY_BYTES / 1024} KiB`),
  415: problem('The body is neither application/json nor, where accepted, application/x-www-form-urlencoded'),
  422: problem('Validation failed: `errors` names every failing field'),
  429: problem('Too many requests: see Retry-After'),
  503: problem('The database does not answer'),
};

/** What every route with a body may answer before it is validated: unreadable, too large, another media type. */
export const bodyProblems = { 400: problems[400], 413: problems[413], 415: problems[415], 422: problems[422] };

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/**
 * A request body: JSON, and with `form` the same fields as an HTML form post. It is read by the
 * route's body middleware (middleware/body.ts), which refuses a request without one; so the document
 * marks every body required (openApiDocument). The declaration leaves `required` out: with two media
 * types, hono's zod-openapi then validates the one the request was sent as.
 */
export function body<T extends z.ZodType>(schema: T): { content: { 'application/json': { schema: T } } };
export function body<T extends z.ZodType>(
  schema: T,
  form: true,
): { content: { 'application/json': { schema: T }; 'application/x-www-form-urlencoded': { schema: T } } };
export function body<T extends z.ZodType>(schema: T, form = false) {
  return {
    content: { 'application/json': { schema }, ...(form ? { 'application/x-www-form-urlencoded': { schema } } : {}) },
  };
}

/** A moderator's route: the admin bearer token (checked for all of /api/v1/admin by requireAdmin), and its 401. */
export function adminRoute<R extends RouteConfig>(route: R) {
  return { ...route, security: [{ adminToken: [] }], responses: { ...route.responses, 401: problems[401] } } as R & {
    responses: R['responses'] & { 401: (typeof problems)[401] };
  };
}

/** The OpenAPI 3.1 document of an app, from its route declarations. */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An admin token (`tamis_…`): printed at first start, set by ADMIN_TOKEN, or made with POST /api/v1/admin/tokens.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'editToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The `editToken` the comment was posted with; valid within the edit window.',
  });
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Tamis',
      version: VERSION,
      description:
        'Comment moderation service. Errors are RFC 9457 problem+json with a stable `code`. Limits that are site settings (lengths of the author and the text) are described by their defaults; GET /api/v1/admin/settings gives those in force. Any route may also answer 400 `malformed_url` for a path that is not valid percent-encoding, and 503 `unavailable` (with Retry-After) when the database stays busy.',
    },
  });
  // Every declared body is required: the body middleware refuses a request without one (415).
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, { requestBody?: { required?: boolean } }>)) {
      if (operation?.requestBody) operation.requestBody.required = true;
    }
  }
  return document;
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
