import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StepState } from '../../src/mesh/index.js';
import {
  analyzeSteps,
  emptySnapshot,
  endpointGroupsForRollout,
  withControllerState,
} from '../../src/mesh/index.js';
import { CANARY, dr, FQDN, gateway, injected, NS, rollout, service, STABLE, vs } from './fixtures.js';

const hostForms = [FQDN, 'istio-rollout', `*.${NS}.svc.cluster.local`];
const bindings: (string[] | undefined)[] = [
  undefined,
  ['mesh'],
  ['istio-rollout-gateway', 'mesh'],
  [`${NS}/istio-rollout-gateway`, 'mesh'],
];

const scenario = fc.record({
  replicas: fc.integer({ min: 1, max: 20 }),
  weights: fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }),
  host: fc.constantFrom(...hostForms),
  gateways: fc.constantFrom(...bindings),
  exportTo: fc.constantFrom<(string[] | undefined)[]>(undefined, ['*']),
  callers: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 4 }),
});

describe('property: a mesh-bound VS with matching hosts and injected callers ⇒ every routed path follows the weight', () => {
  it('holds at every step', () => {
    fc.assert(
      fc.property(scenario, ({ replicas, weights, host, gateways, exportTo, callers }) => {
        const ro = rollout({ replicas });
        const spec = { hosts: [host], ...(gateways ? { gateways } : {}), ...(exportTo ? { exportTo } : {}) };
        const base = {
          ...emptySnapshot(),
          namespaces: [injected(NS), ...callers.map(injected)],
          services: [service()],
          virtualServices: [vs('istio-rollout-vsvc', spec)],
          destinationRules: [dr()],
          gateways: [gateway()],
        };
        const steps: StepState[] = weights.map((w, index) => {
          const state = { rollout: ro, canaryWeight: w, canaryHash: CANARY, stableHash: STABLE };
          const rendered = withControllerState(base, state);
          const counts = { stable: replicas, canary: Math.ceil((replicas * w) / 100) };
          return {
            index,
            canaryWeight: w,
            canaryHash: CANARY,
            stableHash: STABLE,
            endpoints: endpointGroupsForRollout(ro, state, counts, base.namespaces),
            virtualServices: rendered.virtualServices,
            destinationRules: rendered.destinationRules,
          };
        });
        const result = analyzeSteps(base, ro, steps);
        for (const step of result.steps) {
          const routed = step.paths.filter((p) => p.kind !== 'plain');
          expect(routed.length).toBe(callers.length + 2 + (gateways && gateways.length > 1 ? 1 : 0));
          for (const p of routed) expect(p.canaryShare).toBeCloseTo(step.canaryWeight / 100, 9);
          expect(step.paths.filter((p) => p.kind === 'plain').map((p) => p.from)).toEqual(['*']);
        }
        expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
