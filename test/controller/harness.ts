/**
 * Drives the real controller (informers, workqueue, reconciler, real planner and router) against the in-memory
 * cluster with a manual clock. A small workload simulator stands in for kube-controller-manager: each ReplicaSet's
 * status follows its spec.replicas, except the ones a test holds back.
 */
import type { DestinationRule, VirtualService } from '../../src/api/istio.js';
import type { Rollout } from '../../src/api/rollout.js';
import type { ReplicaSet } from '../../src/api/workloads.js';
import { RolloutController } from '../../src/controller/controller.js';
import { defaultPlanning } from '../../src/controller/planning.js';
import type { Planning } from '../../src/controller/planning.js';
import type { Cluster } from '../../src/kube/cluster.js';
import type { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { flush, newCluster, NS } from '../kube/fixtures.js';

export interface Harness {
  cluster: Awaited<ReturnType<typeof newCluster>>['cluster'];
  clock: Awaited<ReturnType<typeof newCluster>>['clock'];
  controller: RolloutController;
  /** ReplicaSet names whose pods never become available. */
  unavailable: Set<string>;
  /** Reconciles and simulates workloads until nothing is left to do right now. */
  settle(): Promise<void>;
  /** Moves the clock (firing timed requeues) and settles after each second. */
  advance(ms: number): Promise<void>;
  rollout(name?: string): Promise<Rollout>;
  replicaSets(): Promise<ReplicaSet[]>;
  virtualService(name: string): Promise<VirtualService>;
  destinationRule(name: string): Promise<DestinationRule>;
}

async function simulateWorkloads(h: Pick<Harness, 'cluster' | 'unavailable'>): Promise<void> {
  for (const rs of (await h.cluster.list('ReplicaSet', { namespace: NS })).items) {
    const replicas = rs.spec.replicas ?? 0;
    const available = h.unavailable.has(rs.metadata.name) ? 0 : replicas;
    const status = {
      replicas,
      readyReplicas: available,
      availableReplicas: available,
      fullyLabeledReplicas: replicas,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    if (JSON.stringify(rs.status ?? {}) !== JSON.stringify(status))
      await h.cluster.updateStatus('ReplicaSet', { ...rs, status });
  }
}

/** `wrap`: what the controller talks to instead of the memory cluster itself (a test's view of it). */
export async function startHarness(
  planning: Planning = defaultPlanning,
  wrap: (cluster: MemoryCluster) => Cluster = (c) => c,
): Promise<Harness> {
  const { cluster, clock } = await newCluster();
  const controller = new RolloutController({ cluster: wrap(cluster), clock, planning });
  controller.startInformers();
  await flush();
  const h: Harness = {
    cluster,
    clock,
    controller,
    unavailable: new Set(),
    async settle() {
      for (let round = 0; round < 500; round++) {
        await flush();
        if (controller.queue.depth() === 0) {
          await simulateWorkloads(h);
          await flush();
          if (controller.queue.depth() === 0) return;
        }
        const key = await controller.queue.get();
        if (key === undefined) return;
        try {
          await controller.processKey(key);
        } finally {
          controller.queue.done(key);
        }
      }
      throw new Error('controller did not settle in 500 rounds');
    },
    async advance(ms) {
      for (let t = 0; t < ms; t += 1_000) {
        clock.advance(Math.min(1_000, ms - t));
        await h.settle();
      }
    },
    rollout: (name = 'web') => cluster.get('Rollout', NS, name),
    replicaSets: async () => (await cluster.list('ReplicaSet', { namespace: NS })).items,
    virtualService: (name) => cluster.get('VirtualService', NS, name),
    destinationRule: (name) => cluster.get('DestinationRule', NS, name),
  };
  return h;
}
