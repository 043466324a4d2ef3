/**
 * Endpoints from ReplicaSets, not Pods: one group per ReplicaSet with pods (ready = status.readyReplicas,
 * total = spec.replicas, sidecar from the template annotation and the namespace label). The controller, `get rollout`,
 * `analyze --live` and the dashboard all count endpoints this way, so their path tables agree. ADR 0090.
 */
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { ReplicaSet } from '../api/workloads.js';
import { podHasSidecar, type EndpointGroup, type NamespaceInfo } from './snapshot.js';

const podLabels = new WeakMap<ReplicaSet, Readonly<Record<string, string>>>();

/** The labels of a ReplicaSet's pods: its template's, with the pod-template hash the ReplicaSet carries. */
export function podLabelsOf(rs: ReplicaSet): Readonly<Record<string, string>> {
  let labels = podLabels.get(rs);
  if (!labels) {
    const own: Record<string, string> = { ...(rs.spec.template.metadata?.labels ?? {}) };
    const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    if (hash !== undefined && own[POD_TEMPLATE_HASH_LABEL] === undefined) own[POD_TEMPLATE_HASH_LABEL] = hash;
    labels = own;
    if (Object.isFrozen(rs)) podLabels.set(rs, labels);
  }
  return labels;
}

export function replicaSetEndpoints(
  replicaSets: readonly ReplicaSet[],
  namespaces: readonly NamespaceInfo[],
): EndpointGroup[] {
  const groups: EndpointGroup[] = [];
  for (const rs of replicaSets) {
    const namespace = rs.metadata.namespace ?? 'default';
    const meta = rs.spec.template.metadata;
    const labels = { ...podLabelsOf(rs) };
    const total = rs.spec.replicas ?? 1;
    const ready = rs.status?.readyReplicas ?? 0;
    if (total === 0 && ready === 0) continue;
    const sidecar = podHasSidecar(namespace, meta?.annotations, labels, namespaces);
    groups.push({ namespace, labels, ready, total, sidecar });
  }
  return groups;
}
