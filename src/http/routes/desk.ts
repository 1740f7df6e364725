import { createRoute, z } from '@hono/zod-openapi';
import { deskPage } from '../../web/desk/page';
import { DESK_CSS, DESK_CSS_SHA256, DESK_JS, DESK_JS_SHA256 } from '../../web/desk.generated';
import { pickLanguage } from '../i18n';
import { router } from '../openapi';

/**
 * The moderation desk (src/web/desk/): a page and its script, served from the API's own origin so
 * that the script calls /api/v1/admin/* same-origin (those routes answer no other origin). The page
 * holds no data and needs no token; the script asks for one and keeps it in sessionStorage.
 */
export const desk = router();

/**
 * Only this origin's script and the page's own style sheet (by its hash); calls to this origin
 * only; no frames, forms posted nowhere, no <base>.
 */
const DESK_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'sha256-${DESK_CSS_SHA256}'`,
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const page = createRoute({
  method: 'get',
  path: '/admin',
  summary: 'The moderation desk',
  description:
    'A page for moderators (French or English, from Accept-Language): sign in with an admin token, the queue, decisions, settings, lists, tokens, articles, the audit log and statistics, through the admin API. Cache-Control: no-store, a strict Content-Security-Policy.',
  responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } } },
});
desk.openapi(page, async (c) => {
  const body = await deskPage(pickLanguage(c.req.header('accept-language')), DESK_CSS);
  return c.html(body, 200, {
    'Content-Security-Policy': DESK_CSP,
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    Vary: 'Accept-Language',
  });
});

const script = createRoute({
  method: 'get',
  path: '/admin/desk.js',
  summary: "The moderation desk's script",
  responses: { 200: { description: 'The script', content: { 'text/javascript': { schema: z.string() } } } },
});
desk.openapi(script, (c) =>
  c.body(DESK_JS, 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ETag: `"${DESK_JS_SHA256}"`,
  }),
);
