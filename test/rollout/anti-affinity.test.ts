import { describe, expect, it } from 'vitest';
import type { CanaryStrategy } from '../../src/api/rollout.js';
import { templateWithoutAntiAffinity, injectedTerm } from '../../src/rollout/anti-affinity.js';
import { computePodTemplateHash } from '../../src/rollout/hash.js';
import { buildContext } from '../../src/rollout/context.js';
import { snapshotOf } from '../../src/rollout/sim-cluster.js';
import { hashOf, makeRollout, updating } from './harness.js';

const USER_TERM = { topologyKey: 'zone', labelSelector: { matchLabels: { app: 'db' } } };

function canaryWith(antiAffinity: NonNullable<CanaryStrategy['antiAffinity']>, ownAffinity = false) {
  const rollout = makeRollout({
    replicas: 4,
    steps: [{ setWeight: 25 }, { pause: {} }],
    canary: { antiAffinity },
  });
  if (ownAffinity) {
    rollout.spec.template!.spec = {
      ...rollout.spec.template!.spec,
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [USER_TERM] } },
    };
  }
  return updating(rollout);
}

describe('antiAffinity: the canary keeps off the stable pods (Argo GenerateReplicaSetAffinity)', () => {
  it.each([
    {
      name: 'preferred, with its weight',
      anti: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 50 } },
      own: false,
      want: (stable: string) => ({
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 50, podAffinityTerm: injectedTerm(makeRollout(), stable) },
          ],
        },
      }),
    },
    {
      name: 'required, after the template’s own terms',
      anti: { requiredDuringSchedulingIgnoredDuringExecution: {} },
      own: true,
      want: (stable: string) => ({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [USER_TERM, injectedTerm(makeRollout(), stable)],
        },
      }),
    },
  ])('$name', ({ anti, own, want }) => {
    const { d, v1, v2 } = canaryWith(anti, own);
    expect(d.rs(v2)?.spec.template.spec?.affinity).toEqual(want(v1));
    expect(injectedTerm(makeRollout(), v1)).toMatchObject({
      labelSelector: {
        matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: [v1] }],
      },
      namespaces: ['demo'],
      topologyKey: 'kubernetes.io/hostname',
    });
    // The first ReplicaSet (no stable yet) has none; the hash is the Rollout template's, before the term.
    expect(d.rs(v1)?.spec.template.spec?.affinity).toEqual(
      own ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [USER_TERM] } } : undefined,
    );
    expect(v2).toBe(computePodTemplateHash(d.cluster.rollout.spec.template!, undefined));
  });

  it('the term is ignored when a ReplicaSet is matched by template: no second ReplicaSet, promotion completes', () => {
    const { d, v2 } = canaryWith({ preferredDuringSchedulingIgnoredDuringExecution: { weight: 10 } });
    d.settle();
    d.promoteFull();
    d.settle();
    expect(d.status.stableRS).toBe(v2);
    expect(d.cluster.replicaSets.map(hashOf).filter((h) => h === v2)).toHaveLength(1);
  });

  it('a ReplicaSet whose hash label differs is still found by its template, the term ignored', () => {
    const { d, v2 } = canaryWith({ requiredDuringSchedulingIgnoredDuringExecution: {} });
    const rs = d.rs(v2)!;
    rs.metadata.labels = { ...rs.metadata.labels, 'rollouts-pod-template-hash': 'legacy' };
    d.cluster.rollout.status = { ...d.cluster.rollout.status, currentPodHash: 'legacy' };
    const ctx = buildContext(snapshotOf(d.cluster), d.now);
    expect(ctx.newRS?.name).toBe(rs.metadata.name);
  });

  it('removing the injected term keeps the template’s own anti-affinity', () => {
    const template = {
      spec: {
        affinity: {
          nodeAffinity: { x: 1 },
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [USER_TERM, injectedTerm(makeRollout(), 'abc')],
          },
        },
      },
    };
    expect(templateWithoutAntiAffinity(template)).toEqual({
      spec: {
        affinity: {
          nodeAffinity: { x: 1 },
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [USER_TERM] },
        },
      },
    });
    const onlyInjected = {
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [injectedTerm(makeRollout(), 'abc')],
          },
        },
      },
    };
    expect(templateWithoutAntiAffinity(onlyInjected)).toEqual({ spec: {} });
  });
});
