import { describe, expect, it } from 'vitest';
import { POD_TEMPLATE_HASH_LABEL, SCALE_DOWN_DEADLINE_ANNOTATION } from '../../src/api/labels.js';
import { Driver, makeRollout, updating } from './harness.js';

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];
const condition = (d: Driver, type: string) => d.status.conditions?.find((c) => c.type === type);

describe('initial deploy', () => {
  it('creates revision 1 at full scale and marks it stable at once', () => {
    const d = new Driver(makeRollout({ steps: STEPS }));
    const plan = d.plan();
    const created = plan.actions.find((a) => a.type === 'createReplicaSet');
    expect(created?.type === 'createReplicaSet' && created.replicaSet).toMatchObject({
      metadata: {
        name: `web-${d.status.currentPodHash}`,
        namespace: 'demo',
        labels: { app: 'web', [POD_TEMPLATE_HASH_LABEL]: d.status.currentPodHash },
        annotations: { 'rollout.argoproj.io/revision': '1' },
        ownerReferences: [{ kind: 'Rollout', name: 'web', uid: 'uid-web', controller: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web', [POD_TEMPLATE_HASH_LABEL]: d.status.currentPodHash } },
      },
    });
    expect(plan.actions.map((a) => a.type)).toEqual(['createReplicaSet', 'scaleReplicaSet']);
    expect(d.status).toMatchObject({
      stableRS: d.status.currentPodHash,
      currentStepIndex: 4,
      observedGeneration: '1',
    });
    expect(d.eventsWith('RolloutCompleted')[0]).toMatch(/: Initial deploy$/);
    d.podsUp();
    d.settle();
    expect([d.status.phase, condition(d, 'Healthy')?.status, condition(d, 'Available')?.status]).toEqual([
      'Healthy',
      'True',
      'True',
    ]);
    expect(d.status).toMatchObject({
      replicas: 10,
      updatedReplicas: 10,
      availableReplicas: 10,
      selector: 'app=web',
    });
  });

  it('puts ephemeral canary metadata on a new revision only', () => {
    const canaryMetadata = { labels: { role: 'canary' } };
    const { d, v2 } = updating(
      makeRollout({
        steps: STEPS,
        canary: { canaryMetadata, stableMetadata: { labels: { role: 'stable' } } },
      }),
    );
    expect(d.rs(v2)?.spec.template.metadata?.labels).toMatchObject({ role: 'canary', app: 'web' });
    expect(d.rs(v2)?.metadata.annotations?.['rollout.argoproj.io/ephemeral-metadata']).toBe(
      JSON.stringify(canaryMetadata),
    );
    expect(d.rs(d.status.stableRS)?.spec.template.metadata?.labels).toMatchObject({ role: 'stable' });
  });
});

describe('abort and retry', () => {
  it('abort: weight 0, step 0, Degraded; canary kept until its deadline after stable is fully available', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: STEPS }));
    d.settle();
    expect(d.canaryWeight).toBe(20);
    d.abort();
    d.settle();
    expect(d.canaryWeight).toBe(0);
    expect(d.status).toMatchObject({
      abort: true,
      currentStepIndex: 0,
      phase: 'Degraded',
      message: 'RolloutAborted: Rollout aborted update to revision 2',
    });
    expect(d.status.abortedAt).toBe('2026-01-01T00:00:00Z');
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutAborted' });
    expect(d.serviceHash('web-canary')).toBe(v1);
    expect(d.rs(v2)?.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION]).toBe('2026-01-01T00:00:30Z');
    expect(d.replicasOf(v2)).toBe(2);
    d.advance(31_000);
    d.settle();
    expect(d.replicasOf(v2)).toBe(0);
    expect(d.rs(v2)?.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION]).toBeUndefined();
    expect(d.eventsWith('RolloutAborted')).toEqual(['Rollout aborted update to revision 2']);
  });

  it.each([
    { name: 'abortScaleDownDelaySeconds: 0 never scales the canary down', delay: 0, after: 2 },
    { name: 'abortScaleDownDelaySeconds: 5', delay: 5, after: 0 },
  ])('$name', ({ delay, after }) => {
    const { d, v2 } = updating(makeRollout({ steps: STEPS, canary: { abortScaleDownDelaySeconds: delay } }));
    d.settle();
    d.abort();
    d.settle();
    d.advance(6_000);
    d.settle();
    expect(d.replicasOf(v2)).toBe(after);
  });

  it('retry restarts from step 0 with RolloutRetry', () => {
    const { d, v2 } = updating(makeRollout({ steps: STEPS }));
    d.settle();
    d.abort();
    d.settle();
    d.advance(31_000);
    d.settle();
    d.retry();
    d.settle();
    expect(d.eventsWith('RolloutRetry')).toEqual(['Retrying Rollout after abort']);
    expect(d.status).toMatchObject({ currentStepIndex: 1, phase: 'Paused' });
    expect(d.status.abort).toBeUndefined();
    expect([d.replicasOf(v2), d.canaryWeight]).toEqual([2, 20]);
  });

  it('basic canary abort rolls back like a rolling update', () => {
    const { d, v1, v2 } = updating(makeRollout({ traffic: 'none', steps: STEPS }));
    d.settle();
    expect(d.replicasOf(v2)).toBe(2);
    d.abort();
    d.settle();
    expect([d.replicasOf(v2), d.replicasOf(v1)]).toEqual([0, 10]);
  });
});

describe('promote --full', () => {
  it('skips the remaining steps, keeps the weight until the canary is fully available, then promotes', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: STEPS }));
    d.settle();
    d.promoteFull();
    d.step();
    expect(d.status.currentStepIndex).toBe(4);
    expect(d.replicasOf(v2)).toBe(10);
    expect(d.canaryWeight).toBe(20);
    d.settle();
    expect(d.status.stableRS).toBe(v2);
    expect(d.status.promoteFull).toBeUndefined();
    expect(d.eventsWith('RolloutCompleted').at(-1)).toMatch(/: Full promotion requested$/);
    d.advance(30_000);
    d.settle();
    expect([d.replicasOf(v1), d.status.phase]).toEqual([0, 'Healthy']);
  });
});

describe('new revision mid-rollout', () => {
  it('resets to step 0, drops weight to 0 first, scales the intermediate RS down once unreferenced', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: STEPS }));
    d.settle();
    d.setImage('web:3');
    const reset = d.step();
    const v3 = d.status.currentPodHash ?? '';
    expect(reset.actions.map((a) => a.type)).toEqual(['createReplicaSet']);
    expect(d.status.currentStepIndex).toBe(0);
    d.step();
    expect(d.last.traffic).toMatchObject({ canaryWeight: 0, canaryHash: v3, weightBeforeHashes: true });
    expect(d.canaryWeight).toBe(0);
    d.settle();
    expect(d.serviceHash('web-canary')).toBe(v3);
    expect([d.replicasOf(v1), d.replicasOf(v2), d.replicasOf(v3)]).toEqual([10, 0, 2]);
    expect(d.status.stableRS).toBe(v1);
    expect(d.rs(v2)?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('2');
    expect(d.rs(v3)?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('3');
  });

  it('a steps-only change also resets progress', () => {
    const { d } = updating(makeRollout({ steps: STEPS }));
    d.settle();
    d.promote();
    d.settle();
    expect(d.status.currentStepIndex).toBe(3);
    d.cluster.rollout.spec.strategy.canary!.steps = [{ setWeight: 10 }, { pause: {} }];
    d.step();
    expect(d.status.currentStepIndex).toBe(0);
  });
});

describe('revert to the stable template', () => {
  it('skips all steps (fast rollback) and scales the reverted canary down', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: STEPS }));
    d.settle();
    d.setImage('web:1');
    d.step();
    expect(d.status).toMatchObject({ currentPodHash: v1, stableRS: v1, currentStepIndex: 4 });
    expect(d.eventsWith('SkipSteps')).toEqual(['Rollback to stable ReplicaSets']);
    d.settle();
    expect([d.replicasOf(v1), d.replicasOf(v2), d.canaryWeight, d.status.phase]).toEqual([
      10,
      0,
      0,
      'Healthy',
    ]);
    expect(d.serviceHash('web-canary')).toBe(v1);
  });
});

describe('spec.paused', () => {
  it('halts scaling and step progress until unpaused', () => {
    const { d, v2 } = updating(makeRollout({ steps: STEPS }));
    d.cluster.rollout.spec.paused = true;
    d.settle();
    expect([d.replicasOf(v2), d.status.currentStepIndex, d.status.phase, d.status.message]).toEqual([
      0,
      0,
      'Paused',
      'manually paused',
    ]);
    expect(condition(d, 'Paused')).toMatchObject({ status: 'True', reason: 'RolloutPaused' });
    d.cluster.rollout.spec.paused = false;
    d.settle();
    expect([d.replicasOf(v2), d.status.currentStepIndex]).toEqual([2, 1]);
    expect(d.eventsWith('RolloutResumed').length).toBeGreaterThan(0);
  });
});

describe('progress deadline', () => {
  it.each([
    { name: 'times out', abort: false, phase: 'Degraded', aborted: undefined },
    { name: 'aborts with progressDeadlineAbort', abort: true, phase: 'Degraded', aborted: true },
  ])('$name', ({ abort, phase, aborted }) => {
    const { d, v2 } = updating(
      makeRollout({ steps: STEPS, progressDeadlineSeconds: 60, progressDeadlineAbort: abort }),
    );
    d.availableCap.set(v2, 0);
    d.settle();
    expect(d.last.requeueAfterMs).toBeLessThanOrEqual(61_000);
    d.advance(61_000);
    d.settle();
    expect(condition(d, 'Progressing')?.reason).toBe(abort ? 'RolloutAborted' : 'ProgressDeadlineExceeded');
    expect([d.status.phase, d.status.abort]).toEqual([phase, aborted]);
    expect(d.eventsWith('ProgressDeadlineExceeded')).toEqual([
      `ReplicaSet "web-${v2}" has timed out progressing.`,
    ]);
  });

  it('a paused rollout does not time out', () => {
    const { d } = updating(makeRollout({ steps: STEPS, progressDeadlineSeconds: 60 }));
    d.settle();
    d.advance(3600_000);
    d.settle();
    expect(d.status.phase).toBe('Paused');
  });
});

describe('no steps', () => {
  it('no steps: promoted as soon as the new revision is fully available', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: [] }));
    d.settle();
    d.advance(30_000);
    d.settle();
    expect([d.status.stableRS, d.replicasOf(v1), d.replicasOf(v2), d.status.currentStepIndex]).toEqual([
      v2,
      0,
      10,
      undefined,
    ]);
  });
});
