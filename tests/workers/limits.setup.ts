import { afterEach, expect } from 'vitest';
import { overPaid, takeMeasured } from '../harness/worker';

/**
 * Every test of the `workers` project (the API suite in workerd included): no request the harness
 * sent may cross a limit of the Paid plan (1,000 statements, 100 bound parameters, 100 KB of SQL;
 * src/entry/worker-limits.ts). The local D1 enforces none of them; production would refuse the request.
 */
afterEach(async () => {
  expect(overPaid(await takeMeasured()), 'requests over the Paid plan limits of D1').toEqual([]);
});
