import { build } from 'vite';

/** Builds the dashboard UI into dist/dashboard/web before the browser suite runs. */
export default async function buildUi(): Promise<void> {
  await build({
    configFile: new URL('../../src/dashboard/web/vite.config.ts', import.meta.url).pathname,
    logLevel: 'warn',
  });
}
