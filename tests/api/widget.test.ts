import { describe, expect, it } from 'vitest';
import { setup } from '@harness';

/** GET /embed.js: the widget as a script, cacheable, with a strong ETag, from Node and from the Worker. */
describe('GET /embed.js', () => {
  it('is JavaScript, cached for an hour, with a strong ETag, and 304 when it has not changed', async () => {
    const t = await setup();
    const res = await t.request('/embed.js', { headers: { Origin: 'https://journal.example.fr' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript\b/);
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const code = await res.text();
    expect(code).toContain('data-tamis-thread');
    expect(code.length).toBeGreaterThan(1000);

    const again = await t.request('/embed.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await t.request('/embed.js', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
  });
});
