import { defineConfig } from 'vitest/config';

/** `npm run test:oracle`: the path model against Istio's own config generation (hack/istio-oracle). */
export default defineConfig({
  test: {
    include: ['test/oracle/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 3_600_000,
  },
});
