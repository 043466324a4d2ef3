import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import { loadManifests } from '../../src/manifests/loader.js';
import { validateManifests } from '../../src/manifests/validate.js';
import { istioSpecProblems } from '../../src/traffic/istio/spec-problems.js';

const ISTIO = 'spec.strategy.canary.trafficRouting.istio';

/** examples/istio-host (Rollout payments → VirtualService payments, route primary), with `edit` applied. */
async function hostExample(
  edit: (rollout: Rollout, vs: KubeObject & { spec: Record<string, unknown> }) => void,
) {
  const { objects } = await loadManifests(['examples/istio-host']);
  const copies = objects.map((o) => structuredClone(o.object));
  const rollout = copies.find((o) => o.kind === 'Rollout') as Rollout;
  const vs = copies.find((o) => o.kind === 'VirtualService') as KubeObject & {
    spec: Record<string, unknown>;
  };
  edit(rollout, vs);
  const loaded = objects.map((entry, i) => ({ ...entry, object: copies[i]! }));
  return { rollout, objects: copies, loaded };
}

const istio = (r: Rollout) => r.spec.strategy.canary!.trafficRouting!.istio!;

describe('istioSpecProblems: the route checks behind InvalidSpec and lint', () => {
  it.each([
    { name: 'valid example', edit: () => undefined, expected: [] as { field: string; message: RegExp }[] },
    {
      name: 'unknown HTTP route',
      edit: (r: Rollout) => (istio(r).virtualService!.routes = ['nope']),
      expected: [
        {
          field: `${ISTIO}.virtualService`,
          message:
            /^HTTP Route 'nope' is not found in the defined Virtual Service\. \(VirtualService\/payments\/payments/,
        },
      ],
    },
    {
      name: 'several references to one VirtualService: the first reference names it',
      edit: (r: Rollout) => {
        istio(r).virtualServices = [
          { name: 'payments', routes: ['primary'] },
          { name: 'payments', routes: ['x'] },
        ];
        delete istio(r).virtualService;
      },
      expected: [{ field: `${ISTIO}.virtualServices[0]`, message: /HTTP Route 'x' is not found/ }],
    },
    {
      name: 'missing VirtualService: left to validateRolloutContext',
      edit: (r: Rollout) => (istio(r).virtualService!.name = 'elsewhere'),
      expected: [],
    },
    {
      name: 'malformed route list: left to the shape checks',
      edit: (r: Rollout, vs: { spec: Record<string, unknown> }) => {
        istio(r).virtualService!.routes = ['nope'];
        vs.spec['http'] = -1;
      },
      expected: [],
    },
  ])('$name', async ({ edit, expected }) => {
    const { rollout, objects } = await hostExample(edit);
    const problems = istioSpecProblems(rollout, objects);
    expect(problems.map((p) => p.field)).toEqual(expected.map((e) => e.field));
    problems.forEach((p, i) => {
      expect(p.object).toBe('Rollout/payments/payments');
      expect(p.message).toMatch(expected[i]!.message);
    });
  });

  it('validateManifests (lint, simulate, analyze) reports it on the Rollout', async () => {
    const { rollout, loaded } = await hostExample((r) => (istio(r).virtualService!.routes = ['nope']));
    const { errors, rollouts } = validateManifests(loaded);
    expect(rollouts).toEqual([]);
    expect(errors.map((e) => [e.object, e.field])).toEqual([
      [`Rollout/payments/${rollout.metadata.name}`, `${ISTIO}.virtualService`],
    ]);
  });
});
