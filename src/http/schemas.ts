import { z } from '@hono/zod-openapi';
import type { PublicCommentShape } from '../services/public';
import { LENGTH_CAPS, SETTINGS_DEFAULTS } from '../settings';
import { isHttpUrl } from '../links';
import { isPrintable, normalizeLine, normalizeMultiline } from '../text';

/**
 * The HTTP contract: what clients send and what they get back. Kept apart from the tables;
 * the OpenAPI document is generated from these schemas.
 */

export const asText = (normalize: (s: string) => string) => (v: unknown) => (typeof v === 'string' ? normalize(v) : v);

/**
 * How many times its limit a text field may be long as sent. A longer one is refused (422, "Must
 * be at most {max} characters", as any text over the limit) without being normalized, so the work
 * done on a field follows its limit, not the 64 KiB body. The limit itself is checked after
 * normalization, which can shorten a legitimate text a lot: CRLF line endings become LF, trailing
 * spaces and invisible characters go, NFC composes decomposed letters (Vietnamese in NFD spends up
 * to three code units on a letter). Four times the limit leaves room for all of that together.
 * This is a bound on work, not the defence: every normalization step is linear on any input
 * (tests/unit/linear.test.ts), as it must be with a limit up to 50,000 under a 64 KiB body.
 */
export const RAW_LENGTH_FACTOR = 4;

/** asText for a field of at most `max` characters: a string over RAW_LENGTH_FACTOR × max is passed on as sent, for the length check to refuse. */
export const boundedText = (normalize: (s: string) => string, max: number) => (v: unknown) =>
  typeof v === 'string' && v.length <= RAW_LENGTH_FACTOR * max ? normalize(v) : v;

/** Absent, null and blank all mean "not given" for optional fields (HTML forms send blanks). */
export const blankToUndefined = (v: unknown) =>
  v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v;

export const ArticleId = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => isPrintable(s) && s.trim() === s, { params: { key: 'invalid_id' } })
  .describe('Article identifier chosen by the publisher, percent-encoded in paths (e.g. 2026%2F09%2Fnvidia-openai).');

/** An article's title, as an admin or an importer sets it (one line). */
export const ARTICLE_TITLE_MAX = 300;
/** An article's address: an absolute http(s) URL. */
export const ARTICLE_URL_MAX = 2000;

export const ArticleParam = z.object({ articleId: ArticleId });

export const CommentId = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => /^[A-Za-z0-9_-]+$/.test(s), { params: { key: 'invalid_id' } });

/**
 * Texts whose limit is a site setting. The route checks the cap the setting cannot exceed
 * (LENGTH_CAPS), the service the site's own limit (services/limits.ts); the document gives the default.
 */
const limitedText = (
  normalize: (s: string) => string,
  limit: keyof typeof LENGTH_CAPS,
  max: number,
  description: string,
) =>
  z.preprocess(boundedText(normalize, max), z.string().min(1).max(max)).openapi({
    maxLength: SETTINGS_DEFAULTS[limit],
    description: `${description} At most ${limit} characters: ${SETTINGS_DEFAULTS[limit]} unless the site changed it (up to ${LENGTH_CAPS[limit]}).`,
  });

export const authorField = (max: number = LENGTH_CAPS.maxAuthorLength) =>
  limitedText(normalizeLine, 'maxAuthorLength', max, 'Display name, shown publicly.');
export const contentField = (max: number = LENGTH_CAPS.maxContentLength) =>
  limitedText(
    normalizeMultiline,
    'maxContentLength',
    max,
    'Plain text; blank lines separate paragraphs, http(s) URLs become links.',
  );
export const AuthorField = authorField();
export const ContentField = contentField();

const email = z
  .preprocess(
    asText((s) => s.trim()),
    z.email().max(254),
  )
  .describe('Never published, never returned by the public API; stored encrypted.');
const website = z
  .preprocess(
    (v) => blankToUndefined(typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .max(200)
      .refine(isHttpUrl, { params: { key: 'invalid_url' } })
      .optional(),
  )
  .describe('An http(s) address; other schemes are refused.');

/** A comment as posted, its texts within these limits (the route's: LENGTH_CAPS). */
export function submissionSchema(limits: { maxAuthorLength: number; maxContentLength: number } = LENGTH_CAPS) {
  return z
    .object({
      author: authorField(limits.maxAuthorLength),
      email,
      website,
      content: contentField(limits.maxContentLength),
      parentId: z
        .preprocess(blankToUndefined, CommentId.optional())
        .describe('Id of the approved comment this one answers.'),
      token: z
        .preprocess(blankToUndefined, z.string().max(1000).optional())
        .describe('The form token from GET …/form.'),
      notify: z
        .preprocess(
          (v) =>
            v === 'on' || v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : blankToUndefined(v),
          z.boolean().optional(),
        )
        .describe(
          'Email me replies to this comment (a checkbox, unticked by default; a form sends `on`). Only when the site sends email (GET …/form says `notify: true`): the first time, the address gets one confirmation email, and nothing else until the link in it is opened. The answer is the same whether the address is subscribed already or not.',
        ),
    })
    .describe('Also the honeypot field, named by GET …/form (`hp` unless the site changed it): sent empty.');
}

export const SubmissionSchema = submissionSchema().openapi('Submission', {
  example: {
    author: 'Camille',
    email: 'camille@exemple.fr',
    content: 'Très bon article, merci.',
    token: '<the token from GET …/form>',
  },
});

export const EditSchema = z
  .object({ content: ContentField })
  .openapi({ example: { content: 'Très bon article, merci pour les sources.' } });

// ---- Responses -------------------------------------------------------------------------------

const PublicAuthor = z.object({
  name: z.string(),
  website: z.string().nullable(),
  avatar: z.string().nullable().describe('null unless the site opted in to Gravatar (AVATARS=gravatar).'),
  staff: z.boolean().describe('True for a reply written by the site’s moderators.'),
});

const PublicComment: z.ZodType<PublicCommentShape> = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    author: PublicAuthor,
    content: z.string(),
    html: z.string().describe('content rendered as safe HTML'),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    get replies() {
      return z.array(PublicComment);
    },
  })
  .meta({ id: 'PublicComment' }); // named: it is recursive, so the document refers to it by name

export const OwnComment = z.object({
  comment: z.object({
    id: z.string(),
    parentId: z.string().nullable(),
    author: PublicAuthor,
    content: z.string(),
    html: z.string(),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    replies: z.array(PublicComment),
    status: z
      .enum(['approved', 'pending'])
      .describe('pending: waiting for a moderator (spam is answered the same way).'),
  }),
  editToken: z.string().describe('Bearer token to edit or withdraw the comment within the edit window.'),
  editableUntil: z.iso.datetime(),
});

export const Thread = z.object({
  articleId: z.string(),
  title: z.string().nullable().describe("The article's title, when an admin or an import set it."),
  url: z.string().nullable().describe("The article's address, when an admin or an import set it."),
  total: z.number().int().describe('Approved comments of the article, replies included.'),
  comments: z.array(PublicComment),
  nextCursor: z.string().nullable(),
});

export const Counts = z.object({ counts: z.record(z.string(), z.number().int()) });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable machine-readable error code.'),
    detail: z.string().optional(),
    errors: z.record(z.string(), z.string()).optional().describe('Message per failing field.'),
  })
  .meta({ id: 'Problem' });
