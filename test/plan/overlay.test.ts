/** applyPassWrites: the observation as it will be once a pass's writes are applied, one row per kind of write. */
import { describe, expect, it } from 'vitest';
import type { DestinationRule, VirtualService } from '../../src/api/istio.js';
import type { Rollout } from '../../src/api/rollout.js';
import type { ReplicaSet, Service } from '../../src/api/workloads.js';
import type { Observation } from '../../src/plan/observation.js';
import { applyPassWrites, type PassWrites } from '../../src/plan/overlay.js';

const NS = 'shop';
const HASH = 'rollouts-pod-template-hash';

function rs(name: string, replicas: number, ready: number, annotations?: Record<string, string>): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, labels: { [HASH]: name }, ...(annotations ? { annotations } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } } },
    },
    status: { replicas: ready, readyReplicas: ready, availableReplicas: ready },
  };
}

const service = (name: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NS },
  spec: { selector: { app: 'web' } },
});
const vs = (name: string, weight: number, namespace = NS): VirtualService => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec: { http: [{ route: [{ destination: { host: 'web' }, weight }] }] },
});
const dr = (hash: string): DestinationRule => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'web', namespace: NS },
  spec: { host: 'web', subsets: [{ name: 'canary', labels: { [HASH]: hash } }] },
});
const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: NS },
};

function observation(): Observation {
  return {
    rollout: rollout as Rollout,
    replicaSets: [rs('a', 3, 3)],
    services: [service('web')],
    virtualServices: [vs('web', 0)],
    destinationRule: dr('a'),
    mesh: {
      namespaces: [],
      services: [service('web'), service('other')],
      virtualServices: [vs('web', 0), vs('web', 0, 'elsewhere')],
      destinationRules: [dr('a')],
      gateways: [],
      sidecars: [],
      peerAuthentications: [],
      replicaSets: [rs('a', 3, 3), rs('other-app', 1, 1)],
      rootNamespace: 'istio-system',
    },
  };
}

const none: PassWrites = { actions: [], traffic: [] };
type Row = { name: string; writes: PassWrites; check: (o: Observation) => void };

const rows: Row[] = [
  {
    name: 'no writes: the same objects',
    writes: none,
    check: (o) => expect(o).toEqual(observation()),
  },
  {
    name: 'a new ReplicaSet joins both lists in the Rollout’s namespace, with no ready pod',
    writes: {
      ...none,
      actions: [{ type: 'createReplicaSet', replicaSet: { ...rs('b', 0, 0), status: {} } }],
    },
    check: (o) => {
      expect(o.replicaSets.map((r) => r.metadata.name)).toEqual(['a', 'b']);
      expect(o.mesh?.replicaSets.map((r) => r.metadata.name)).toEqual(['a', 'other-app', 'b']);
      expect(o.replicaSets[1]?.status?.readyReplicas).toBeUndefined();
    },
  },
  {
    name: 'a scale changes spec.replicas and merges annotations (null removes); ready counts stay observed',
    writes: {
      ...none,
      actions: [{ type: 'scaleReplicaSet', name: 'a', replicas: 1, annotations: { keep: 'x', drop: null } }],
    },
    check: (o) => {
      const scaled = o.mesh?.replicaSets.find((r) => r.metadata.name === 'a');
      expect(scaled?.spec.replicas).toBe(1);
      expect(scaled?.status?.readyReplicas).toBe(3);
      expect(scaled?.metadata.annotations).toEqual({ keep: 'x' });
      expect(o.replicaSets[0]?.spec.replicas).toBe(1);
    },
  },
  {
    name: 'a Service switch sets the hash selector and the owner annotation, in both lists',
    writes: { ...none, actions: [{ type: 'switchService', name: 'web', hash: 'b' }] },
    check: (o) => {
      for (const svc of [o.services[0], o.mesh?.services[0]]) {
        expect(svc?.spec.selector).toEqual({ app: 'web', [HASH]: 'b' });
        expect(svc?.metadata.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts']).toBe('web');
      }
      expect(o.mesh?.services[1]?.spec.selector).toEqual({ app: 'web' });
    },
  },
  {
    name: 'a VirtualService write replaces the one with its namespace and name only',
    writes: { ...none, traffic: [{ kind: 'VirtualService', object: vs('web', 30) }] },
    check: (o) => {
      expect(o.virtualServices[0]?.spec.http?.[0]?.route?.[0]?.weight).toBe(30);
      expect(o.mesh?.virtualServices.map((v) => v.spec.http?.[0]?.route?.[0]?.weight)).toEqual([30, 0]);
    },
  },
  {
    name: 'a DestinationRule write replaces the observed one',
    writes: { ...none, traffic: [{ kind: 'DestinationRule', object: dr('b') }] },
    check: (o) => {
      expect(o.destinationRule?.spec.subsets?.[0]?.labels?.[HASH]).toBe('b');
      expect(o.mesh?.destinationRules[0]?.spec.subsets?.[0]?.labels?.[HASH]).toBe('b');
    },
  },
  {
    name: 'writes apply in order: create, then scale the new ReplicaSet',
    writes: {
      ...none,
      actions: [
        { type: 'createReplicaSet', replicaSet: rs('b', 0, 0) },
        { type: 'scaleReplicaSet', name: 'b', replicas: 2 },
      ],
    },
    check: (o) => expect(o.replicaSets.find((r) => r.metadata.name === 'b')?.spec.replicas).toBe(2),
  },
];

describe('applyPassWrites', () => {
  it.each(rows)('$name', ({ writes, check }) => {
    const before = observation();
    const frozen = JSON.stringify(before);
    check(applyPassWrites(before, writes));
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('keeps the telemetry reading, which the observed path gate judges after the writes', () => {
    const telemetry = { time: 1, canaryRevision: 'b', window: '1m', callers: [] };
    const writes: PassWrites = {
      actions: [{ type: 'scaleReplicaSet', name: 'a', replicas: 2 }],
      traffic: [],
    };
    expect(applyPassWrites({ ...observation(), telemetry }, writes).telemetry).toBe(telemetry);
  });
});
