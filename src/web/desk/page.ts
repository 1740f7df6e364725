import { html } from 'hono/html';
import type { Lang } from '../../http/i18n';

/**
 * The desk's page: a shell the client script (/admin/desk.js) fills in. Nothing in it depends on
 * the moderator: the token lives in the browser's sessionStorage and every figure comes from the
 * admin API. The style sheet is inline (allowed by its hash), the script from the same origin.
 */
export function deskPage(lang: Lang, css: string) {
  const title = lang === 'fr' ? 'Tamis · modération' : 'Tamis · moderation';
  const loading = lang === 'fr' ? 'Chargement…' : 'Loading…';
  const noScript =
    lang === 'fr' ? 'Le bureau de modération a besoin de JavaScript.' : 'The moderation desk needs JavaScript.';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${css}</style>
<script src="/admin/desk.js" defer></script>
</head>
<body>
<div id="desk" data-lang="${lang}"><p>${loading}</p></div>
<noscript><p>${noScript}</p></noscript>
</body>
</html>`;
}
