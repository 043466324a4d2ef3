import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/api/rollout.js';
import type { ReplicaSet, Service } from '../../src/api/workloads.js';
import { meshSourceOf } from '../../src/mesh/scope.js';
import { scopedReplicaSets } from '../../src/plan/replicaset-groups.js';

const NS = 'shop';
const ROLLOUT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: NS, uid: 'u-web' },
  spec: { strategy: { canary: {} }, template: { metadata: { labels: { app: 'web' } } } },
} as unknown as Rollout;

function rs(
  name: string,
  labels: Record<string, string>,
  opts: { owner?: string; sidecar?: boolean } = {},
): ReplicaSet {
  const annotations = opts.sidecar === false ? { 'sidecar.istio.io/inject': 'false' } : undefined;
  const ownerReferences = opts.owner
    ? [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'web',
          uid: opts.owner,
          controller: true,
        },
      ]
    : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels, ...(annotations ? { annotations } : {}) } },
    },
    status: { replicas: 1, readyReplicas: 1 },
  };
}

const svc = (name: string, selector: Record<string, string>, namespace = NS): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector },
});

const INJECTED = [{ name: NS, labels: { 'istio-injection': 'enabled' } }];

describe('scopedReplicaSets: what the model reads of a namespace', () => {
  it.each([
    {
      name: 'its own ReplicaSet although no Service selects it',
      all: [rs('web-1', { app: 'web-old' }, { owner: 'u-web' })],
      services: [svc('web', { app: 'web' })],
      kept: ['web-1'],
      sidecarless: [],
    },
    {
      name: "another workload's pods a Service of the scope selects",
      all: [rs('batch', { app: 'web', role: 'batch' }), rs('other', { app: 'other' })],
      services: [svc('web', { app: 'web' })],
      kept: ['batch'],
      sidecarless: [],
    },
    {
      name: 'a Service of another namespace selects nothing here; a Service without a selector neither',
      all: [rs('web-1', { app: 'web' })],
      services: [svc('web', { app: 'web' }, 'istio-system'), svc('ext', {})],
      kept: [],
      sidecarless: [],
    },
    {
      name: 'a ReplicaSet left out runs pods without a sidecar: its namespace is named',
      all: [rs('web-1', { app: 'web' }), rs('job', { app: 'job' }, { sidecar: false })],
      services: [svc('web', { app: 'web' })],
      kept: ['web-1'],
      sidecarless: [NS],
    },
    {
      name: 'a kept one without a sidecar is counted from its endpoints, not named again',
      all: [rs('web-1', { app: 'web' }, { sidecar: false })],
      services: [svc('web', { app: 'web' })],
      kept: ['web-1'],
      sidecarless: [],
    },
  ])('$name', ({ all, services, kept, sidecarless }) => {
    const indexed = meshSourceOf(all);
    const { lookup: _index, ...scanning } = indexed;
    for (const source of [indexed, scanning]) {
      const scoped = scopedReplicaSets(source, ROLLOUT, services, INJECTED);
      expect(scoped.replicaSets.map((r) => r.metadata.name)).toEqual(kept);
      expect(scoped.sidecarlessPodNamespaces).toEqual(sidecarless);
    }
  });
});
