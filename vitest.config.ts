import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['e2e/**', 'test/browser/**', 'test/oracle/**', 'node_modules/**', 'dist/**'],
    testTimeout: 20_000,
  },
});
