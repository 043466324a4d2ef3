import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Builds the dashboard UI into dist/dashboard/web, served by src/dashboard/server.ts. Offline: no CDN. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/dashboard/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
