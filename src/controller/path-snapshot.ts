/**
 * The traffic-path model's input, read from the informer caches and advanced to what this reconcile leaves behind:
 * the router's VirtualService/DestinationRule writes and the planner's Service switches replace their cached
 * versions, so the model judges the state the controller is about to converge to, not the one it is leaving.
 *
 * Endpoints come from ReplicaSets (status.readyReplicas × template labels, sidecar from the template annotation and
 * the namespace label), not from Pods: no Pod informer, so memory and watch traffic do not grow with pod count.
 * ADR 0090 records the trade-off.
 */
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { Namespace, ReplicaSet, Service } from '../api/workloads.js';
import type { EndpointGroup, MeshSnapshot, NamespaceInfo } from '../mesh/snapshot.js';
import { namespaceInfo, podHasSidecar } from '../mesh/snapshot.js';
import type { RolloutPlan } from '../rollout/plan-types.js';
import type { Rollout } from '../api/rollout.js';
import { referencedVsRefs } from '../mesh/context.js';
import type { TrafficPlan } from '../traffic/router.js';
import type { CacheReader, ControllerCaches } from './observe.js';
import type { UnavailableKind } from './optional-kinds.js';

/** The extra caches the path model reads. */
export interface PathCaches {
  namespaces: CacheReader<'Namespace'>;
  gateways: CacheReader<'Gateway'>;
  sidecars: CacheReader<'Sidecar'>;
  peerAuthentications: CacheReader<'PeerAuthentication'>;
  /** Those of the above that cannot be listed right now (optional-kinds.ts); their caches are empty. */
  unavailableKinds?: () => readonly UnavailableKind[];
}

type Named = { metadata: { name: string; namespace?: string } };

/** A cache that can hand out its objects without cloning (the Informer); the model only reads them. */
interface SharedReader<T> {
  list(namespace?: string): T[];
  listShared?(namespace?: string): readonly T[];
}

function read<T>(reader: SharedReader<T>, namespace?: string): readonly T[] {
  return reader.listShared ? reader.listShared(namespace) : reader.list(namespace);
}

function keyOf(obj: Named): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function replaced<T extends Named>(cached: readonly T[], written: readonly T[]): T[] {
  if (written.length === 0) return [...cached];
  const byKey = new Map(written.map((o) => [keyOf(o), o]));
  const kept = cached.filter((o) => !byKey.has(keyOf(o)));
  return [...kept, ...written];
}

/** One group per ReplicaSet with pods: ready = status.readyReplicas, total = spec.replicas. */
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

/** The planner's Service switches, applied to the cached Services. */
function switchedServices(services: readonly Service[], plan: RolloutPlan, namespace: string): Service[] {
  const switches = new Map<string, string>();
  for (const action of plan.actions)
    if (action.type === 'switchService') switches.set(action.name, action.hash);
  if (switches.size === 0) return [...services];
  return services.map((svc) => {
    const hash = switches.get(svc.metadata.name);
    if (hash === undefined || (svc.metadata.namespace ?? '') !== namespace) return svc;
    const selector = { ...(svc.spec.selector ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    return { ...svc, spec: { ...svc.spec, selector } };
  });
}

/**
 * Whether a VirtualService or DestinationRule host may name one of `services` (a superset: same first DNS label, or a
 * wildcard). The model only reads configuration for the Rollout's own hosts, so leaving the rest out changes no
 * result and keeps each reconcile's cost independent of how many other applications the mesh has.
 */
function hostFilter(services: readonly Service[]): (host: string) => boolean {
  const names = new Set(services.map((svc) => svc.metadata.name));
  return (host) => host === '*' || host.startsWith('*') || names.has(host.split('.')[0] ?? '');
}

/**
 * The snapshot for a Rollout: every Namespace, Gateway and Sidecar (callers and bindings live anywhere), the
 * VirtualServices it references and those and the DestinationRules whose hosts may be its Services (`hostFilter`),
 * the Services and PeerAuthentications of its namespace and the root namespace, and the Rollout-managed ReplicaSets
 * of its namespace as endpoints.
 */
export function observeMeshSnapshot(
  caches: ControllerCaches & PathCaches,
  rollout: Rollout,
  plan: RolloutPlan,
  traffic: TrafficPlan | undefined,
  rootNamespace = 'istio-system',
): MeshSnapshot {
  const namespace = rollout.metadata.namespace ?? '';
  const namespaces = read<Namespace>(caches.namespaces).map((ns) => namespaceInfo(ns));
  const writes = traffic?.errors.length === 0 ? traffic.writes : [];
  const vsWrites = writes.flatMap((w) => (w.kind === 'VirtualService' ? [w.object] : []));
  const drWrites = writes.flatMap((w) => (w.kind === 'DestinationRule' ? [w.object] : []));
  const inScope = <T>(reader: SharedReader<T>): T[] => [
    ...read(reader, namespace),
    ...(rootNamespace !== namespace ? read(reader, rootNamespace) : []),
  ];
  const services = switchedServices(inScope<Service>(caches.services), plan, namespace);
  const concerns = hostFilter(services);
  const referenced = new Set(
    referencedVsRefs({ rollout, canaryWeight: 0, canaryHash: '', stableHash: '' }).map(
      (ref) => `${ref.namespace}/${ref.name}`,
    ),
  );
  return {
    namespaces,
    services,
    virtualServices: replaced(read<VirtualService>(caches.virtualServices), vsWrites).filter(
      (vs) => referenced.has(keyOf(vs)) || (vs.spec.hosts ?? []).some(concerns),
    ),
    destinationRules: replaced(read<DestinationRule>(caches.destinationRules), drWrites).filter((dr) =>
      concerns(dr.spec.host),
    ),
    gateways: [...read<Gateway>(caches.gateways)],
    sidecars: [...read<Sidecar>(caches.sidecars)],
    peerAuthentications: inScope<PeerAuthentication>(caches.peerAuthentications),
    endpoints: replicaSetEndpoints(read<ReplicaSet>(caches.replicaSets, namespace), namespaces),
    rootNamespace,
  };
}
