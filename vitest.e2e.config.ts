import { defineConfig } from 'vitest/config';

// e2e tests run against a real local control plane (see docs/real-cluster.md):
// one file at a time, with timeouts that cover a cold start on 2 cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
  },
});
