import { describe, expect, it } from 'vitest';
import { setup } from '@harness';

/**
 * The moderation desk as the server sends it (the browser tests, tests/browser/desk.test.ts, drive
 * it): a page holding no data, its script from the same origin, a strict CSP, nothing cached.
 */
describe('the moderation desk', () => {
  it('GET /admin: the page, no-store, a CSP with neither unsafe-inline nor unsafe-eval, the script from this origin', async () => {
    const t = await setup();
    const res = await t.request('/admin');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const html = await res.text();
    expect(html).toMatch(/<script src="\/admin\/desk\.js" defer><\/script>/);
    // No inline script, nothing from another host.
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The inline style sheet is the one the CSP allows.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const digest = btoa(
      String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(style)))),
    );
    expect(csp).toContain(`'sha256-${digest}'`);
  });

  it('speaks French when the browser prefers it', async () => {
    const t = await setup();
    expect(
      await (await t.request('/admin', { headers: { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' } })).text(),
    ).toMatch(/<html lang="fr">/);
    expect(await (await t.request('/admin', { headers: { 'Accept-Language': 'en-GB' } })).text()).toMatch(
      /<html lang="en">/,
    );
  });

  it('GET /admin/desk.js: the script, same-origin only, no-store', async () => {
    const t = await setup();
    const res = await t.request('/admin/desk.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    const js = await res.text();
    expect(js).toContain('sessionStorage');
    expect(js).not.toContain('localStorage');
    expect(js).not.toMatch(/document\.cookie|innerHTML/);
  });
});
