import { defineConfig } from 'vitest/config';

/**
 * `npm run test:oracle`: the path model against Istio's own config generation (hack/istio-oracle), and the observed
 * split on the real control plane from traffic that follows the oracle's routes (needs the control plane binaries
 * and Prometheus, as the e2e suite). One file at a time: both are heavy.
 */
export default defineConfig({
  test: {
    include: ['test/oracle/**/*.test.ts', 'e2e/**/*.oracle.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 3_600_000,
    teardownTimeout: 60_000,
  },
});
