/** antiAffinity through the real controller: the canary ReplicaSet carries the term against the stable pods. */
import { describe, expect, it } from 'vitest';
import { NS } from '../kube/fixtures.js';
import { startHarness } from './harness.js';
import { hostRollout, service, virtualService } from './scenarios.js';

describe('controller: antiAffinity', () => {
  it('the canary ReplicaSet prefers nodes without stable pods; the first ReplicaSet has no term', async () => {
    const h = await startHarness();
    for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
    await h.cluster.create('VirtualService', virtualService('host'));
    const rollout = hostRollout('web:1', [{ setWeight: 50 }, { pause: {} }]);
    rollout.spec.strategy.canary!.antiAffinity = {
      preferredDuringSchedulingIgnoredDuringExecution: { weight: 80 },
    };
    await h.cluster.create('Rollout', rollout);
    await h.settle();
    const stable = (await h.rollout()).status?.stableRS;
    expect((await h.replicaSets())[0]?.spec.template.spec?.affinity).toBeUndefined();
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    await h.settle();
    const current = (await h.rollout()).status?.currentPodHash;
    const canary = (await h.replicaSets()).find((rs) => rs.metadata.name === `web-${current}`);
    expect(canary?.spec.template.spec?.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 80,
            podAffinityTerm: {
              labelSelector: {
                matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: [stable] }],
              },
              namespaces: [NS],
              topologyKey: 'kubernetes.io/hostname',
            },
          },
        ],
      },
    });
    expect(await h.replicaSets()).toHaveLength(2);
  });
});
