import { describe, expect, it } from 'vitest';
import { Informer } from '../../src/kube/informer.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { flush, newCluster, NS, replicaSetObject, serviceObject } from './fixtures.js';

async function startedInformer(options: ConstructorParameters<typeof Informer>[2] = {}) {
  const { cluster, clock } = await newCluster();
  await cluster.create('Service', serviceObject('a', { app: 'a' }));
  const informer = new Informer(cluster, 'Service', { clock, ...options });
  const seen: string[] = [];
  informer.onChange((key, type) => seen.push(`${type} ${key}`));
  informer.start();
  await flush();
  return { cluster, clock, informer, seen };
}

describe('Informer', () => {
  it('lists, then follows the watch; the cache hands out one shared, frozen object', async () => {
    const { cluster, informer, seen } = await startedInformer();
    await cluster.create('Service', serviceObject('b', {}));
    await cluster.delete('Service', NS, 'a');
    await flush();
    expect(informer.hasSynced()).toBe(true);
    expect(seen).toEqual(['ADDED shop/a', 'ADDED shop/b', 'DELETED shop/a']);
    const cached = informer.get(NS, 'b')!;
    expect(() => (cached.spec.selector = { mutated: 'yes' })).toThrow(TypeError);
    expect([informer.get(NS, 'b'), informer.list(NS)[0]]).toEqual([cached, cached]);
    expect(informer.get(NS, 'b')).toBe(cached);
    expect(informer.keys()).toEqual(['shop/b']);
  });

  it('reads one namespace from its own index; listShared is the same array until the kind changes', async () => {
    const { cluster, informer } = await startedInformer();
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await cluster.create('Service', {
      ...serviceObject('c', {}),
      metadata: { name: 'c', namespace: 'other' },
    });
    await flush();
    const names = (list: readonly { metadata: { name: string } }[]) =>
      list.map((o) => o.metadata.name).sort();
    const shop = informer.listShared(NS);
    const every = informer.listShared();
    expect([names(shop), names(informer.listShared('other')), names(every)]).toEqual([
      ['a'],
      ['c'],
      ['a', 'c'],
    ]);
    expect([informer.listShared(NS), informer.listShared()]).toEqual([shop, every]);
    expect(informer.listShared(NS)).toBe(shop);
    const copy = informer.list(NS);
    copy.pop();
    expect(names(informer.list(NS))).toEqual(['a']);
    await cluster.create('Service', serviceObject('b', {}));
    await cluster.delete('Service', 'other', 'c');
    await flush();
    expect(informer.listShared(NS)).not.toBe(shop);
    expect([
      names(informer.listShared(NS)),
      names(informer.listShared('other')),
      names(informer.list()),
    ]).toEqual([['a', 'b'], [], ['a', 'b']]);
    expect(names(informer.list(NS, (s) => s.metadata.name === 'b'))).toEqual(['b']);
  });

  it('caches objects without managedFields and the last-applied annotation, other annotations kept', async () => {
    const { cluster, informer } = await startedInformer();
    const svc = serviceObject('applied', {});
    await cluster.create('Service', {
      ...svc,
      metadata: {
        ...svc.metadata,
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":1}', team: 'shop' },
      } as typeof svc.metadata,
    });
    await flush();
    const cached = informer.get(NS, 'applied')!.metadata as unknown as Record<string, unknown>;
    expect([cached['managedFields'], cached['annotations']]).toEqual([undefined, { team: 'shop' }]);
  });

  it('re-opens a cleanly closed watch from its last resourceVersion without relisting', async () => {
    const { cluster, informer } = await startedInformer();
    cluster.closeWatches();
    await flush();
    await cluster.create('Service', serviceObject('b', {}));
    await flush();
    expect([informer.relists, informer.keys().length, cluster.openWatches()]).toEqual([1, 2, 1]);
  });

  it('relists on 410 Gone and picks up changes it never saw as events', async () => {
    const { cluster, informer, seen } = await startedInformer();
    cluster.closeWatches();
    void cluster.create('Service', serviceObject('missed', {}));
    cluster.compactHistory();
    await flush();
    expect(informer.relists).toBe(2);
    expect(informer.restarts).toBe(0);
    expect(seen).toContain('ADDED shop/missed');
    expect(seen).toContain('RESYNC shop/a');
  });

  it.each([
    { name: 'a failing list', fail: 'list' as const },
    { name: 'a broken watch', fail: 'watch' as const },
  ])('restarts with exponential backoff after $name', async ({ fail }) => {
    const errors: Error[] = [];
    const { cluster, clock, informer } = await startedInformer({
      backoffInitialMs: 100,
      onError: (e) => errors.push(e),
    });
    let remaining = 1;
    cluster.faultInjector = (op) =>
      op.verb === fail && remaining-- > 0
        ? new KubeApiError(500, 'InternalError', 'etcd unavailable')
        : undefined;
    cluster.closeWatches(new Error('connection reset'));
    await flush();
    clock.advance(100);
    await flush();
    expect(informer.restarts).toBe(2);
    clock.advance(199);
    await flush();
    expect(informer.restarts).toBe(2);
    clock.advance(1);
    await flush();
    await cluster.create('Service', serviceObject('after', {}));
    await flush();
    expect(informer.keys()).toContain('shop/after');
    expect(errors.length).toBe(2);
  });

  it('relists periodically and reports RESYNC for unchanged objects', async () => {
    const { clock, informer, seen } = await startedInformer({ resyncMs: 60_000 });
    clock.advance(60_000);
    await flush();
    expect(informer.relists).toBe(2);
    expect(seen).toEqual(['ADDED shop/a', 'RESYNC shop/a']);
  });

  it('watchdog: unhealthy after a silence longer than maxSilenceMs, or once stopped', async () => {
    const { cluster, clock, informer } = await startedInformer({ resyncMs: 3_600_000, maxSilenceMs: 10_000 });
    clock.advance(9_000);
    await cluster.create('Service', serviceObject('b', {}));
    await flush();
    clock.advance(9_000);
    expect(informer.healthy(clock.now())).toBe(true);
    clock.advance(1_001);
    expect(informer.healthy(clock.now())).toBe(false);
    cluster.sendBookmarks();
    await flush();
    expect(informer.healthy(clock.now())).toBe(true);
    informer.stop();
    expect(informer.healthy(clock.now())).toBe(false);
  });

  it('watchdog: unhealthy when list keeps failing for longer than maxFailingMs, healthy again after recovery', async () => {
    const { cluster, clock, informer } = await startedInformer({
      backoffInitialMs: 1_000,
      backoffMaxMs: 5_000,
      maxFailingMs: 20_000,
    });
    let forbidden = true;
    cluster.faultInjector = (op) =>
      forbidden && op.verb === 'list'
        ? new KubeApiError(403, 'Forbidden', 'services is forbidden')
        : undefined;
    cluster.closeWatches(new Error('connection reset'));
    await flush();
    for (let t = 0; t < 20_000; t += 1_000) {
      clock.advance(1_000);
      await flush();
    }
    expect(informer.healthy(clock.now())).toBe(true);
    clock.advance(1_000);
    await flush();
    expect(informer.healthy(clock.now())).toBe(false);
    forbidden = false;
    clock.advance(5_000);
    await flush();
    await cluster.create('Service', serviceObject('after', {}));
    await flush();
    expect(informer.healthy(clock.now())).toBe(true);
  });

  it('a label-filtered ReplicaSet informer sees only ReplicaSets carrying the pod-template-hash label', async () => {
    const { cluster, clock } = await newCluster();
    const informer = new Informer(cluster, 'ReplicaSet', {
      clock,
      labelSelector: 'rollouts-pod-template-hash',
    });
    informer.start();
    await cluster.create('ReplicaSet', replicaSetObject('deploy-rs', { app: 'x' }));
    await cluster.create(
      'ReplicaSet',
      replicaSetObject('web-h1', { app: 'x', 'rollouts-pod-template-hash': 'h1' }),
    );
    await flush();
    expect(informer.keys()).toEqual(['shop/web-h1']);
  });
});
