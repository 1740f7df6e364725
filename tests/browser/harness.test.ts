import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from './harness';

let site: Site;
beforeAll(async () => {
  site = await startSite();
}, 60_000);
afterAll(() => site?.close());

describe('the browser harness', () => {
  it('serves a page on another origin to Chromium, which reaches Tamis through the proxy with a desktop user agent', async () => {
    const url = site.page('/probe.html', '<!doctype html><html lang="en"><title>probe</title><h1>probe</h1>');
    const page = await site.newPage();
    await page.goto(url);
    expect(await page.title()).toBe('probe');
    const answer = await page.evaluate(
      async (api) => (await fetch(`${api}/api/v1/counts?article=a1`)).json(),
      site.api,
    );
    expect(answer).toEqual({ counts: { a1: 0 } });
    expect(await page.evaluate(() => navigator.userAgent)).not.toMatch(/Headless/);
    expect(new URL(site.pages).origin).not.toBe(new URL(site.api).origin);
  });
});
