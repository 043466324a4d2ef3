/**
 * Replaces dist/kube/client-node.js — tsc's output, a re-export of @kubernetes/client-node — with a tree-shaken
 * bundle of the same exports. The package's index loads every generated API group and model (about 25 MB of
 * JavaScript, held in memory as source: ~30 MiB of the controller's resident set); the bundle keeps the code the
 * re-exported classes reach and nothing else (ADR 0245). client-node's own dependencies (undici, js-yaml, ws, …)
 * stay imports, resolved from node_modules as before; the script fails when one would resolve to another copy than
 * client-node's.
 *
 *   node hack/bundle-client-node.ts [dist-dir]    (run by `npm run build` after tsc)
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const PACKAGE = '@kubernetes/client-node';

/** Bare specifiers a bundle imports (`import … from "x"`, `import "x"`), without Node's built-ins. */
export function externalImports(code: string): string[] {
  const specifiers = [...code.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gm)].map(
    (m) => m[1]!,
  );
  return [...new Set(specifiers)].filter((s) => !isBuiltin(s) && !s.startsWith('.') && !s.startsWith('/'));
}

/** Each external import must resolve, from the bundle's folder, to the file client-node itself would load. */
function checkResolution(bundlePath: string, specifiers: string[]): void {
  const fromBundle = createRequire(bundlePath);
  const fromPackage = createRequire(fromBundle.resolve(`${PACKAGE}/package.json`));
  for (const specifier of specifiers) {
    const [ours, theirs] = [fromBundle.resolve(specifier), fromPackage.resolve(specifier)];
    if (ours !== theirs)
      throw new Error(`${bundlePath}: "${specifier}" resolves to ${ours}, but ${PACKAGE} uses ${theirs}`);
  }
}

export async function bundleClientNode(distDir: string): Promise<void> {
  const target = join(distDir, 'kube/client-node.js');
  if (!existsSync(target)) throw new Error(`${target} not found: run tsc -p tsconfig.build.json first`);
  if (!/from\s+['"]@kubernetes\/client-node['"]/.test(readFileSync(target, 'utf8'))) return; // already bundled
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'truesplit-client-node-'));
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      ssr: { noExternal: [PACKAGE] },
      build: {
        ssr: target,
        outDir,
        emptyOutDir: false,
        minify: false,
        sourcemap: false,
        target: 'node22',
        // A dependency nothing in the bundle uses (tar-fs, stream-buffers: kubectl cp) is not imported.
        rolldownOptions: {
          treeshake: { moduleSideEffects: 'no-external' },
          output: { format: 'es', entryFileNames: 'client-node.js' },
        },
      },
    });
    const bundled = join(outDir, 'client-node.js');
    checkResolution(target, externalImports(readFileSync(bundled, 'utf8')));
    copyFileSync(bundled, target);
    rmSync(`${target}.map`, { force: true });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await bundleClientNode(resolve(process.argv[2] ?? join(dirname(import.meta.dirname), 'dist')));
}
