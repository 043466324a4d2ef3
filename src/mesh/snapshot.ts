import type {
  DestinationRule,
  Gateway,
  KubeObject,
  Namespace,
  PeerAuthentication,
  Pod,
  ReplicaSet,
  Rollout,
  Service,
  Sidecar,
  VirtualService,
} from '../api/index.js';
import { isPodReady, POD_TEMPLATE_HASH_LABEL } from '../api/index.js';

/**
 * What the traffic-path model reads. The same shape serves manifests (CI: endpoint groups are built from
 * ReplicaSet templates × replica counts) and a live cluster (pods collapse into groups with identical labels).
 */
export interface MeshSnapshot {
  namespaces: NamespaceInfo[];
  services: Service[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  gateways: Gateway[];
  sidecars: Sidecar[];
  peerAuthentications: PeerAuthentication[];
  endpoints: EndpointGroup[];
  /**
   * Namespaces that run pods without a sidecar besides those of `endpoints` (which may hold only the endpoints one
   * Rollout's paths reach): callers there may be plain too, as `endpoints` would show (ADR 0320).
   */
  sidecarlessPodNamespaces?: readonly string[];
  /** Explicit callers; when present they replace the callers derived from `namespaces`. */
  callers?: CallerDeclaration[];
  /** Istio's config root namespace (mesh-wide Sidecar and PeerAuthentication). Default `istio-system`. */
  rootNamespace?: string;
  /**
   * Kinds that could not be listed (CRD not installed, RBAC forbids it: `crd-missing`, `rbac-forbidden`): an object
   * of these kinds missing from the snapshot may still exist. Only `Gateway` changes a result (ADR 0256).
   */
  unlistedKinds?: readonly string[];
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** Pods with identical labels in one namespace, counted. */
export interface EndpointGroup {
  namespace: string;
  /** Pod labels, including `rollouts-pod-template-hash`. */
  labels: Record<string, string>;
  ready: number;
  total: number;
  /** The pods carry an Istio sidecar (`sidecar.istio.io/inject: "false"` opts a pod out). */
  sidecar: boolean;
}

export interface CallerDeclaration {
  namespace: string;
  injected: boolean;
  /** The caller runs in ambient mode (ztunnel); ignored when `injected`. */
  ambient?: boolean;
}

/** The Rollout under study and what the controller currently wants. */
export interface RolloutTrafficState {
  rollout: Rollout;
  /** Desired canary weight, 0..100. */
  canaryWeight: number;
  canaryHash: string;
  stableHash: string;
}

/**
 * What a live Rollout's status says the controller currently asks for: the weight it recorded, the canary hash
 * (empty once promoted) and the stable hash. The dashboard, `get rollout` and `analyze --live` read it.
 */
export function recordedTrafficState(rollout: Rollout): RolloutTrafficState {
  const status = rollout.status ?? {};
  const stableHash = status.stableRS ?? '';
  const current = status.currentPodHash ?? '';
  return {
    rollout,
    canaryWeight: status.canary?.weights?.canary.weight ?? 0,
    canaryHash: current === stableHash ? '' : current,
    stableHash,
  };
}

export type DataplaneMode = 'sidecar' | 'ambient' | 'none';

export const DEFAULT_ROOT_NAMESPACE = 'istio-system';
export const INJECT_ANNOTATION = 'sidecar.istio.io/inject';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', DEFAULT_ROOT_NAMESPACE]);

/** Sidecar injection (`istio-injection=enabled` or a revision label) wins over ambient, as in Istio. */
export function namespaceDataplane(labels: Record<string, string>): DataplaneMode {
  const injection = labels['istio-injection'];
  if (injection === 'enabled') return 'sidecar';
  if (injection !== 'disabled' && labels['istio.io/rev'] !== undefined) return 'sidecar';
  if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  return 'none';
}

/** Namespaces that never count as callers when callers are derived (control plane and Kubernetes system). */
export function isSystemNamespace(name: string, rootNamespace: string): boolean {
  return name === rootNamespace || SYSTEM_NAMESPACES.has(name);
}

export function emptySnapshot(): MeshSnapshot {
  return {
    namespaces: [],
    services: [],
    virtualServices: [],
    destinationRules: [],
    gateways: [],
    sidecars: [],
    peerAuthentications: [],
    endpoints: [],
  };
}

/**
 * Classify objects (manifests or a cluster listing) into a snapshot. Pods collapse into endpoint groups;
 * ReplicaSets become groups (ready = status.readyReplicas) only when no pod was given for them.
 */
export function snapshotFromObjects(objects: readonly KubeObject[]): MeshSnapshot {
  const snapshot = emptySnapshot();
  const pods: Pod[] = [];
  const replicaSets: ReplicaSet[] = [];
  for (const obj of objects) {
    switch (obj.kind) {
      case 'Namespace':
        snapshot.namespaces.push(namespaceInfo(obj as Namespace));
        break;
      case 'Service':
        snapshot.services.push(obj as Service);
        break;
      case 'VirtualService':
        snapshot.virtualServices.push(obj as VirtualService);
        break;
      case 'DestinationRule':
        snapshot.destinationRules.push(obj as DestinationRule);
        break;
      case 'Gateway':
        if (obj.apiVersion.startsWith('networking.istio.io/')) snapshot.gateways.push(obj as Gateway);
        break;
      case 'Sidecar':
        snapshot.sidecars.push(obj as Sidecar);
        break;
      case 'PeerAuthentication':
        snapshot.peerAuthentications.push(obj as PeerAuthentication);
        break;
      case 'Pod':
        pods.push(obj as Pod);
        break;
      case 'ReplicaSet':
        replicaSets.push(obj as ReplicaSet);
        break;
    }
  }
  snapshot.endpoints = groupPods(pods, snapshot.namespaces);
  if (pods.length === 0)
    snapshot.endpoints = replicaSets.map((rs) => replicaSetGroup(rs, snapshot.namespaces));
  return snapshot;
}

export function namespaceInfo(ns: Namespace): NamespaceInfo {
  return { name: ns.metadata.name, labels: { ...(ns.metadata.labels ?? {}) } };
}

/** Whether a pod in `namespace` with these annotations / containers runs a sidecar. */
export function podHasSidecar(
  namespace: string,
  annotations: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
  namespaces: readonly NamespaceInfo[],
): boolean {
  const optIn = labels?.[INJECT_ANNOTATION] ?? annotations?.[INJECT_ANNOTATION];
  if (optIn === 'false') return false;
  if (optIn === 'true') return true;
  const ns = namespaces.find((n) => n.name === namespace);
  return ns !== undefined && namespaceDataplane(ns.labels) === 'sidecar';
}

function groupPods(pods: readonly Pod[], namespaces: readonly NamespaceInfo[]): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? 'default';
    const labels = pod.metadata.labels ?? {};
    const hasProxy = (pod.spec?.containers ?? []).some((c) => c.name === 'istio-proxy');
    const sidecar = hasProxy || podHasSidecar(namespace, pod.metadata.annotations, labels, namespaces);
    const key = `${namespace}\u0000${sidecar}\u0000${labelKey(labels)}`;
    const group = groups.get(key) ?? { namespace, labels: { ...labels }, ready: 0, total: 0, sidecar };
    group.total += 1;
    if (isPodReady(pod)) group.ready += 1;
    groups.set(key, group);
  }
  return [...groups.values()];
}

function replicaSetGroup(rs: ReplicaSet, namespaces: readonly NamespaceInfo[]): EndpointGroup {
  const namespace = rs.metadata.namespace ?? 'default';
  const meta = rs.spec.template.metadata;
  const labels = { ...(meta?.labels ?? {}) };
  return {
    namespace,
    labels,
    ready: rs.status?.readyReplicas ?? 0,
    total: rs.spec.replicas ?? 1,
    sidecar: podHasSidecar(namespace, meta?.annotations, labels, namespaces),
  };
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

export interface ReplicaCounts {
  stable: number;
  canary: number;
}

/**
 * Endpoint groups for a Rollout's two ReplicaSets as the planner scales them: template labels plus the
 * pod-template hash (plus `stableMetadata` / `canaryMetadata` labels). `ready` defaults to the replica counts.
 */
export function endpointGroupsForRollout(
  rollout: Rollout,
  state: Pick<RolloutTrafficState, 'canaryHash' | 'stableHash'>,
  replicas: ReplicaCounts,
  namespaces: readonly NamespaceInfo[],
  ready: ReplicaCounts = replicas,
): EndpointGroup[] {
  const namespace = rollout.metadata.namespace ?? 'default';
  const template = rollout.spec.template?.metadata;
  const canary = rollout.spec.strategy.canary;
  const sidecar = podHasSidecar(namespace, template?.annotations, template?.labels, namespaces);
  const group = (hash: string, extra: Record<string, string> | undefined, total: number, up: number) => ({
    namespace,
    labels: { ...(template?.labels ?? {}), ...(extra ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
    ready: Math.min(up, total),
    total,
    sidecar,
  });
  const sameRs = state.canaryHash === '' || state.canaryHash === state.stableHash;
  if (sameRs) return [group(state.stableHash, canary?.stableMetadata?.labels, replicas.stable, ready.stable)];
  return [
    group(state.stableHash, canary?.stableMetadata?.labels, replicas.stable, ready.stable),
    group(state.canaryHash, canary?.canaryMetadata?.labels, replicas.canary, ready.canary),
  ].filter((g) => g.total > 0);
}
