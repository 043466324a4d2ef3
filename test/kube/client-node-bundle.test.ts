/**
 * The build's client-node bundle (hack/bundle-client-node.ts, ADR 0245): built from a re-export like
 * src/kube/client-node.ts, it exports working client-node classes, leaves out the API groups nothing names, keeps
 * client-node's dependencies as imports, and is not rebuilt once built.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleClientNode, externalImports } from '../../hack/bundle-client-node.js';

const ROOT = join(import.meta.dirname, '../..');
// Inside the repository, so the bundle's imports resolve from node_modules as dist/'s do.
const DIST = join(ROOT, '.cache/test-client-node-bundle');

afterAll(() => rmSync(DIST, { recursive: true, force: true }));

describe('externalImports', () => {
  it.each([
    {
      name: 'default and named imports',
      code: 'import a from "undici";\nimport { b } from "js-yaml";',
      want: ['undici', 'js-yaml'],
    },
    {
      name: 'namespace and side-effect imports',
      code: "import * as y from 'ws';\nimport 'tar-fs';",
      want: ['ws', 'tar-fs'],
    },
    {
      name: "Node's built-ins, with and without node:",
      code: 'import fs from "node:fs";\nimport { URL } from "url";',
      want: [],
    },
    {
      name: 'relative imports and repeats',
      code: 'import a from "./a.js";\nimport b from "ws";\nimport c from "ws";',
      want: ['ws'],
    },
  ])('$name', ({ code, want }) => {
    expect(externalImports(code)).toEqual(want);
  });
});

describe('bundleClientNode', () => {
  it('bundles only what the re-export reaches, and the classes work', { timeout: 180_000 }, async () => {
    const target = join(DIST, 'kube/client-node.js');
    mkdirSync(join(DIST, 'kube'), { recursive: true });
    writeFileSync(target, "export { CoreV1Api, KubeConfig } from '@kubernetes/client-node';\n");
    await bundleClientNode(DIST);
    const code = readFileSync(target, 'utf8');
    expect([/\bObservableCoreV1Api\b/.test(code), /\bObservableStorageV1Api\b/.test(code)]).toEqual([
      true,
      false,
    ]);
    expect(externalImports(code)).toContain('undici');
    const { CoreV1Api, KubeConfig } = (await import(
      pathToFileURL(target).href
    )) as typeof import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false },
      { name: 'u', token: 't' },
    );
    expect(typeof kc.makeApiClient(CoreV1Api).readNamespace).toBe('function');
    const built = statSync(target).mtimeMs;
    await bundleClientNode(DIST);
    expect(statSync(target).mtimeMs).toBe(built);
  });
});
