/**
 * An in-memory stand-in for the cluster the planner drives: applies a plan's workload actions and status, and
 * lets pods become available. Used by `simulateRollout` and the planner tests. Pure data in, data out.
 */
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import { replicaSetsAfter, servicesAfter } from './apply-actions.js';
import type { RolloutPlan, RolloutSnapshot, WorkloadAction } from './plan-types.js';
import { cloneJson } from '../util/json.js';

export interface SimCluster {
  rollout: Rollout;
  replicaSets: ReplicaSet[];
  services: Service[];
}

/**
 * The planner's view of the cluster. It shares the cluster's objects: the planner never writes into its snapshot
 * (test/rollout/snapshot-shared.test.ts plans on frozen copies), and `applyPlan` copies what it keeps from the plan,
 * so no object of one pass is changed under the next (ADR 0305).
 */
export function snapshotOf(cluster: SimCluster): RolloutSnapshot {
  return { rollout: cluster.rollout, replicaSets: cluster.replicaSets, services: cluster.services };
}

function applyAction(cluster: SimCluster, action: WorkloadAction): void {
  const namespace = cluster.rollout.metadata.namespace ?? '';
  cluster.replicaSets = replicaSetsAfter(cluster.replicaSets, action, namespace).map((rs) =>
    cluster.replicaSets.includes(rs) ? rs : cloneJson(rs),
  );
  cluster.services = servicesAfter(cluster.services, action, namespace, cluster.rollout.metadata.name);
}

/** Apply the plan's actions in order and write its status to the Rollout. */
export function applyPlan(cluster: SimCluster, plan: RolloutPlan): void {
  for (const action of plan.actions) applyAction(cluster, action);
  cluster.rollout.status = cloneJson(plan.status);
}

/** Every ReplicaSet's pods exist, are ready and available (or only `available` of them, when given per RS name). */
export function makePodsAvailable(cluster: SimCluster, available: Record<string, number> = {}): void {
  for (const rs of cluster.replicaSets) {
    const replicas = rs.spec.replicas ?? 1;
    const up = Math.min(replicas, available[rs.metadata.name] ?? replicas);
    rs.status = { replicas, readyReplicas: up, availableReplicas: up, fullyLabeledReplicas: replicas };
  }
}

/** A Service the rollout names, as a user would create it (optionally already managed). */
export function makeService(
  name: string,
  namespace: string | undefined,
  selector: Record<string, string>,
): Service {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { ...selector } },
  };
  if (namespace) svc.metadata.namespace = namespace;
  return svc;
}
