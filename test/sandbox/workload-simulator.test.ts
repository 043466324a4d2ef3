import { afterEach, describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../../src/api/workloads.js';
import { isPodReady } from '../../src/api/workloads.js';
import { ManualClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { WorkloadSimulator } from '../../src/sandbox/workload-simulator.js';

const NS = 'apps';

function replicaSet(name: string, replicas: number): ReplicaSet {
  const labels = { app: 'web', 'rollouts-pod-template-hash': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: `web:${name}` }] } },
    },
  };
}

async function setup(readyDelayMs?: number) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const cluster = new MemoryCluster({ clock });
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const sim = new WorkloadSimulator(cluster, {
    clock,
    ...(readyDelayMs !== undefined ? { readyDelayMs } : {}),
  });
  sim.start();
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await sim.idle();
    }
  };
  return { clock, cluster, sim, settle };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('WorkloadSimulator', () => {
  it.each([
    { name: 'scale from 0 to 3', initial: 3, scaleTo: undefined, expected: 3 },
    { name: 'scale 3 down to 1', initial: 3, scaleTo: 1, expected: 1 },
    { name: 'scale 1 up to 4', initial: 1, scaleTo: 4, expected: 4 },
    { name: 'scale to 0', initial: 2, scaleTo: 0, expected: 0 },
  ])('$name: pods follow spec.replicas with template labels and a controller ownerReference', async (row) => {
    const { cluster, sim, settle } = await setup();
    stop = () => sim.stop();
    const rs = await cluster.create('ReplicaSet', replicaSet('web-a', row.initial));
    await settle();
    if (row.scaleTo !== undefined) {
      await cluster.patch('ReplicaSet', NS, 'web-a', { spec: { replicas: row.scaleTo } });
      await settle();
    }
    const pods = (await cluster.list('Pod', { namespace: NS })).items;
    expect(pods).toHaveLength(row.expected);
    for (const pod of pods) {
      expect(pod.metadata.labels).toEqual(rs.spec.template.metadata?.labels);
      expect(pod.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'ReplicaSet',
          name: 'web-a',
          uid: rs.metadata.uid,
          controller: true,
        }),
      ]);
      expect(pod.spec?.containers).toEqual([{ name: 'web', image: 'web:web-a' }]);
    }
  });

  it.each([
    { name: 'before the delay', advanceMs: 999, ready: 0 },
    { name: 'at the delay', advanceMs: 1000, ready: 2 },
  ])('marks pods Ready after the default 1 s delay ($name) and counts them in RS status', async (row) => {
    const { clock, cluster, sim, settle } = await setup();
    stop = () => sim.stop();
    await cluster.create('ReplicaSet', replicaSet('web-a', 2));
    await settle();
    clock.advance(row.advanceMs);
    await settle();
    const pods = (await cluster.list('Pod', { namespace: NS })).items;
    expect(pods.filter(isPodReady)).toHaveLength(row.ready);
    const rs = await cluster.get('ReplicaSet', NS, 'web-a');
    expect(rs.status).toMatchObject({ replicas: 2, readyReplicas: row.ready, availableReplicas: row.ready });
  });

  it('honours a configured ready delay', async () => {
    const { clock, cluster, sim, settle } = await setup(5000);
    stop = () => sim.stop();
    await cluster.create('ReplicaSet', replicaSet('web-a', 1));
    await settle();
    clock.advance(4000);
    await settle();
    expect((await cluster.get('ReplicaSet', NS, 'web-a')).status?.readyReplicas).toBe(0);
    clock.advance(1000);
    await settle();
    expect((await cluster.get('ReplicaSet', NS, 'web-a')).status?.readyReplicas).toBe(1);
  });

  it('fails and recovers a pod on demand, updating readyReplicas', async () => {
    const { clock, cluster, sim, settle } = await setup();
    stop = () => sim.stop();
    await cluster.create('ReplicaSet', replicaSet('web-a', 2));
    await settle();
    clock.advance(1000);
    await settle();
    const [victim] = (await cluster.list('Pod', { namespace: NS })).items;
    await sim.failPod(NS, victim!.metadata.name);
    await settle();
    expect((await cluster.get('ReplicaSet', NS, 'web-a')).status).toMatchObject({
      readyReplicas: 1,
      replicas: 2,
    });
    expect(isPodReady(await cluster.get('Pod', NS, victim!.metadata.name))).toBe(false);
    await sim.recoverPod(NS, victim!.metadata.name);
    await settle();
    expect((await cluster.get('ReplicaSet', NS, 'web-a')).status).toMatchObject({ readyReplicas: 2 });
  });

  it('scales down not-ready pods first', async () => {
    const { clock, cluster, sim, settle } = await setup();
    stop = () => sim.stop();
    await cluster.create('ReplicaSet', replicaSet('web-a', 3));
    await settle();
    clock.advance(1000);
    await settle();
    const pods = (await cluster.list('Pod', { namespace: NS })).items;
    const sick = pods[1]!.metadata.name;
    await sim.failPod(NS, sick);
    await settle();
    await cluster.patch('ReplicaSet', NS, 'web-a', { spec: { replicas: 2 } });
    await settle();
    const names = (await cluster.list('Pod', { namespace: NS })).items.map((p) => p.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(sick);
  });

  it('replaces a pod deleted from outside', async () => {
    const { cluster, sim, settle } = await setup();
    stop = () => sim.stop();
    await cluster.create('ReplicaSet', replicaSet('web-a', 2));
    await settle();
    const [first] = (await cluster.list('Pod', { namespace: NS })).items;
    await cluster.delete('Pod', NS, first!.metadata.name);
    await settle();
    const names = (await cluster.list('Pod', { namespace: NS })).items.map((p) => p.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(first!.metadata.name);
  });
});
