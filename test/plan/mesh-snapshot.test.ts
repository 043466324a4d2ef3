/**
 * meshSnapshotOf keeps each ReplicaSet's endpoint groups per ReplicaSet object: the result is always what
 * replicaSetEndpoints gives, also when the same ReplicaSet's namespace turns sidecar injection on or off.
 */
import { describe, expect, it } from 'vitest';
import type { Namespace, ReplicaSet } from '../../src/api/workloads.js';
import { replicaSetEndpoints } from '../../src/mesh/replicaset-endpoints.js';
import { namespaceInfo } from '../../src/mesh/snapshot.js';
import type { MeshObservation } from '../../src/plan/observation.js';
import { meshSnapshotOf } from '../../src/plan/paths.js';

const rs = (name: string, namespace: string, ready: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace, labels: { 'rollouts-pod-template-hash': name } },
  spec: { replicas: 2, selector: {}, template: { metadata: { labels: { app: name } } } },
  status: { replicas: 2, readyReplicas: ready },
});

const ns = (name: string, injection: string | undefined): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(injection ? { labels: { 'istio-injection': injection } } : {}) },
});

function mesh(namespaces: Namespace[], replicaSets: ReplicaSet[]): MeshObservation {
  const none: never[] = [];
  return {
    namespaces,
    services: none,
    virtualServices: none,
    destinationRules: none,
    gateways: none,
    sidecars: none,
    peerAuthentications: none,
    replicaSets,
    rootNamespace: 'istio-system',
  };
}

describe('meshSnapshotOf endpoints', () => {
  const a = rs('a', 'shop', 2);
  const b = rs('b', 'other', 1);
  const scaledDown = { ...rs('c', 'shop', 0), spec: { ...rs('c', 'shop', 0).spec, replicas: 0 } };
  it.each([
    ['both injected', [ns('shop', 'enabled'), ns('other', 'enabled')]],
    ['shop no longer injected', [ns('shop', undefined), ns('other', 'enabled')]],
    ['shop injected again, other not', [ns('shop', 'enabled'), ns('other', 'disabled')]],
    ['no namespace known', []],
  ])('equals replicaSetEndpoints: %s', (_name, namespaces) => {
    const replicaSets = [a, b, scaledDown];
    const expected = replicaSetEndpoints(replicaSets, namespaces.map(namespaceInfo));
    expect(meshSnapshotOf(mesh(namespaces, replicaSets)).endpoints).toEqual(expected);
  });

  it('follows a new version of a ReplicaSet', () => {
    const namespaces = [ns('shop', 'enabled')];
    expect(meshSnapshotOf(mesh(namespaces, [a])).endpoints[0]?.ready).toBe(2);
    const newer = { ...a, status: { ...a.status, readyReplicas: 1 } };
    expect(meshSnapshotOf(mesh(namespaces, [newer])).endpoints[0]?.ready).toBe(1);
  });
});
