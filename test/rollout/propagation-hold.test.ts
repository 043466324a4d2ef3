/**
 * The planner under `trafficVerified` (ADR 0275): false holds a weight step's completion and every ReplicaSet
 * scale-down (after full promotion and after an abort); true and absent hold nothing.
 */
import { describe, expect, it } from 'vitest';
import { planRollout } from '../../src/rollout/planner.js';
import { applyPlan, snapshotOf } from '../../src/rollout/sim-cluster.js';
import { makeRollout, updating, type Driver } from './harness.js';

/** One planner pass with the verdict, pods up before and after (as the harness's `step`). */
function stepWith(d: Driver, trafficVerified: boolean | undefined): void {
  d.podsUp();
  const snapshot = snapshotOf(d.cluster);
  d.last = planRollout(trafficVerified === undefined ? snapshot : { ...snapshot, trafficVerified }, d.now);
  applyPlan(d.cluster, d.last);
  d.events.push(...d.last.events);
  d.podsUp();
}

describe('planner: a weight step waits for the routing to be in effect', () => {
  const STEPS = [{ setWeight: 20 }, { setWeight: 50 }];
  const rows = [
    { name: 'not verified: held at the first weight', verified: false, index: 0, weight: 20 },
    { name: 'verified: the steps go on', verified: true, index: 2, weight: 100 },
    { name: 'not known: the steps go on (no wait)', verified: undefined, index: 2, weight: 100 },
  ];
  it.each(rows)('$name', ({ verified, index }) => {
    const { d } = updating(makeRollout({ steps: STEPS }));
    for (let i = 0; i < 8; i++) stepWith(d, verified);
    expect(d.status.currentStepIndex).toBe(index);
    if (verified === false) {
      expect(d.canaryWeight).toBe(20);
      expect(d.status.canary?.weights?.verified).toBe(false);
      expect(d.eventsWith('RolloutStepCompleted')).toEqual([]);
    }
    expect(d.status.canary?.weights?.verified).toBe(verified);
  });
});

describe('planner: no ReplicaSet shrinks while the routing is not in effect', () => {
  const canary = { scaleDownDelaySeconds: 0 };

  it('full promotion: the old stable keeps its pods until verified', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: [{ setWeight: 20 }], canary }));
    for (let i = 0; i < 10 && d.status.stableRS !== v2; i++) stepWith(d, undefined);
    expect(d.status.stableRS).toBe(v2);
    expect(d.replicasOf(v1)).toBe(10);
    for (let i = 0; i < 5; i++) stepWith(d, false);
    expect(d.replicasOf(v1)).toBe(10);
    expect(d.last.requeueAfterMs).toBeLessThanOrEqual(2_000);
    stepWith(d, true);
    stepWith(d, true);
    expect(d.replicasOf(v1)).toBe(0);
  });

  it('full promotion waits for the last weight to be in effect', () => {
    const { d, v2 } = updating(makeRollout({ steps: [{ setWeight: 20 }], canary }));
    for (let i = 0; i < 10 && d.status.currentStepIndex !== 1; i++) stepWith(d, undefined);
    for (let i = 0; i < 5; i++) stepWith(d, false);
    expect(d.status.stableRS).not.toBe(v2);
    stepWith(d, true);
    expect(d.status.stableRS).toBe(v2);
  });

  it('abort: the canary keeps its pods until verified, then its delay runs as in Argo', () => {
    const { d, v2 } = updating(
      makeRollout({ steps: [{ setWeight: 20 }, { pause: {} }], canary: { abortScaleDownDelaySeconds: 5 } }),
    );
    for (let i = 0; i < 6; i++) stepWith(d, undefined);
    expect(d.replicasOf(v2)).toBe(2);
    d.abort();
    stepWith(d, false);
    expect(d.canaryWeight).toBe(0);
    d.advance(6_000);
    for (let i = 0; i < 3; i++) stepWith(d, false);
    expect(d.replicasOf(v2)).toBe(2);
    stepWith(d, true);
    expect(d.replicasOf(v2)).toBe(0);
  });
});
