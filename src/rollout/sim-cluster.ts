/**
 * An in-memory stand-in for the cluster the planner drives: applies a plan's workload actions and status, and
 * lets pods become available. Used by `simulateRollout` and the planner tests. Pure data in, data out.
 */
import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import type { RolloutPlan, RolloutSnapshot, WorkloadAction } from './plan-types.js';

export interface SimCluster {
  rollout: Rollout;
  replicaSets: ReplicaSet[];
  services: Service[];
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function snapshotOf(cluster: SimCluster): RolloutSnapshot {
  return clone({ rollout: cluster.rollout, replicaSets: cluster.replicaSets, services: cluster.services });
}

function mergeAnnotations(rs: ReplicaSet, annotations: Record<string, string | null> | undefined): void {
  if (!annotations) return;
  const merged = { ...(rs.metadata.annotations ?? {}) };
  for (const [key, value] of Object.entries(annotations)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  rs.metadata.annotations = merged;
}

function applyAction(cluster: SimCluster, action: WorkloadAction): void {
  const byName = (name: string): ReplicaSet | undefined =>
    cluster.replicaSets.find((rs) => rs.metadata.name === name);
  switch (action.type) {
    case 'createReplicaSet':
      if (!byName(action.replicaSet.metadata.name)) cluster.replicaSets.push(clone(action.replicaSet));
      return;
    case 'scaleReplicaSet': {
      const rs = byName(action.name);
      if (rs) rs.spec.replicas = action.replicas;
      if (rs) mergeAnnotations(rs, action.annotations);
      return;
    }
    case 'annotateReplicaSet': {
      const rs = byName(action.name);
      if (rs) mergeAnnotations(rs, action.annotations);
      return;
    }
    case 'deleteReplicaSet':
      cluster.replicaSets = cluster.replicaSets.filter((rs) => rs.metadata.name !== action.name);
      return;
    case 'switchService': {
      const svc = cluster.services.find((s) => s.metadata.name === action.name);
      if (!svc) return;
      svc.spec.selector = { ...(svc.spec.selector ?? {}), [POD_TEMPLATE_HASH_LABEL]: action.hash };
      svc.metadata.annotations = {
        ...(svc.metadata.annotations ?? {}),
        [MANAGED_BY_ANNOTATION]: cluster.rollout.metadata.name,
      };
    }
  }
}

/** Apply the plan's actions in order and write its status to the Rollout. */
export function applyPlan(cluster: SimCluster, plan: RolloutPlan): void {
  for (const action of plan.actions) applyAction(cluster, action);
  cluster.rollout.status = clone(plan.status);
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
