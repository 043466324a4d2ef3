import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runTruesplit } from './harness.js';

interface RenderedStep {
  index: number;
  canaryWeight: number;
  objects: { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[];
}
interface RenderedReport {
  rollouts: { rollout: string; steps: RenderedStep[] }[];
}

async function renderJson(example: string): Promise<RenderedReport> {
  const run = await runTruesplit(['simulate', '-f', `examples/${example}`, '--render', '-o', 'json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as RenderedReport;
}

type Route = { destination: { host: string; subset?: string }; weight?: number };
type Http = { name?: string; route: Route[] };

/** Weight of the route whose destination is the canary, in the first VirtualService route named `primary`. */
function canaryRouteWeight(step: RenderedStep, isCanary: (d: Route['destination']) => boolean): number {
  const vs = step.objects.find((o) => o.kind === 'VirtualService');
  const http = (vs?.spec['http'] as Http[] | undefined)?.find((h) => h.name === 'primary');
  return http?.route.find((r) => isCanary(r.destination))?.weight ?? 0;
}

describe('truesplit simulate --render (golden)', () => {
  it.each(
    ['istio-subset', 'istio-host'].flatMap((example) =>
      ['json', 'yaml'].map((format) => ({ example, format })),
    ),
  )('$example -o $format', async ({ example, format }) => {
    const run = await runTruesplit(['simulate', '-f', `examples/${example}`, '--render', '-o', format]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    await expect(run.stdout).toMatchFileSnapshot(`../golden/cli/simulate-render-${example}.${format}`);
  });
});

describe('truesplit simulate --render', () => {
  it.each([
    {
      name: 'subset-level: canary subset weight',
      example: 'istio-subset',
      kinds: ['VirtualService', 'DestinationRule'],
      isCanary: (d: Route['destination']) => d.subset === 'canary',
    },
    {
      name: 'host-level: canary Service weight',
      example: 'istio-host',
      kinds: ['VirtualService'],
      isCanary: (d: Route['destination']) => d.host.startsWith('payments-canary'),
    },
  ])('$name follows every step, final step all stable', async ({ example, kinds, isCanary }) => {
    const report = await renderJson(example);
    const steps = report.rollouts[0]!.steps;
    for (const step of steps) {
      expect(step.objects.map((o) => o.kind)).toEqual(kinds);
      expect(canaryRouteWeight(step, isCanary)).toBe(step.canaryWeight);
    }
    expect(steps.at(-1)?.canaryWeight).toBe(0);
  });

  it('pins the DestinationRule subsets to the canary and stable pod-template hashes', async () => {
    const report = await renderJson('istio-subset');
    const [first, last] = [report.rollouts[0]!.steps[0]!, report.rollouts[0]!.steps.at(-1)!];
    const hashes = (step: RenderedStep) =>
      (
        step.objects.find((o) => o.kind === 'DestinationRule')?.spec['subsets'] as {
          name: string;
          labels: Record<string, string>;
        }[]
      ).map((s) => [s.name, s.labels['rollouts-pod-template-hash']]);
    const [canarySubset, stableSubset] = hashes(first);
    const canaryAtStart = canarySubset?.[1];
    const stableAtStart = stableSubset?.[1];
    expect(canaryAtStart).toMatch(/^[0-9a-z]+$/);
    expect(canaryAtStart).not.toBe(stableAtStart);
    // Promoted: both subsets select the new revision.
    expect(hashes(last)).toEqual([
      ['canary', canaryAtStart],
      ['stable', canaryAtStart],
    ]);
  });

  it('-o yaml: one commented block per step; the documents are the objects of -o json', async () => {
    const report = await renderJson('istio-subset');
    const run = await runTruesplit(['simulate', '-f', 'examples/istio-subset', '--render']);
    expect(run.code).toBe(0);
    const docs = parseAllDocuments(run.stdout);
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    const expected = report.rollouts.flatMap((r) => r.steps.flatMap((s) => s.objects));
    expect(docs.map((d) => d.toJS() as unknown)).toEqual(expected);
    const headers = [...run.stdout.matchAll(/^# Rollout (\S+), step (\d+) of (\d+): (.+)$/gm)];
    expect(headers.map((m) => `${m[1]} ${m[2]}/${m[3]} ${m[4]}`)).toEqual([
      'shop/checkout 0/4 setWeight 10',
      'shop/checkout 1/4 pause',
      'shop/checkout 2/4 setWeight 50',
      'shop/checkout 3/4 pause 30s',
      'shop/checkout 4/4 promoted',
    ]);
  });

  it('a Rollout without traffic routing renders no object, and says so', async () => {
    const json = await renderJson('basic');
    expect(json.rollouts[0]!.steps.every((s) => s.objects.length === 0)).toBe(true);
    const yaml = await runTruesplit(['simulate', '-f', 'examples/basic', '--render', '-o', 'yaml']);
    expect(parseAllDocuments(yaml.stdout)).toHaveLength(0);
    expect(yaml.stdout).toContain('# no VirtualService or DestinationRule to write');
  });

  it('--render -o table is a usage error', async () => {
    const run = await runTruesplit(['simulate', '-f', 'examples/istio-subset', '--render', '-o', 'table']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('flag --render prints objects: use it with -o yaml (manifests) or -o json');
  });
});
