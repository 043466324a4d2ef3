import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanaryStep } from '../../src/api/rollout.js';
import { approximateCanaryStable, weightToReplicas } from '../../src/rollout/replicas.js';
import { makeRollout, updating, type Driver } from './harness.js';

describe('approximateCanaryStable (basic canary rounding)', () => {
  // [replicas, weight, maxSurge, canary, stable], as Argo's approximation produces them.
  it.each([
    [1, 1, 0, 0, 1],
    [1, 50, 0, 1, 0],
    [1, 49, 1, 1, 1],
    [1, 100, 1, 1, 0],
    [2, 1, 0, 1, 1],
    [2, 99, 1, 2, 1],
    [3, 49, 0, 1, 2],
    [3, 50, 0, 2, 1],
    [3, 10, 1, 1, 3],
    [3, 49, 1, 2, 2],
    [10, 14, 0, 1, 9],
    [10, 15, 0, 2, 8],
    [10, 41, 0, 4, 6],
    [10, 41, 1, 4, 6],
    [10, 1, 1, 1, 10],
    [10, 19, 1, 2, 9],
    [10, 24, 1, 3, 8],
    [10, 99, 1, 10, 1],
    [0, 50, 1, 0, 0],
  ])('R=%i W=%i surge=%i ⇒ %i canary / %i stable', (R, W, surge, canary, stable) => {
    expect(approximateCanaryStable(R, W, surge)).toEqual({ canary, stable });
  });
});

describe('weightToReplicas', () => {
  it.each([
    [10, 0, 0],
    [10, 20, 2],
    [10, 25, 3],
    [10, 33, 4],
    [10, 99, 10],
  ])('R=%i W=%i ⇒ %i', (R, W, n) => expect(weightToReplicas(R, W)).toBe(n));
});

function podsOf(d: Driver, hash: string): { spec: number; available: number } {
  const rs = d.rs(hash);
  return { spec: rs?.spec.replicas ?? 0, available: rs?.status?.availableReplicas ?? 0 };
}

describe('basic canary pacing', () => {
  it.each([
    { name: 'surge 1, unavailable 0', surge: 1, unavailable: 0, weight: 40, end: [4, 6] },
    { name: 'surge 0, unavailable 2', surge: 0, unavailable: 2, weight: 40, end: [4, 6] },
    { name: 'defaults (25%/25%)', surge: '25%', unavailable: '25%', weight: 41, end: [4, 6] },
    { name: 'surge 3, unavailable 0, 30%', surge: 3, unavailable: 0, weight: 30, end: [3, 7] },
  ])('$name: ends at $end and stays within surge/unavailability', ({ surge, unavailable, weight, end }) => {
    const rollout = makeRollout({
      traffic: 'none',
      steps: [{ setWeight: weight }, { pause: {} }],
      canary: { maxSurge: surge, maxUnavailable: unavailable },
    });
    const { d, v1, v2 } = updating(rollout);
    const maxSurge = typeof surge === 'number' ? surge : 3;
    const maxUnavailable = typeof unavailable === 'number' ? unavailable : 2;
    for (let i = 0; i < 30 && !d.status.pauseConditions; i++) {
      d.step();
      const [c, s] = [podsOf(d, v2), podsOf(d, v1)];
      expect(c.spec + s.spec).toBeLessThanOrEqual(10 + maxSurge);
      expect(c.available + s.available).toBeGreaterThanOrEqual(10 - maxUnavailable);
    }
    expect([d.replicasOf(v2), d.replicasOf(v1)]).toEqual(end);
    expect(d.status.phase).toBe('Paused');
  });

  it('property: any R/weight/surge/unavailable reaches the approximated split within the limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (R, weight, surge, unavailable) => {
          const canary = { maxSurge: surge, maxUnavailable: unavailable };
          const { d, v1, v2 } = updating(
            makeRollout({
              replicas: R,
              traffic: 'none',
              steps: [{ setWeight: weight }, { pause: {} }],
              canary,
            }),
          );
          const limitUnavailable = surge === 0 && unavailable === 0 ? 1 : unavailable;
          for (let i = 0; i < 60 && !d.status.pauseConditions; i++) {
            d.step();
            expect(podsOf(d, v2).spec + podsOf(d, v1).spec).toBeLessThanOrEqual(R + surge + 1);
            expect(podsOf(d, v2).available + podsOf(d, v1).available).toBeGreaterThanOrEqual(
              R - limitUnavailable,
            );
          }
          const expected = approximateCanaryStable(R, weight, surge);
          expect({ canary: d.replicasOf(v2), stable: d.replicasOf(v1) }).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('drains older ReplicaSets before the stable and canary', () => {
    const { d, v1, v2 } = updating(
      makeRollout({ traffic: 'none', steps: [{ setWeight: 50 }, { pause: {} }] }),
    );
    d.settle();
    d.setImage('web:3');
    d.settle();
    const v3 = d.status.currentPodHash ?? '';
    expect(d.replicasOf(v2)).toBe(0);
    expect([d.replicasOf(v3), d.replicasOf(v1)]).toEqual([5, 5]);
  });
});

const scaleSteps = (steps: CanaryStep[]): CanaryStep[] => [...steps, { pause: {} }];

describe('traffic-routed replica counts', () => {
  it.each([
    { name: 'ceil of R·W', steps: [{ setWeight: 33 }], canary: {}, counts: [4, 10] },
    {
      name: 'minPodsPerReplicaSet raises the canary',
      steps: [{ setWeight: 5 }],
      canary: { minPodsPerReplicaSet: 2 },
      counts: [2, 10],
    },
    {
      name: 'setCanaryScale replicas',
      steps: [{ setCanaryScale: { replicas: 3 } }, { setWeight: 10 }],
      canary: {},
      counts: [3, 10],
    },
    {
      name: 'setCanaryScale weight',
      steps: [{ setCanaryScale: { weight: 50 } }, { setWeight: 10 }],
      canary: {},
      counts: [5, 10],
    },
    {
      name: 'matchTrafficWeight cancels the override',
      steps: [
        { setCanaryScale: { replicas: 3 } },
        { setCanaryScale: { matchTrafficWeight: true } },
        { setWeight: 10 },
      ],
      canary: {},
      counts: [1, 10],
    },
    {
      name: 'dynamicStableScale shrinks stable',
      steps: [{ setWeight: 30 }],
      canary: { dynamicStableScale: true },
      counts: [3, 7],
    },
  ])('$name ⇒ canary/stable $counts', ({ steps, canary, counts }) => {
    const { d, v1, v2 } = updating(makeRollout({ steps: scaleSteps(steps), canary }));
    d.settle();
    expect(d.status.phase).toBe('Paused');
    expect([d.replicasOf(v2), d.replicasOf(v1)]).toEqual(counts);
  });

  it('setCanaryScale moves the canary without moving traffic', () => {
    const { d, v2 } = updating(
      makeRollout({ steps: [{ setCanaryScale: { replicas: 4 } }, { pause: {} }, { setWeight: 20 }] }),
    );
    d.settle();
    expect([d.replicasOf(v2), d.canaryWeight]).toEqual([4, 0]);
  });

  it('replicaProgressThreshold lets a step complete with part of the canary available', () => {
    const rollout = makeRollout({
      steps: [{ setWeight: 50 }, { pause: {} }],
      canary: { replicaProgressThreshold: { type: 'Percent', value: 60 } },
    });
    const { d, v2 } = updating(rollout);
    d.availableCap.set(v2, 3);
    d.settle();
    expect(d.status.currentStepIndex).toBe(1);
    expect(d.status.pauseConditions?.[0]?.reason).toBe('CanaryPauseStep');
  });

  it('without a threshold the same step waits for every canary pod', () => {
    const { d, v2 } = updating(makeRollout({ steps: [{ setWeight: 50 }, { pause: {} }] }));
    d.availableCap.set(v2, 3);
    d.settle();
    expect(d.status.currentStepIndex).toBe(0);
  });
});
