import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Service } from '../../src/api/workloads.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';

const SERVICE: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { selector: { app: 'web' } },
};

async function clusterWithService(sharedReads: boolean): Promise<MemoryCluster> {
  const cluster = new MemoryCluster({ sharedReads });
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await cluster.create('Service', SERVICE);
  return cluster;
}

async function listedService(cluster: MemoryCluster): Promise<Service> {
  const found = (await cluster.list('Service', { namespace: 'shop' })).items[0];
  if (!found) throw new Error('the Service was not listed');
  return found;
}

/** The object the first watch event from resourceVersion 0 delivers (the replayed ADDED). */
function watchedService(cluster: MemoryCluster): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    const handle = cluster.watch(
      'Service',
      { namespace: 'shop', resourceVersion: '0' },
      (event) => {
        handle.stop();
        resolve(event.object);
      },
      (error) => (error ? reject(error) : undefined),
    );
  });
}

describe('MemoryCluster sharedReads: lists and watches hand out one frozen copy (the sandbox)', () => {
  it.each([
    { sharedReads: true, same: true },
    { sharedReads: false, same: false },
  ])('sharedReads $sharedReads: list and watch hand out the stored object: $same', async (row) => {
    const cluster = await clusterWithService(row.sharedReads);
    const first = await listedService(cluster);
    expect((await listedService(cluster)) === first).toBe(row.same);
    expect((await watchedService(cluster)) === first).toBe(row.same);
  });

  it.each([
    { field: 'metadata.labels', mutate: (s: Service) => ((s.metadata.labels ?? {}).app = 'changed') },
    { field: 'spec.selector', mutate: (s: Service) => ((s.spec.selector ?? {}).app = 'changed') },
    { field: 'spec', mutate: (s: Service) => (s.spec.type = 'NodePort') },
  ])(
    'a reader that changes $field of a listed object gets an error and the cluster is unchanged',
    async (row) => {
      const cluster = await clusterWithService(true);
      const listed = await listedService(cluster);
      expect(() => row.mutate(listed)).toThrow(TypeError);
      const stored = await cluster.get('Service', 'shop', 'web');
      expect(stored.spec).toEqual(SERVICE.spec);
      expect(stored.metadata.labels).toEqual(SERVICE.metadata.labels);
    },
  );

  it('a write replaces the object: what a reader holds stays the version it read, and get still copies', async () => {
    const cluster = await clusterWithService(true);
    const before = await listedService(cluster);
    const copy = await cluster.get('Service', 'shop', 'web');
    copy.spec.selector = { app: 'web', tier: 'front' };
    await cluster.update('Service', copy);
    expect(before.spec.selector).toEqual({ app: 'web' });
    expect((await listedService(cluster)).spec.selector).toEqual({ app: 'web', tier: 'front' });
  });
});
