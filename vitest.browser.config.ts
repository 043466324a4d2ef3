import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the dashboard in headless Chromium (Debian's /usr/bin/chromium) against the sandbox. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    globalSetup: ['test/browser/build-ui.ts'],
    env: { TRUESPLIT_BROWSER_TESTS: '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
