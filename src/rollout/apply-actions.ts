/**
 * A workload action applied to the ReplicaSets and Services it touches, as data: the one rule shared by the pass's
 * overlay (`plan/overlay.ts`) and the planner's simulated cluster (`sim-cluster.ts`). Never mutates its input.
 */
import {
  EPHEMERAL_METADATA_ANNOTATION,
  MANAGED_BY_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
} from '../api/labels.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import type { WorkloadAction } from './plan-types.js';

function mergeAnnotations(
  current: Record<string, string> | undefined,
  delta: Record<string, string | null> | undefined,
): Record<string, string> | undefined {
  if (!delta) return current;
  const merged = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(delta)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function patchReplicaSet(
  rs: ReplicaSet,
  replicas: number | undefined,
  annotations: Record<string, string | null> | undefined,
): ReplicaSet {
  const merged = mergeAnnotations(rs.metadata.annotations, annotations);
  return {
    ...rs,
    metadata: { ...rs.metadata, ...(merged ? { annotations: merged } : {}) },
    spec: replicas === undefined ? rs.spec : { ...rs.spec, replicas },
  };
}

function withTemplateMetadata(
  rs: ReplicaSet,
  action: Extract<WorkloadAction, { type: 'syncTemplateMetadata' }>,
): ReplicaSet {
  const template = rs.spec.template ?? {};
  const metadata = { ...(template.metadata ?? {}) };
  const labels = mergeAnnotations(metadata.labels, action.delta.labels);
  const annotations = mergeAnnotations(metadata.annotations, action.delta.annotations);
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  const patched = patchReplicaSet(rs, undefined, { [EPHEMERAL_METADATA_ANNOTATION]: action.record });
  return { ...patched, spec: { ...patched.spec, template: { ...template, metadata } } };
}

/** The ReplicaSets of `namespace` after one workload action (a ReplicaSet of another namespace is left alone). */
export function replicaSetsAfter(
  list: readonly ReplicaSet[],
  action: WorkloadAction,
  namespace: string,
): ReplicaSet[] {
  const mine = (rs: ReplicaSet, name: string) =>
    rs.metadata.name === name && (rs.metadata.namespace ?? namespace) === namespace;
  switch (action.type) {
    case 'createReplicaSet': {
      const created = action.replicaSet;
      if (list.some((rs) => mine(rs, created.metadata.name))) return [...list];
      const placed = created.metadata.namespace ?? (namespace || undefined);
      return [
        ...list,
        placed ? { ...created, metadata: { ...created.metadata, namespace: placed } } : created,
      ];
    }
    case 'scaleReplicaSet':
      return list.map((rs) =>
        mine(rs, action.name) ? patchReplicaSet(rs, action.replicas, action.annotations) : rs,
      );
    case 'annotateReplicaSet':
      return list.map((rs) =>
        mine(rs, action.name) ? patchReplicaSet(rs, undefined, action.annotations) : rs,
      );
    case 'deleteReplicaSet':
      return list.filter((rs) => !mine(rs, action.name));
    case 'syncTemplateMetadata':
      return list.map((rs) => (mine(rs, action.name) ? withTemplateMetadata(rs, action) : rs));
    case 'switchService':
    case 'evictPod':
    case 'patchPodMetadata':
    case 'scaleDeployment':
      return [...list];
  }
}

/** The Services of `namespace` after one workload action: a switch sets the hash selector and the owner annotation. */
export function servicesAfter(
  list: readonly Service[],
  action: WorkloadAction,
  namespace: string,
  owner: string,
): Service[] {
  if (action.type !== 'switchService') return [...list];
  return list.map((svc) => {
    if (svc.metadata.name !== action.name || (svc.metadata.namespace ?? namespace) !== namespace) return svc;
    const annotations = { ...(svc.metadata.annotations ?? {}), [MANAGED_BY_ANNOTATION]: owner };
    const selector = { ...(svc.spec.selector ?? {}), [POD_TEMPLATE_HASH_LABEL]: action.hash };
    return { ...svc, metadata: { ...svc.metadata, annotations }, spec: { ...svc.spec, selector } };
  });
}
