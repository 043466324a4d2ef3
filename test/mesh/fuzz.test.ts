import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { AnalyzeReport } from '../../src/cli/analyze-report.js';
import { runAnalyze } from './cli-io.js';

/**
 * `simulateRollout` is pure and deterministic: memoising it by its input keeps every result identical and lets
 * 10,000 cases run in seconds (most mutations leave the Rollout unchanged).
 */
vi.mock('../../src/rollout/simulate.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/rollout/simulate.js')>();
  const memo = new Map<string, ReturnType<typeof original.simulateRollout>>();
  return {
    ...original,
    simulateRollout: (rollout: Parameters<typeof original.simulateRollout>[0]) => {
      const key = JSON.stringify(rollout);
      const cached = memo.get(key) ?? original.simulateRollout(rollout);
      memo.set(key, cached);
      return structuredClone(cached);
    },
  };
});

/** Objects of an example directory, as plain data to mutate. */
function exampleObjects(name: string): unknown[] {
  const dir = new URL(`../../examples/${name}/`, import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d) => d.toJS() as unknown));
}

const BASES = [exampleObjects('broken-mesh'), exampleObjects('fixed-mesh')];

const VALUES = [
  -1,
  0,
  1,
  3,
  10,
  50,
  100,
  101,
  1e9,
  0.5,
  '',
  'x',
  '*',
  'mesh',
  '25%',
  null,
  true,
  [],
  {},
  ['*'],
  ['mesh'],
  [{}],
];
const PATHS = [
  'spec.replicas',
  'spec.strategy.canary.steps',
  'spec.strategy.canary.steps.0.setWeight',
  'spec.strategy.canary.steps.1',
  'spec.strategy.canary.dynamicStableScale',
  'spec.strategy.canary.trafficRouting.istio.virtualService',
  'spec.strategy.canary.trafficRouting.istio.virtualServices',
  'spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName',
  'spec.strategy.canary.canaryService',
  'spec.template.metadata.labels',
  'spec.selector.matchLabels.app',
  'spec.gateways',
  'spec.hosts',
  'spec.exportTo',
  'spec.http.0.route.1.weight',
  'spec.http.0.route.0.destination.host',
  'spec.http.0.match',
  'spec.http',
  'spec.subsets',
  'spec.subsets.0.labels',
  'spec.host',
  'spec.selector',
  'spec',
  'metadata.name',
  'metadata.namespace',
  'metadata.labels',
  'kind',
  'apiVersion',
];

type Mutation = { target: number; path: string; value: unknown; remove: boolean };

function mutate(objects: unknown[], mutation: Mutation): void {
  const target = objects[mutation.target % objects.length];
  const keys = mutation.path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== 'object' || node === null) return;
  const last = keys[keys.length - 1]!;
  if (mutation.remove) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = structuredClone(mutation.value);
}

const mutationArb = fc.record({
  target: fc.nat(),
  path: fc.constantFrom(...PATHS),
  value: fc.constantFrom(...VALUES),
  remove: fc.boolean(),
});

const caseArb = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  mutations: fc.array(mutationArb, { maxLength: 4 }),
  drop: fc.option(fc.nat(), { nil: undefined }),
});

/** `file:line: Kind/ns/name: field: message`, `Kind/ns/name: field: message`, or a flag/usage message. */
const NAMES_A_FIELD = /(\w+\/[\w.-]*\/?[\w.-]*: [\w.[\]-]+: )|(^truesplit analyze: )|(<stdin>)/m;

describe('fuzz: truesplit analyze on mutated manifests', () => {
  it('never crashes; exit 2 names the field; exit 0/1 prints a well-formed report', async () => {
    let invalid = 0;
    let analysed = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ base, mutations, drop }) => {
        const objects = structuredClone(BASES[base]!);
        for (const m of mutations) mutate(objects, m);
        if (drop !== undefined) objects.splice(drop % objects.length, 1);
        const text = objects.map((o) => JSON.stringify(o)).join('\n---\n');
        const { code, stdout, stderr } = await runAnalyze(['-f', '-', '-o', 'json'], text);
        expect([0, 1, 2]).toContain(code);
        if (code === 2) {
          invalid++;
          expect(stdout).toBe('');
          expect(stderr).toMatch(NAMES_A_FIELD);
          return;
        }
        analysed++;
        const report = JSON.parse(stdout) as AnalyzeReport;
        for (const r of report.rollouts) {
          for (const s of r.steps) {
            for (const p of s.paths) {
              if (p.canaryShare !== null) expect(p.canaryShare).toBeGreaterThanOrEqual(0);
              if (p.canaryShare !== null) expect(p.canaryShare).toBeLessThanOrEqual(1 + 1e-9);
            }
          }
        }
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 10_000), seed: 20261128 },
    );
    expect(invalid).toBeGreaterThan(0);
    expect(analysed).toBeGreaterThan(0);
  }, 120_000);
});
