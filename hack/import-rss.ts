/**
 * What importing modules costs in memory: RSS and V8 heap before and after `import()` of each specifier (comma-
 * separated, imported in order), after two forced GCs. Compare the differences: the first figure includes what
 * stripping this file's types costs. The figures of ADR 0245 come from it, run per specifier:
 *
 *   node --expose-gc [--max-semi-space-size=2] hack/import-rss.ts @kubernetes/client-node
 *   node --expose-gc hack/import-rss.ts ./dist/kube/client-node.js
 *   node --expose-gc hack/import-rss.ts ./dist/cli/registry.js
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
const specifiers = (process.argv[2] ?? '').split(',').filter((s) => s !== '');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const before = process.memoryUsage().rss;
const started = performance.now();
for (const s of specifiers) await import(s.startsWith('.') ? pathToFileURL(resolve(s)).href : s);
const ms = performance.now() - started;
gc();
gc();
const m = process.memoryUsage();
console.log(
  `${specifiers.join(', ') || '(nothing)'}: RSS ${mib(before)} → ${mib(m.rss)} MiB, heap used ${mib(m.heapUsed)} ` +
    `of ${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB, ${ms.toFixed(0)} ms`,
);
