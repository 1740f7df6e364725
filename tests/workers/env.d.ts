/// <reference types="@cloudflare/vitest-pool-workers/types" />

// Test-only bindings that vitest.config.ts adds to the `workers` project (not part of wrangler.toml).
declare namespace Cloudflare {
  interface Env {
    /** The migrations of migrations/, read in Node by `readD1Migrations` and applied per test. */
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
