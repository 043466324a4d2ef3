import { describe, expect, it } from 'vitest';
import { Driver, hashOf, makeRollout, T0 } from './harness.js';

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: {} }];

/** Healthy at web:1, then web:2 and web:3 fully promoted, ReplicaSets created an hour apart. */
function threeRevisions(revisions: number | undefined): Driver {
  const rollout = makeRollout({ replicas: 4, steps: STEPS });
  if (revisions !== undefined) rollout.spec.rollbackWindow = { revisions };
  const d = Driver.healthy(rollout);
  for (const image of ['web:2', 'web:3']) {
    d.setImage(image);
    d.settle();
    d.promoteFull();
    d.settle();
    d.advance(60_000);
    d.settle();
  }
  d.cluster.replicaSets.forEach((rs, i) => {
    rs.metadata.creationTimestamp = new Date(T0 + i * 3_600_000).toISOString();
  });
  return d;
}

describe('rollbackWindow (Argo isRollbackWithinWindow)', () => {
  it.each([
    { name: 'back to web:2 (none between), window 1', image: 'web:2', revisions: 1, skipped: true },
    { name: 'back to web:1 (one between), window 2', image: 'web:1', revisions: 2, skipped: true },
    { name: 'back to web:1 (one between), window 1: outside', image: 'web:1', revisions: 1, skipped: false },
    { name: 'no rollbackWindow', image: 'web:2', revisions: undefined, skipped: false },
    { name: 'window 0', image: 'web:2', revisions: 0, skipped: false },
  ])('$name: steps skipped = $skipped', ({ image, revisions, skipped }) => {
    const d = threeRevisions(revisions);
    const stableBefore = d.status.stableRS;
    expect(d.cluster.replicaSets).toHaveLength(3);
    d.setImage(image);
    d.settle();
    const target = d.cluster.replicaSets.find(
      (rs) => rs.spec.template.spec?.containers?.[0]?.image === image,
    )!;
    if (skipped) {
      // One settle, no pause: fully promoted to the old revision.
      expect(d.status.stableRS).toBe(hashOf(target));
      expect(d.status.currentStepIndex).toBe(STEPS.length);
      expect(d.status.pauseConditions ?? []).toEqual([]);
      expect(d.eventsWith('SkipSteps')).toContain('Rollback within the rollbackWindow: steps skipped');
    } else {
      expect(d.status.stableRS).toBe(stableBefore);
      expect(d.status.currentStepIndex).toBe(1);
      expect(d.status.pauseConditions?.map((p) => p.reason)).toEqual(['CanaryPauseStep']);
    }
  });

  it('ReplicaSets created in the same second: not a rollback (creation times are whole seconds, as in Argo)', () => {
    const d = threeRevisions(5);
    for (const rs of d.cluster.replicaSets) rs.metadata.creationTimestamp = new Date(T0).toISOString();
    d.setImage('web:2');
    d.settle();
    expect(d.status.currentStepIndex).toBe(1);
    expect(d.eventsWith('SkipSteps')).toEqual([]);
  });

  it('a forward update (a new ReplicaSet) is never a rollback', () => {
    const d = threeRevisions(5);
    d.setImage('web:4');
    d.settle();
    expect(d.status.currentStepIndex).toBe(1);
    expect(d.eventsWith('SkipSteps')).toEqual([]);
  });
});
