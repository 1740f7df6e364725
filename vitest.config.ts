import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const harness = (file: string) => fileURLToPath(new URL(`./tests/harness/${file}`, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        // Unit tests and the API suite against real libSQL.
        resolve: { alias: { '@harness': harness('node.ts') } },
        test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/workers/**'] },
      },
    ],
  },
});
