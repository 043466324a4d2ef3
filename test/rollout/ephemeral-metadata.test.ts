import { describe, expect, it } from 'vitest';
import { EPHEMERAL_METADATA_ANNOTATION } from '../../src/api/labels.js';
import type { Pod, ReplicaSet } from '../../src/api/workloads.js';
import { buildContext } from '../../src/rollout/context.js';
import { metadataDelta, planEphemeralMetadata } from '../../src/rollout/ephemeral-metadata.js';
import { PlanOutput } from '../../src/rollout/plan-output.js';
import { snapshotOf } from '../../src/rollout/sim-cluster.js';
import { Driver, makeRollout, updating } from './harness.js';

describe('metadataDelta (Argo SyncEphemeralPodMetadata)', () => {
  it.each([
    {
      name: 'injects missing and changed keys',
      current: { labels: { app: 'web', role: 'old' } },
      injected: undefined,
      desired: { labels: { role: 'canary', tier: 'a' } },
      delta: { labels: { role: 'canary', tier: 'a' } },
    },
    {
      name: 'removes only injected keys no longer desired',
      current: { labels: { app: 'web', role: 'canary', team: 'x' }, annotations: { note: 'n', keep: 'k' } },
      injected: { labels: { role: 'canary' }, annotations: { note: 'n' } },
      desired: undefined,
      delta: { labels: { role: null }, annotations: { note: null } },
    },
    {
      name: 'nothing to do',
      current: { labels: { app: 'web', role: 'stable' } },
      injected: { labels: { role: 'stable' } },
      desired: { labels: { role: 'stable' } },
      delta: undefined,
    },
    {
      name: 'an injected key already gone is not removed again',
      current: { labels: { app: 'web' } },
      injected: { labels: { role: 'canary' } },
      desired: {},
      delta: undefined,
    },
  ])('$name', ({ current, injected, desired, delta }) => {
    expect(metadataDelta(current, injected, desired)).toEqual(delta);
  });
});

const METADATA = {
  canaryMetadata: { labels: { role: 'canary' }, annotations: { 'example.com/phase': 'canary' } },
  stableMetadata: { labels: { role: 'stable' } },
};

const templateLabels = (rs: ReplicaSet | undefined) => rs?.spec.template?.metadata?.labels ?? {};
const recorded = (rs: ReplicaSet | undefined) => rs?.metadata.annotations?.[EPHEMERAL_METADATA_ANNOTATION];

describe('canaryMetadata / stableMetadata follow the roles (ReplicaSet templates)', () => {
  it('the canary becomes stable: its template takes the stable metadata; the old stable loses what was injected', () => {
    const rollout = makeRollout({ replicas: 4, steps: [{ setWeight: 25 }, { pause: {} }], canary: METADATA });
    const { d, v1, v2 } = updating(rollout);
    d.settle();
    expect(templateLabels(d.rs(v1)).role).toBe('stable');
    expect(templateLabels(d.rs(v2)).role).toBe('canary');
    expect(d.rs(v2)?.spec.template?.metadata?.annotations?.['example.com/phase']).toBe('canary');
    d.promote();
    d.settle();
    d.advance(60_000);
    d.settle();
    expect(d.status.stableRS).toBe(v2);
    expect(templateLabels(d.rs(v2)).role).toBe('stable');
    expect(d.rs(v2)?.spec.template?.metadata?.annotations?.['example.com/phase']).toBeUndefined();
    expect(JSON.parse(recorded(d.rs(v2)) ?? '{}')).toEqual(METADATA.stableMetadata);
    expect(templateLabels(d.rs(v1)).role).toBeUndefined();
    expect(templateLabels(d.rs(v1)).app).toBe('web');
    expect(recorded(d.rs(v1))).toBeUndefined();
  });

  it('metadata changed in the spec is applied to the existing ReplicaSets; a steady state writes nothing', () => {
    const rollout = makeRollout({ replicas: 2, steps: [], canary: METADATA });
    const d = Driver.healthy(rollout);
    const [rs] = d.cluster.replicaSets;
    expect(templateLabels(rs).role).toBe('stable');
    expect(d.plan().actions).toEqual([]);
    d.cluster.rollout.spec.strategy.canary!.stableMetadata = { labels: { role: 'primary' } };
    const plan = d.plan();
    expect(plan.actions.map((a) => a.type)).toEqual(['syncTemplateMetadata']);
    expect(templateLabels(d.cluster.replicaSets[0]).role).toBe('primary');
    expect(d.cluster.replicaSets).toHaveLength(1); // not a new revision
  });
});

function podOf(rs: ReplicaSet, name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'demo',
      labels,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: '', controller: true },
      ],
    },
  };
}

describe('canaryMetadata / stableMetadata on existing pods', () => {
  it('after promotion the new stable pods are relabelled; pods of other owners are left alone', () => {
    const rollout = makeRollout({ replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }], canary: METADATA });
    const { d, v2 } = updating(rollout);
    d.settle();
    d.promote();
    d.settle();
    const rs = d.rs(v2)!;
    const pods = [
      podOf(rs, 'web-v2-a', { app: 'web', role: 'canary', team: 'x' }),
      podOf(rs, 'web-v2-b', { app: 'web', role: 'stable' }),
      { ...podOf(rs, 'other', { app: 'web', role: 'canary' }), metadata: { name: 'other', labels: {} } },
    ];
    const out = new PlanOutput();
    planEphemeralMetadata(buildContext({ ...snapshotOf(d.cluster), pods }, d.now), out);
    const podPatches = out.actions.filter((a) => a.type === 'patchPodMetadata');
    expect(podPatches).toEqual([
      { type: 'patchPodMetadata', name: 'web-v2-a', delta: { labels: { role: 'stable' } } },
    ]);
  });

  it('a canary pod keeps a stale stable label from a crash between template and pod patches: removed', () => {
    const rollout = makeRollout({
      replicas: 2,
      steps: [{ setWeight: 50 }, { pause: {} }],
      canary: {
        canaryMetadata: { labels: { canary: 'yes' } },
        stableMetadata: { labels: { stable: 'yes' } },
      },
    });
    const { d, v2 } = updating(rollout);
    d.settle();
    const rs = d.rs(v2)!;
    const pods = [podOf(rs, 'web-v2-a', { app: 'web', canary: 'yes', stable: 'yes' })];
    const out = new PlanOutput();
    planEphemeralMetadata(buildContext({ ...snapshotOf(d.cluster), pods }, d.now), out);
    expect(out.actions.filter((a) => a.type === 'patchPodMetadata')).toEqual([
      { type: 'patchPodMetadata', name: 'web-v2-a', delta: { labels: { stable: null } } },
    ]);
  });
});
