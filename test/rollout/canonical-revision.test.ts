import { describe, expect, it } from 'vitest';
import { CANONICAL_REVISION_LABEL, POD_TEMPLATE_HASH_LABEL } from '../../src/api/labels.ts';
import { computePodTemplateHash } from '../../src/rollout/hash.ts';
import { revisionTemplate } from '../../src/verbs/template-verbs.ts';
import { Driver, makeRollout, updating } from './harness.ts';

const STEPS = [{ setWeight: 20 }, { pause: {} }];

describe('service.istio.io/canonical-revision on each new ReplicaSet (ADR 0181)', () => {
  it('is the pod-template hash, on the pod template only, outside the hash', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: STEPS }));
    for (const hash of [v1, v2]) {
      const rs = d.rs(hash);
      expect(rs?.spec.template.metadata?.labels?.[CANONICAL_REVISION_LABEL]).toBe(hash);
      expect(rs?.metadata.labels?.[CANONICAL_REVISION_LABEL]).toBeUndefined();
    }
    expect(d.cluster.rollout.spec.template?.metadata?.labels?.[CANONICAL_REVISION_LABEL]).toBeUndefined();
    expect(computePodTemplateHash(d.cluster.rollout.spec.template, d.status.collisionCount)).toBe(v2);
  });

  it('the ReplicaSets still match the Rollout template: no new revision on later passes', () => {
    const { d } = updating(makeRollout({ steps: STEPS }));
    d.podsUp();
    d.settle();
    expect(d.cluster.replicaSets).toHaveLength(2);
  });

  it("never overrides the user's own value", () => {
    const rollout = makeRollout({ steps: STEPS });
    rollout.spec.template!.metadata!.labels = {
      ...rollout.spec.template!.metadata!.labels,
      [CANONICAL_REVISION_LABEL]: 'v1',
    };
    const d = new Driver(rollout);
    d.settle();
    const [rs] = d.cluster.replicaSets;
    expect(rs?.spec.template.metadata?.labels?.[CANONICAL_REVISION_LABEL]).toBe('v1');
    expect(d.cluster.replicaSets).toHaveLength(1);
  });

  it('undo copies the template back without the controller-added labels', () => {
    const { d, v1 } = updating(makeRollout({ steps: STEPS }));
    const labels = revisionTemplate(d.rs(v1)!).metadata?.labels ?? {};
    expect(labels[CANONICAL_REVISION_LABEL]).toBeUndefined();
    expect(labels[POD_TEMPLATE_HASH_LABEL]).toBeUndefined();
  });
});
