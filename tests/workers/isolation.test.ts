import { describe, expect, it } from 'vitest';
import { setup } from '../harness/worker';
import { postOk, thread } from '../harness/client';

// The API tests rely on every `setup()` giving a fresh database; vitest-pool-workers only isolates
// storage per file, so the worker harness resets D1. These tests run in order and would fail if
// rows leaked from one to the next.
describe('worker harness isolation', () => {
  it('a first test writes rows', async () => {
    const t = await setup();
    await postOk(t, 'shared-article');
    await postOk(t, 'shared-article');
    expect((await thread(t, 'shared-article')).total).toBe(2);
  });

  it('the next test does not see them', async () => {
    const t = await setup();
    expect((await thread(t, 'shared-article')).total).toBe(0);
    await postOk(t, 'shared-article');
    expect((await thread(t, 'shared-article')).total).toBe(1);
  });
});
