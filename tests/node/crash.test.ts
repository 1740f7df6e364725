import { describe, expect, it } from 'vitest';
import { runCrashTest } from './crash';

// One short round here; `npm run test:crash` runs several longer ones and prints the figures.
describe('kill -9 in the middle of a stream of submissions', () => {
  it('loses no comment that was answered 201, and the file stays intact', async () => {
    const figures = await runCrashTest({ rounds: 1, clients: 12, killAfterMs: [800, 1500] });
    expect(figures.totals.acknowledged).toBeGreaterThan(20);
    expect(figures.totals.serverErrors).toBe(0);
    expect(figures.totals.missing).toBe(0);
    expect(figures.totals.found).toBe(figures.totals.acknowledged);
    expect(figures.integrity).toBe('ok');
    expect(figures.ok).toBe(true);
  }, 60_000);
});
