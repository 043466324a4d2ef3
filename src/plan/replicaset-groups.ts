/**
 * Endpoint groups counted from ReplicaSets (`replicaSetEndpoints`, ADR 0090), kept per ReplicaSet object: cached
 * objects are frozen, so a new version is a new object. And which ReplicaSets the path model reads for one Rollout
 * (ADR 0320): its own and those a Service of its scope selects; of the others only whether some run pods without a
 * sidecar, which makes their namespace's callers plain too.
 */
import { ownedBy } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, ReplicaSet, Service } from '../api/workloads.js';
import { labelsMatch } from '../mesh/index-snapshot.js';
import { podLabelsOf, replicaSetEndpoints } from '../mesh/replicaset-endpoints.js';
import type { MeshSource } from '../mesh/scope.js';
import { optedOutKey, ownerKey, podLabelKey } from '../mesh/scope-keys.js';
import {
  namespaceDataplane,
  namespaceInfo,
  podHasSidecar,
  type EndpointGroup,
  type NamespaceInfo,
} from '../mesh/snapshot.js';

const infosByList = new WeakMap<readonly Namespace[], readonly NamespaceInfo[]>();

/** The model's view of Namespaces, once per frozen list (an informer's, shared until its next change). */
export function namespaceInfosOf(namespaces: readonly Namespace[]): readonly NamespaceInfo[] {
  let infos = infosByList.get(namespaces);
  if (!infos) {
    infos = namespaces.map((ns) => namespaceInfo(ns));
    if (Object.isFrozen(namespaces)) infosByList.set(namespaces, infos);
  }
  return infos;
}

const groupsByReplicaSet = new WeakMap<ReplicaSet, { injected: boolean; groups: EndpointGroup[] }>();

/** Whether each namespace injects sidecars: the one input of a ReplicaSet's groups besides the ReplicaSet. */
function injection(namespaces: readonly NamespaceInfo[]): Map<string, boolean> {
  return new Map(namespaces.map((n) => [n.name, podHasSidecar(n.name, undefined, undefined, [n])]));
}

function groupsOf(
  rs: ReplicaSet,
  injected: ReadonlyMap<string, boolean>,
  namespaces: readonly NamespaceInfo[],
): EndpointGroup[] {
  const inNamespace = injected.get(rs.metadata.namespace ?? 'default') ?? false;
  let known = groupsByReplicaSet.get(rs);
  if (known?.injected !== inNamespace) {
    known = { injected: inNamespace, groups: replicaSetEndpoints([rs], namespaces) };
    if (Object.isFrozen(rs)) groupsByReplicaSet.set(rs, known);
  }
  return known.groups;
}

/** The endpoint groups of ReplicaSets, in their order. */
export function endpointsOf(
  replicaSets: readonly ReplicaSet[],
  namespaces: readonly NamespaceInfo[],
): EndpointGroup[] {
  const injected = injection(namespaces);
  return replicaSets.flatMap((rs) => groupsOf(rs, injected, namespaces));
}

export interface ScopedReplicaSets {
  /** The Rollout's own ReplicaSets and those a Service of the scope selects, in cache order. */
  replicaSets: ReplicaSet[];
  /** Namespaces where a ReplicaSet left out runs pods without a sidecar. */
  sidecarlessPodNamespaces: string[];
}

/** Candidates: the Rollout's own ReplicaSets and those with the first label of some selector; the exact rules follow. */
function candidateKeys(rollout: Rollout, selectors: readonly ServiceSelector[]): string[] {
  const keys = [ownerKey(rollout)];
  for (const { namespace, selector } of selectors) {
    const [key, value] = Object.entries(selector)[0] ?? [];
    if (key !== undefined && value !== undefined) keys.push(podLabelKey(namespace, key, value));
  }
  return keys;
}

interface ServiceSelector {
  namespace: string;
  selector: Record<string, string>;
}

/**
 * Namespaces where a ReplicaSet outside `kept` runs pods without a sidecar. Only a namespace that injects sidecars
 * can be named: elsewhere its callers are not sidecar callers, and which of them run without one changes nothing
 * (`deriveCallers`). In such a namespace only pods that opt out run without a sidecar (`optedOutKey`).
 */
function sidecarlessOutside(
  source: ReplicaSetSource,
  namespace: string,
  kept: ReadonlySet<ReplicaSet>,
  namespaces: readonly NamespaceInfo[],
): string[] {
  const info = namespaces.find((n) => n.name === namespace);
  if (!info || namespaceDataplane(info.labels) !== 'sidecar') return [];
  const candidates = source.lookup?.replicaSets([optedOutKey(namespace)]) ?? source.replicaSets(namespace);
  const injected = injection(namespaces);
  const outside = candidates.some(
    (rs) => !kept.has(rs) && groupsOf(rs, injected, namespaces).some((group) => !group.sidecar),
  );
  return outside ? [namespace] : [];
}

type ReplicaSetSource = Pick<MeshSource, 'replicaSets' | 'lookup'>;

/**
 * The ReplicaSets of the Rollout's namespace the model reads: its own and those selected by a Service of `services`
 * (its scope), in source order, and the namespaces where one left out runs pods without a sidecar.
 */
export function scopedReplicaSets(
  source: ReplicaSetSource,
  rollout: Rollout,
  services: readonly Service[],
  namespaces: readonly NamespaceInfo[],
): ScopedReplicaSets {
  const namespace = rollout.metadata.namespace ?? 'default';
  const selectors = services
    .map((svc) => ({ namespace: svc.metadata.namespace ?? 'default', selector: svc.spec.selector ?? {} }))
    .filter((s) => s.namespace === namespace && Object.keys(s.selector).length > 0);
  const candidates =
    source.lookup?.replicaSets(candidateKeys(rollout, selectors)) ?? source.replicaSets(namespace);
  const replicaSets = candidates.filter(
    (rs) =>
      (rs.metadata.namespace ?? 'default') === namespace &&
      (ownedBy(rs, rollout) || selectors.some((s) => labelsMatch(s.selector, podLabelsOf(rs)))),
  );
  const sidecarlessPodNamespaces = sidecarlessOutside(source, namespace, new Set(replicaSets), namespaces);
  return { replicaSets, sidecarlessPodNamespaces };
}
