/**
 * The e2e suite's own checkers, without a cluster: the weight-invariant proof must flag what it claims to flag,
 * or a green crash-safety run proves nothing.
 */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../src/api/istio.ts';
import type { CanaryStep, Rollout } from '../src/api/rollout.ts';
import { parseRequestCounts } from './support/controller-process.ts';
import type { RecordedVersion } from './support/history.ts';
import { seededRandom } from './support/seeded-random.ts';
import { allowedCanaryWeight, weightViolations } from './support/weight-invariants.ts';

const STEPS: CanaryStep[] = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];

function rolloutAt(rv: number, index: number): RecordedVersion<Rollout> {
  const object: Rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'app' },
    spec: { strategy: { canary: { steps: STEPS } } },
    status: { currentStepIndex: index },
  };
  return { type: 'MODIFIED', resourceVersion: rv, at: 0, object };
}

function vsAt(rv: number, stable: number, canary: number): RecordedVersion<VirtualService> {
  const object = {
    kind: 'VirtualService',
    metadata: { name: 'app' },
    spec: {
      http: [
        {
          name: 'primary',
          route: [
            { destination: { host: 'app', subset: 'stable' }, weight: stable },
            { destination: { host: 'app', subset: 'canary' }, weight: canary },
          ],
        },
      ],
    },
  } as VirtualService;
  return { type: 'MODIFIED', resourceVersion: rv, at: 0, object };
}

describe('weightViolations', () => {
  const rollouts = [rolloutAt(10, 0), rolloutAt(20, 1), rolloutAt(30, 2), rolloutAt(40, 4)];
  it.each([
    { name: 'step 0 at its weight', vs: vsAt(15, 80, 20), problems: [] },
    { name: 'step 2 before its status is written', vs: vsAt(25, 80, 20), problems: [] },
    {
      name: 'weight of step 2 while still at step 1',
      vs: vsAt(25, 50, 50),
      problems: ['canary weight 50 > 20 allowed at step 1'],
    },
    { name: 'route summing to 90', vs: vsAt(35, 40, 50), problems: ['route primary sums to 90'] },
    { name: 'past the last step', vs: vsAt(45, 0, 100), problems: [] },
  ])('$name', ({ vs, problems }) => {
    expect(weightViolations([vs], rollouts).map((v) => v.problem)).toEqual(problems);
  });

  it.each([
    { name: 'before the first setWeight', index: 0, allowed: 20 },
    { name: 'at a pause', index: 3, allowed: 50 },
    { name: 'past the end', index: 4, allowed: 100 },
  ])('allowedCanaryWeight $name', ({ index, allowed }) => {
    expect(allowedCanaryWeight(rolloutAt(1, index).object)).toBe(allowed);
  });
});

describe('seededRandom', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    for (const x of take(7)) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('parseRequestCounts', () => {
  it('reads controller_clientset_k8s_request_total samples and nothing else', () => {
    const text = [
      '# TYPE controller_clientset_k8s_request_total counter',
      'controller_clientset_k8s_request_total{kind="VirtualService",namespace="a",verb="update",status_code="200"} 3',
      'controller_clientset_k8s_request_total{kind="Rollout",namespace="a",verb="get",status_code="404"} 1',
      'rollout_reconcile_error{namespace="a",name="x"} 9',
    ].join('\n');
    expect(parseRequestCounts(text)).toEqual([
      { kind: 'VirtualService', namespace: 'a', verb: 'update', statusCode: '200', count: 3 },
      { kind: 'Rollout', namespace: 'a', verb: 'get', statusCode: '404', count: 1 },
    ]);
  });
});
