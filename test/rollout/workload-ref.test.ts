import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/api/rollout.js';
import type { Deployment, PodTemplate, ReplicaSet } from '../../src/api/workloads.js';
import { planPass } from '../../src/plan/pass.js';
import { resolveWorkloadRef, workloadScaleDown } from '../../src/rollout/workload-ref.js';
import { makeRollout } from './harness.js';

const TEMPLATE = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'web:7' }] },
};

function deployment(replicas = 4, generation = 3): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo', generation },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE },
  };
}

function referencing(kind: string, scaleDown?: 'never' | 'onsuccess' | 'progressively'): Rollout {
  const rollout = makeRollout({ replicas: 4, traffic: 'none', steps: [{ setWeight: 50 }] });
  delete rollout.spec.template;
  delete rollout.spec.selector;
  rollout.spec.workloadRef = { apiVersion: kind === 'PodTemplate' ? 'v1' : 'apps/v1', kind, name: 'web' };
  if (scaleDown) rollout.spec.workloadRef.scaleDown = scaleDown;
  return rollout;
}

describe('workloadRef: the template and selector come from the referenced object', () => {
  it('Deployment: template and selector', () => {
    const resolved = resolveWorkloadRef(referencing('Deployment'), deployment());
    expect('rollout' in resolved && resolved.rollout.spec).toMatchObject({
      template: TEMPLATE,
      selector: { matchLabels: { app: 'web' } },
    });
  });

  it('ReplicaSet: template and selector, as a Deployment (ADR 0221)', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'demo', generation: 2 },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE },
    };
    const resolved = resolveWorkloadRef(referencing('ReplicaSet'), rs);
    expect('rollout' in resolved && resolved.rollout.spec).toMatchObject({
      template: TEMPLATE,
      selector: { matchLabels: { app: 'web' } },
    });
    expect(resolveWorkloadRef(referencing('ReplicaSet'), undefined)).toEqual({
      error: 'spec.workloadRef: ReplicaSet "web" not found',
    });
    // scaleDown scales a Deployment only: a referenced ReplicaSet is left as it is.
    const rollout = referencing('ReplicaSet', 'onsuccess');
    rollout.status = { phase: 'Healthy', currentPodHash: 'abc' };
    expect(workloadScaleDown(rollout, rs, [rolloutRs('1', 4)])).toBeUndefined();
  });

  it("PodTemplate: its template; the Rollout's own selector stays", () => {
    const rollout = referencing('PodTemplate');
    rollout.spec.selector = { matchLabels: { app: 'web', tier: 'x' } };
    const pt: PodTemplate = {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 'web' },
      template: TEMPLATE,
    };
    const resolved = resolveWorkloadRef(rollout, pt);
    expect('rollout' in resolved && resolved.rollout.spec.selector).toEqual({
      matchLabels: { app: 'web', tier: 'x' },
    });
    expect('rollout' in resolved && resolved.rollout.spec.template).toEqual(TEMPLATE);
  });

  it('missing: InvalidSpec naming the reference, no writes', () => {
    const pass = planPass(
      { rollout: referencing('Deployment'), replicaSets: [], services: [], virtualServices: [] },
      0,
    );
    expect(pass.invalid).toBe(true);
    expect(pass.writes).toEqual({ early: [], traffic: [], analysis: [], late: [] });
    expect(pass.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message).toBe(
      'spec.workloadRef: Deployment "web" not found',
    );
  });

  it("the pass creates the ReplicaSet from the Deployment's template and records its generation", () => {
    const pass = planPass(
      {
        rollout: referencing('Deployment'),
        replicaSets: [],
        services: [],
        virtualServices: [],
        workload: deployment(),
      },
      0,
    );
    const created = pass.writes.early.find((a) => a.type === 'createReplicaSet');
    expect(created?.type === 'createReplicaSet' && created.replicaSet.spec.template.spec).toEqual(
      TEMPLATE.spec,
    );
    expect(created?.type === 'createReplicaSet' && created.replicaSet.spec.selector.matchLabels?.app).toBe(
      'web',
    );
    expect(pass.status?.workloadObservedGeneration).toBe('3');
  });

  it("a change of the Deployment's template is a new revision", () => {
    const first = planPass(
      {
        rollout: referencing('Deployment'),
        replicaSets: [],
        services: [],
        virtualServices: [],
        workload: deployment(),
      },
      0,
    );
    const changed = deployment();
    changed.spec.template = { ...TEMPLATE, spec: { containers: [{ name: 'web', image: 'web:8' }] } };
    const second = planPass(
      {
        rollout: referencing('Deployment'),
        replicaSets: [],
        services: [],
        virtualServices: [],
        workload: changed,
      },
      0,
    );
    const name = (p: typeof first) =>
      p.writes.early.flatMap((a) => (a.type === 'createReplicaSet' ? [a.replicaSet.metadata.name] : []));
    expect(name(first)).toHaveLength(1);
    expect(name(second)).not.toEqual(name(first));
  });
});

function rolloutRs(revision: string, available: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc',
      labels: { 'rollouts-pod-template-hash': 'abc' },
      annotations: { 'rollout.argoproj.io/revision': revision },
    },
    spec: { replicas: 4, selector: {}, template: {} },
    status: { availableReplicas: available },
  };
}

describe('workloadRef.scaleDown (the first revision only)', () => {
  it.each([
    { mode: undefined, phase: 'Healthy', revision: '1', available: 4, deployment: 4, want: undefined },
    { mode: 'never' as const, phase: 'Healthy', revision: '1', available: 4, deployment: 4, want: undefined },
    {
      mode: 'onsuccess' as const,
      phase: 'Progressing',
      revision: '1',
      available: 4,
      deployment: 4,
      want: undefined,
    },
    { mode: 'onsuccess' as const, phase: 'Healthy', revision: '1', available: 4, deployment: 4, want: 0 },
    {
      mode: 'onsuccess' as const,
      phase: 'Healthy',
      revision: '1',
      available: 4,
      deployment: 0,
      want: undefined,
    },
    {
      mode: 'onsuccess' as const,
      phase: 'Healthy',
      revision: '2',
      available: 4,
      deployment: 4,
      want: undefined,
    },
    {
      mode: 'progressively' as const,
      phase: 'Progressing',
      revision: '1',
      available: 1,
      deployment: 4,
      want: 3,
    },
    {
      mode: 'progressively' as const,
      phase: 'Progressing',
      revision: '1',
      available: 0,
      deployment: 4,
      want: undefined,
    },
    {
      mode: 'progressively' as const,
      phase: 'Progressing',
      revision: '1',
      available: 1,
      deployment: 2,
      want: 3,
    },
    {
      mode: 'progressively' as const,
      phase: 'Degraded',
      revision: '1',
      available: 2,
      deployment: 0,
      want: 2,
    },
    {
      mode: 'progressively' as const,
      phase: 'Progressing',
      revision: '2',
      available: 1,
      deployment: 4,
      want: undefined,
    },
    { mode: 'progressively' as const, phase: 'Healthy', revision: '1', available: 4, deployment: 1, want: 0 },
  ])('$mode, $phase, revision $revision, $available available, Deployment at $deployment → $want', (c) => {
    const rollout = referencing('Deployment', c.mode);
    rollout.status = { phase: c.phase as 'Healthy', currentPodHash: 'abc' };
    expect(workloadScaleDown(rollout, deployment(c.deployment), [rolloutRs(c.revision, c.available)])).toBe(
      c.want,
    );
  });
});
