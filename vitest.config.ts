import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const harness = (file: string) => here(`./tests/harness/${file}`);

export default defineConfig({
  test: {
    projects: [
      {
        // Unit tests and the API suite against real libSQL.
        resolve: { alias: { '@harness': harness('node.ts') } },
        test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/workers/**'] },
      },
      {
        // The same API suite inside workerd against D1 (tests/harness/worker.ts), plus the Workers entry.
        resolve: { alias: { '@harness': harness('worker.ts') } },
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: here('./wrangler.toml') },
            miniflare: {
              bindings: { TEST_MIGRATIONS: await readD1Migrations(here('./migrations')) },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['tests/api/**/*.test.ts', 'tests/workers/**/*.test.ts'],
          // A webhook receiver and an SMTP server in Node, for the Worker's outbox and email.
          globalSetup: [here('./tests/workers/peers.global.ts')],
          // Fails a test whose requests cross a D1 limit of the Paid plan (statements, parameters, SQL size).
          setupFiles: [here('./tests/workers/limits.setup.ts')],
          // A request costs 2-3 times as much here (each D1 query is a call to miniflare's D1 object):
          // the property-based suites need more than the default 5 s when both projects share 2 cores.
          testTimeout: 20_000,
        },
      },
    ],
  },
});
