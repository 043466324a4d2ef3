import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../../src/api/workloads.js';
import { ManualClock, systemClock } from '../../src/kube/clock.js';
import { Informer } from '../../src/kube/informer.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { RolloutStore } from '../../src/dashboard/rollout-store.js';
import { WorkloadSimulator } from '../../src/sandbox/workload-simulator.js';

const NS = 'apps';

function replicaSet(name: string, replicas: number): ReplicaSet {
  const labels = { app: name, 'rollouts-pod-template-hash': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `${name}:1` }] } },
    },
  };
}

async function sharingCluster(): Promise<MemoryCluster> {
  const cluster = new MemoryCluster({ sharedReads: true });
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  return cluster;
}

const listed = async (cluster: MemoryCluster) => (await cluster.list('ReplicaSet')).items[0]!;

describe('the memory cluster keeps what a write does not touch (no copy per write)', () => {
  it.each([
    {
      name: 'a status write shares the spec',
      write: (c: MemoryCluster) =>
        c.patch('ReplicaSet', NS, 'web', { status: { replicas: 2 } }, { subresource: 'status' }),
      kept: (rs: ReplicaSet) => rs.spec,
    },
    {
      name: 'a spec write shares the status',
      write: (c: MemoryCluster) => c.patch('ReplicaSet', NS, 'web', { spec: { replicas: 3 } }),
      kept: (rs: ReplicaSet) => rs.status,
    },
  ])('$name', async ({ write, kept }) => {
    const cluster = await sharingCluster();
    await cluster.create('ReplicaSet', replicaSet('web', 2));
    await cluster.patch('ReplicaSet', NS, 'web', { status: { replicas: 1 } }, { subresource: 'status' });
    const before = await listed(cluster);
    await write(cluster);
    const after = await listed(cluster);
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(kept(after)).toBeDefined();
    expect(kept(after)).toBe(kept(before));
  });
});

describe('the workload simulator reads its watches, not lists', () => {
  it('brings pods up and Ready without a get or list call', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const cluster = await sharingCluster();
    const sim = new WorkloadSimulator(cluster, { clock, readyDelayMs: 100 });
    sim.start();
    for (const name of ['a', 'b', 'c']) await cluster.create('ReplicaSet', replicaSet(name, 2));
    const settle = async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
        await sim.idle();
      }
    };
    await settle();
    clock.advance(100);
    await settle();
    sim.stop();
    const reads = cluster.operations.filter((op) => op.verb === 'get' || op.verb === 'list');
    expect(reads).toEqual([]);
    const rs = (await cluster.list('ReplicaSet')).items;
    expect(rs.map((r) => r.status?.readyReplicas)).toEqual([2, 2, 2]);
  });
});

describe('RolloutStore reads informers it is given instead of opening its own', () => {
  it.each([
    { name: 'none given', shared: false, ownWatches: 11 },
    { name: 'Rollout and ReplicaSet given', shared: true, ownWatches: 9 },
  ])('$name: $ownWatches watches of its own', async ({ shared, ownWatches }) => {
    const cluster = await sharingCluster();
    const clock = systemClock();
    const rollouts = new Informer(cluster, 'Rollout', { clock });
    const replicaSets = new Informer(cluster, 'ReplicaSet', { clock });
    const store = new RolloutStore(cluster, {
      clock,
      ...(shared ? { shared: { Rollout: rollouts, ReplicaSet: replicaSets } } : {}),
    });
    store.start();
    await new Promise((r) => setImmediate(r));
    expect(cluster.openWatches()).toBe(ownWatches);
    store.stop();
    expect(cluster.openWatches()).toBe(0);
  });
});
