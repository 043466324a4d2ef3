import type { Rollout } from '../../src/api/rollout.js';
import type { Pod, ReplicaSet, Service } from '../../src/api/workloads.js';
import type { NewObject } from '../../src/kube/cluster.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { ManualClock } from '../../src/kube/clock.js';

export const NS = 'shop';

/** Lets queued watch deliveries (microtasks) and resolved promises run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function newCluster(
  namespaces: string[] = [NS],
  historyLimit = 1000,
): Promise<{ cluster: MemoryCluster; clock: ManualClock }> {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const cluster = new MemoryCluster({ clock, historyLimit });
  for (const name of namespaces)
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return { cluster, clock };
}

export function rolloutObject(name: string, replicas = 1): NewObject<Rollout> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
      strategy: { canary: { steps: [{ setWeight: 20 }] } },
    },
  };
}

export function replicaSetObject(
  name: string,
  labels: Record<string, string>,
  owner?: { kind: string; name: string; uid: string },
): NewObject<ReplicaSet> {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: NS,
      labels,
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', ...owner, controller: true }] }
        : {}),
    },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels } } },
  };
}

export function podObject(
  name: string,
  labels: Record<string, string>,
  owner?: { name: string; uid: string },
) {
  const pod: NewObject<Pod> = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels,
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', ...owner, controller: true }] }
        : {}),
    },
    spec: { containers: [{ name: 'app' }] },
  };
  return pod;
}

export function serviceObject(name: string, selector: Record<string, string>): NewObject<Service> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector } };
}
