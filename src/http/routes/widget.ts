import { createRoute, z } from '@hono/zod-openapi';
import { WIDGET_ETAG, WIDGET_JS } from '../../web/widget.generated';
import { router } from '../openapi';

/**
 * The reader's widget: the script a site adds under its articles (src/web/widget/, built by
 * scripts/build-widget.ts into a module of this bundle, so the Worker serves it too). A script needs
 * no CORS; its ETag is strong (the hash of its bytes), and it may be cached for an hour.
 */
export const widget = router();

const embed = createRoute({
  method: 'get',
  path: '/embed.js',
  summary: 'The comment widget',
  description:
    'The script a page adds to show an article’s thread and form (see the README, “Put comments on your site”). ETag / If-None-Match → 304; cached for an hour.',
  responses: {
    200: { description: 'The script', content: { 'text/javascript': { schema: z.string() } } },
    304: { description: 'Not modified' },
  },
});

widget.openapi(embed, (c) => {
  c.header('ETag', WIDGET_ETAG);
  c.header('Cache-Control', 'public, max-age=3600, stale-while-revalidate=86400');
  if (
    c.req
      .header('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(WIDGET_ETAG)
  )
    return c.body(null, 304);
  return c.body(WIDGET_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
});
