/** §3.9: host-level Istio, R=10, steps [setWeight 20, pause {}, setWeight 50, pause 10m], driven pass by pass. */
import { describe, expect, it } from 'vitest';
import { SCALE_DOWN_DEADLINE_ANNOTATION } from '../../src/api/labels.js';
import { makeRollout, updating } from './harness.js';

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10m' } }];

describe('worked example §3.9', () => {
  it('walks through every step to a promoted V2 and a scaled-down V1', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: STEPS }));
    // 1. Template change: V2 created at 0, status reset to step 0, nothing else.
    expect(v2).not.toBe(v1);
    expect(d.replicasOf(v2)).toBe(0);
    expect(d.status.currentStepIndex).toBe(0);
    expect(d.eventsWith('NewReplicaSetCreated').at(-1)).toBe(`Created ReplicaSet web-${v2} (revision 2)`);

    // 2. V2 has no pods: weight stays 0, V2 scaled to 2, V1 stays 10.
    d.step();
    expect([d.canaryWeight, d.replicasOf(v2), d.replicasOf(v1)]).toEqual([0, 2, 10]);

    // 3. V2 has 2 available: canary Service → V2, VS 20/80, step 0 completes.
    d.step();
    expect(d.serviceHash('web-canary')).toBe(v2);
    expect(d.serviceHash('web-stable')).toBe(v1);
    expect(d.canaryWeight).toBe(20);
    expect(d.last.traffic).toMatchObject({ canaryWeight: 20, canaryHash: v2, stableHash: v1 });
    expect(d.status.currentStepIndex).toBe(1);
    expect(d.eventsWith('RolloutStepCompleted')).toEqual(['Rollout step 1/4 completed (setWeight: 20)']);
    expect(d.eventsWith('TrafficWeightUpdated')).toContain('Traffic weight updated from 0 to 20');

    // 4. Pause step: CanaryPauseStep, phase Paused.
    d.step();
    expect(d.status.pauseConditions?.map((c) => c.reason)).toEqual(['CanaryPauseStep']);
    expect(d.status.controllerPause).toBe(true);
    expect([d.status.phase, d.status.message]).toEqual(['Paused', 'CanaryPauseStep']);
    expect(d.settle()).toBe(1);

    // 5. promote: step 2; V2 → 5 pods while the weight holds at 20, then 50/50.
    d.promote();
    d.step();
    expect(d.status.currentStepIndex).toBe(2);
    d.step();
    expect([d.replicasOf(v2), d.canaryWeight]).toEqual([5, 20]);
    d.step();
    expect([d.canaryWeight, d.status.currentStepIndex]).toEqual([50, 3]);

    // 6. pause 10m: waits until the duration has passed.
    d.settle();
    expect(d.status.phase).toBe('Paused');
    expect(d.last.requeueAfterMs).toBeGreaterThan(9 * 60_000);
    d.advance(10 * 60_000 + 1000);
    d.step();
    expect(d.status.currentStepIndex).toBe(4);

    // 7. index 4: V2 → 10 with weight held at 50, then canary 100 and V2 marked stable.
    d.step();
    expect([d.replicasOf(v2), d.canaryWeight]).toEqual([10, 50]);
    d.step();
    expect(d.canaryWeight).toBe(100);
    expect(d.status.stableRS).toBe(v2);
    expect(d.eventsWith('RolloutCompleted')).toContain(
      `Rollout completed update to revision 2 (${v2}): Completed all 4 canary steps`,
    );
    // Promotion happened at T0 + 10m01s; the old stable keeps its pods for scaleDownDelaySeconds (30 s).
    expect(d.rs(v1)?.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION]).toBe('2026-01-01T00:10:31Z');
    d.settle();
    expect(d.serviceHash('web-stable')).toBe(v2);
    expect(d.canaryWeight).toBe(0);
    expect(d.last.traffic).toMatchObject({ canaryWeight: 0, canaryHash: v2, stableHash: v2 });
    expect(d.replicasOf(v1)).toBe(10);
    // Argo's phase ignores old pods with traffic routing; the Healthy condition waits for them to go.
    expect(d.status.phase).toBe('Healthy');
    expect(d.status.conditions?.find((c) => c.type === 'Healthy')?.status).toBe('False');

    // V1 scaled to 0 once its 30 s deadline has passed; the rollout is then Healthy.
    d.advance(30_000);
    d.settle();
    expect(d.replicasOf(v1)).toBe(0);
    expect(d.status.phase).toBe('Healthy');
    expect(d.status.conditions?.find((c) => c.type === 'Healthy')?.status).toBe('True');
    expect(d.status.conditions?.find((c) => c.type === 'Completed')?.status).toBe('True');
  });
});
