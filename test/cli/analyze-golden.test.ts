/**
 * `truesplit analyze -f` byte for byte: the examples and a generated mesh (the bench's input, smaller), in every
 * format. Any change to the input path (parsing, validation, simulation, analysis, rendering) that is meant to be a
 * pure speed-up must leave these files unchanged.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMeshSnapshot, meshManifests } from '../fixtures/mesh-generator.js';
import { runTruesplit } from './harness.js';

const FORMATS = [
  { format: 'table', extension: 'txt' },
  { format: 'json', extension: 'json' },
  { format: 'yaml', extension: 'yaml' },
] as const;

let meshDir = '';

beforeAll(async () => {
  meshDir = await mkdtemp(join(tmpdir(), 'truesplit-analyze-golden-'));
  const manifests = meshManifests(generateMeshSnapshot(8, 3));
  await writeFile(join(meshDir, 'mesh.yaml'), manifests.map((o) => stringify(o)).join('---\n'));
});

afterAll(async () => {
  await rm(meshDir, { recursive: true, force: true });
});

describe('truesplit analyze -f (golden)', () => {
  const inputs = [
    { name: 'broken-mesh', path: () => 'examples/broken-mesh', code: 1 },
    { name: 'generated-mesh', path: () => meshDir, code: 1 },
  ];
  it.each(inputs.flatMap((input) => FORMATS.map((f) => ({ ...input, ...f }))))(
    '$name -o $format',
    async ({ name, path, code, format, extension }) => {
      const run = await runTruesplit(['analyze', '-f', path(), '-o', format]);
      expect(run.code).toBe(code);
      await expect(run.stdout).toMatchFileSnapshot(`../golden/cli/analyze-${name}.${extension}`);
      await expect(run.stderr).toMatchFileSnapshot(`../golden/cli/analyze-${name}.${extension}.stderr`);
    },
  );
});
