import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Cluster, KindName, WatchEvent } from '../../src/kube/cluster.js';
import type { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { flush, NS } from '../kube/fixtures.js';
import { startHarness } from './harness.js';
import { destinationRule, service, subsetRollout, virtualService } from './scenarios.js';

/** The memory cluster, except that Rollout watch events wait while `held` (a lagging Rollout cache). */
function laggingRollouts(cluster: MemoryCluster) {
  const state = { held: false, buffered: [] as (() => void)[] };
  const view = new Proxy(cluster, {
    get(target, prop, receiver) {
      if (prop !== 'watch') return Reflect.get(target, prop, receiver) as unknown;
      return (
        kind: KindName,
        options: object,
        onEvent: (e: WatchEvent<KubeObject>) => void,
        onDone: () => void,
      ) =>
        target.watch(
          kind,
          options,
          (event) => {
            if (kind === 'Rollout' && state.held) state.buffered.push(() => onEvent(event));
            else onEvent(event);
          },
          onDone,
        );
    },
  }) as Cluster;
  const release = () => {
    state.held = false;
    for (const deliver of state.buffered.splice(0)) deliver();
  };
  return { view, state, release };
}

describe('a pass from caches that do not show the last pass writes yet', () => {
  it('waits for the watch events instead of writing again, then proceeds', async () => {
    let lag: ReturnType<typeof laggingRollouts> | undefined;
    const h = await startHarness(undefined, (c) => (lag = laggingRollouts(c)).view);
    await h.cluster.create('Service', service('web'));
    await h.cluster.create('VirtualService', virtualService('subset'));
    await h.cluster.create('DestinationRule', destinationRule());
    await h.cluster.create('Rollout', subsetRollout('web:1'));
    await h.settle();
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    await flush();
    lag!.state.held = true;
    const first = await h.controller.processKey(`${NS}/web`);
    expect(first.writes).toContain('update Rollout status');
    const before = h.cluster.writes().length;
    const second = await h.controller.processKey(`${NS}/web`);
    expect([second.kind, second.writes, h.cluster.writes().length]).toEqual(['done', [], before]);
    lag!.release();
    await h.settle();
    expect((await h.rollout()).status?.currentPodHash).toBe(
      (await h.replicaSets()).at(-1)?.metadata.labels?.['rollouts-pod-template-hash'],
    );
  });
});
