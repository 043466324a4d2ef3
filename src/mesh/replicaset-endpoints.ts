/**
 * Endpoints from ReplicaSets, not Pods: one group per ReplicaSet with pods (ready = status.readyReplicas,
 * total = spec.replicas, sidecar from the template annotation and the namespace label). The controller, `get rollout`,
 * `analyze --live` and the dashboard all count endpoints this way, so their path tables agree. ADR 0090.
 */
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { ReplicaSet } from '../api/workloads.js';
import { podHasSidecar, type EndpointGroup, type NamespaceInfo } from './snapshot.js';

export function replicaSetEndpoints(
  replicaSets: readonly ReplicaSet[],
  namespaces: readonly NamespaceInfo[],
): EndpointGroup[] {
  const groups: EndpointGroup[] = [];
  for (const rs of replicaSets) {
    const namespace = rs.metadata.namespace ?? 'default';
    const meta = rs.spec.template.metadata;
    const labels = { ...(meta?.labels ?? {}) };
    const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    if (hash !== undefined && labels[POD_TEMPLATE_HASH_LABEL] === undefined)
      labels[POD_TEMPLATE_HASH_LABEL] = hash;
    const total = rs.spec.replicas ?? 1;
    const ready = rs.status?.readyReplicas ?? 0;
    if (total === 0 && ready === 0) continue;
    const sidecar = podHasSidecar(namespace, meta?.annotations, labels, namespaces);
    groups.push({ namespace, labels, ready, total, sidecar });
  }
  return groups;
}
