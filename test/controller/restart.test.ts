/**
 * restartAt through the real controller on the in-memory cluster: a small pod simulator keeps each ReplicaSet's
 * pods (new pods come up Ready after one round); the controller evicts through the Eviction API.
 */
import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../src/kube/errors.js';
import { formatTime } from '../../src/util/time.js';
import { NS } from '../kube/fixtures.js';
import { startHarness } from './harness.js';
import { readyPods, simulatePods } from './pod-simulator.js';
import { hostRollout, service, virtualService } from './scenarios.js';

async function healthyWithPods(replicas: number, maxUnavailable: number) {
  const h = await startHarness();
  for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
  await h.cluster.create('VirtualService', virtualService('host'));
  const rollout = hostRollout('web:1', [{ setWeight: 50 }]);
  rollout.spec.replicas = replicas;
  rollout.spec.strategy.canary!.maxUnavailable = maxUnavailable;
  await h.cluster.create('Rollout', rollout);
  await h.settle();
  await simulatePods(h);
  await simulatePods(h);
  h.clock.advance(5_000);
  return h;
}

describe('controller: restartAt', () => {
  it.each([
    { replicas: 4, maxUnavailable: 1 },
    { replicas: 5, maxUnavailable: 2 },
  ])(
    '$replicas pods, maxUnavailable $maxUnavailable: every pod replaced, never more than $maxUnavailable down',
    async ({ replicas, maxUnavailable }) => {
      const h = await healthyWithPods(replicas, maxUnavailable);
      const before = new Set(
        (await h.cluster.list('Pod', { namespace: NS })).items.map((p) => p.metadata.name),
      );
      expect(before.size).toBe(replicas);
      const restartAt = formatTime(h.clock.now());
      await h.cluster.patch('Rollout', NS, 'web', { spec: { restartAt } });
      let minReady = replicas;
      for (let round = 0; round < 40 && !(await h.rollout()).status?.restartedAt; round++) {
        await h.settle();
        minReady = Math.min(minReady, await readyPods(h));
        await simulatePods(h);
        await h.advance(31_000);
      }
      const after = (await h.cluster.list('Pod', { namespace: NS })).items.map((p) => p.metadata.name);
      expect((await h.rollout()).status?.restartedAt).toBe(restartAt);
      expect(after.filter((name) => before.has(name))).toEqual([]);
      expect(after).toHaveLength(replicas);
      expect(replicas - minReady).toBe(maxUnavailable);
      const evictions = h.cluster.operations.filter((op) => op.verb === 'evict');
      expect(evictions).toHaveLength(replicas);
    },
  );

  it('a PodDisruptionBudget refusal (429) is retried on a later pass, not an error', async () => {
    const h = await healthyWithPods(2, 1);
    let refusals = 1;
    h.cluster.faultInjector = (op) =>
      op.verb === 'evict' && refusals-- > 0 ? KubeApiError.fromCode(429, 'disruption budget') : undefined;
    await h.cluster.patch('Rollout', NS, 'web', { spec: { restartAt: formatTime(h.clock.now()) } });
    for (let round = 0; round < 20 && !(await h.rollout()).status?.restartedAt; round++) {
      await h.settle();
      await simulatePods(h);
      await h.advance(31_000);
    }
    expect(refusals).toBeLessThan(0);
    expect((await h.rollout()).status?.restartedAt).toBeDefined();
  });
});
