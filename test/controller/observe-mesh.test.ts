/** What the controller's path model reads for one Rollout: its own hosts' configuration, not the whole mesh's. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import type { KindMap, KindName } from '../../src/kube/cluster.js';
import { observeRollout, type CacheReader } from '../../src/controller/observe.js';
import { DEMO_NAMESPACE as NS, DEMO_VIRTUAL_SERVICE, demoObjects } from '../../src/sandbox/demo.js';

function cacheOf<K extends KindName>(objects: readonly KubeObject[], kind: K): CacheReader<K> {
  const ofKind = objects.filter((o) => o.kind === kind) as KindMap[K][];
  return {
    get: (namespace, name) =>
      ofKind.find((o) => o.metadata.name === name && (o.metadata.namespace ?? '') === namespace),
    list: (namespace, filter) =>
      ofKind.filter((o) => (!namespace || o.metadata.namespace === namespace) && (!filter || filter(o))),
  };
}

const vs = (namespace: string, name: string, hosts: string[]): KubeObject =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: { hosts, gateways: ['mesh'], http: [{ route: [{ destination: { host: hosts[0] } }] }] },
  }) as KubeObject;
const dr = (namespace: string, name: string, host: string): KubeObject =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace },
    spec: { host },
  }) as KubeObject;

describe('observeRollout: the mesh observation', () => {
  const demo = demoObjects().map(({ object }) => object as KubeObject);
  const rollout = demo.find((o) => o.kind === 'Rollout') as Rollout;
  const service = rollout.spec.strategy.canary!.canaryService ?? rollout.metadata.name;
  const objects = [
    ...demo,
    vs('payments', 'payments', ['payments.payments.svc.cluster.local']),
    vs('other', 'same-name-elsewhere', [`${service}.other.svc.cluster.local`]),
    vs('other', 'everything', ['*.svc.cluster.local']),
    dr('payments', 'payments', 'payments'),
    dr('other', 'for-the-rollout', `${service}.${NS}.svc.cluster.local`),
  ];
  const caches = {
    rollouts: cacheOf(objects, 'Rollout'),
    replicaSets: cacheOf(objects, 'ReplicaSet'),
    services: cacheOf(objects, 'Service'),
    virtualServices: cacheOf(objects, 'VirtualService'),
    destinationRules: cacheOf(objects, 'DestinationRule'),
    namespaces: cacheOf(objects, 'Namespace'),
    gateways: cacheOf(objects, 'Gateway'),
    sidecars: cacheOf(objects, 'Sidecar'),
    peerAuthentications: cacheOf(objects, 'PeerAuthentication'),
  };
  const snapshot = observeRollout(caches, rollout.metadata.namespace ?? '', rollout.metadata.name)!.mesh!;
  const names = (list: readonly KubeObject[]) =>
    list.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();

  it("keeps the Rollout's referenced VirtualService whatever its hosts, and those that may name its Services", () => {
    expect(names(snapshot.virtualServices)).toEqual(
      [`${NS}/${DEMO_VIRTUAL_SERVICE}`, 'other/everything', 'other/same-name-elsewhere'].sort(),
    );
  });

  it('keeps the DestinationRules of its hosts only', () => {
    expect(names(snapshot.destinationRules)).toEqual(
      [...names(demo.filter((o) => o.kind === 'DestinationRule')), 'other/for-the-rollout'].sort(),
    );
  });

  it('keeps every Namespace (callers live anywhere)', () => {
    expect(snapshot.namespaces.length).toBe(objects.filter((o) => o.kind === 'Namespace').length);
  });

  it('follows a VirtualService added to caches that hand out the same arrays until they change', () => {
    const shared = <K extends KindName>(list: () => KindMap[K][]) => {
      let last: KindMap[K][] | undefined;
      return {
        ...cacheOf([], 'Service'),
        listShared: () => (last ??= list()),
        changed: () => (last = undefined),
      };
    };
    let extra: KubeObject[] = [];
    const virtualServices = shared(
      () => [...objects, ...extra].filter((o) => o.kind === 'VirtualService') as KindMap['VirtualService'][],
    );
    const live = { ...caches, virtualServices } as unknown as typeof caches;
    const observe = () =>
      observeRollout(live, rollout.metadata.namespace ?? '', rollout.metadata.name)!.mesh!;
    const before = names(observe().virtualServices);
    extra = [vs('late', 'added-later', [`${service}.late.svc.cluster.local`])];
    expect(names(observe().virtualServices)).toEqual(before);
    virtualServices.changed();
    expect(names(observe().virtualServices)).toEqual([...before, 'late/added-later'].sort());
  });
});
