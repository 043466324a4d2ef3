/** canaryMetadata / stableMetadata through the real controller: pod labels follow the roles, so a Service does. */
import { describe, expect, it } from 'vitest';
import { labelsMatch } from '../../src/kube/selectors.js';
import { NS } from '../kube/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { simulatePods } from './pod-simulator.js';
import { hostRollout, service, virtualService } from './scenarios.js';

async function settleWithPods(h: Harness): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await h.settle();
    await simulatePods(h);
  }
  await h.settle();
}

/** Pod names a Service selecting `role=<role>` would reach, sorted. */
async function selected(h: Harness, role: string): Promise<string[]> {
  const pods = (await h.cluster.list('Pod', { namespace: NS })).items;
  return pods
    .filter((p) => labelsMatch(p.metadata.labels, { matchLabels: { app: 'web', role } }))
    .map((p) => p.metadata.ownerReferences?.[0]?.name ?? '')
    .sort();
}

describe('controller: canaryMetadata / stableMetadata', () => {
  it('a Service selecting role=canary reaches the canary pods only, and none once promoted', async () => {
    const h = await startHarness();
    for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
    await h.cluster.create('VirtualService', virtualService('host'));
    const rollout = hostRollout('web:1', [{ setWeight: 50 }, { pause: {} }]);
    rollout.spec.replicas = 2;
    rollout.spec.strategy.canary!.canaryMetadata = { labels: { role: 'canary' } };
    rollout.spec.strategy.canary!.stableMetadata = { labels: { role: 'stable' } };
    await h.cluster.create('Rollout', rollout);
    await settleWithPods(h);
    const v1 = (await h.rollout()).status?.stableRS;
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    await settleWithPods(h);
    const v2 = (await h.rollout()).status?.currentPodHash;
    expect(await selected(h, 'canary')).toEqual([`web-${v2}`]);
    expect(await selected(h, 'stable')).toEqual([`web-${v1}`, `web-${v1}`]);
    await h.cluster.patch(
      'Rollout',
      NS,
      'web',
      { status: { pauseConditions: null } },
      { subresource: 'status' },
    );
    await settleWithPods(h);
    await h.advance(31_000);
    await settleWithPods(h);
    expect((await h.rollout()).status?.stableRS).toBe(v2);
    expect(await selected(h, 'canary')).toEqual([]);
    expect(await selected(h, 'stable')).toEqual([`web-${v2}`, `web-${v2}`]);
    const patched = h.cluster.operations.filter((op) => op.verb === 'patch' && op.kind === 'Pod');
    expect(patched.length).toBeGreaterThan(0);
  });
});
