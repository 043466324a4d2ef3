/**
 * observe: the read-only view of one Rollout and what it touches, read from the informer caches (never from the API
 * server), plus the reference index that routes ReplicaSet / Service / VirtualService / DestinationRule events back
 * to the Rollouts that use them.
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { UnavailableKind } from './optional-kinds.js';
import type { ReplicaSet } from '../api/workloads.js';
import type { KindMap, KindName } from '../kube/cluster.js';
import { labelsMatch } from '../kube/selectors.js';
import { ownedBy } from '../api/meta.js';
import type { Observation } from '../plan/observation.js';
import { routingOf } from '../traffic/istio/roles.js';
import { hasAnalysisCaches, observeAnalysis } from './observe-analysis.js';
import { RESOLVED_WORKLOAD_KINDS, type Workload } from '../rollout/workload-ref.js';
import { observeMesh } from './observe-mesh.js';

/** The part of an informer the reconciler reads. */
export interface CacheReader<K extends KindName> {
  get(namespace: string, name: string): KindMap[K] | undefined;
  /** The informer hands out its shared, frozen objects (read only); `filter` picks which. */
  list(namespace?: string, filter?: (object: KindMap[K]) => boolean): KindMap[K][];
  /** The same shared objects as `list` (kept for readers written against it). */
  listShared?(namespace?: string): readonly KindMap[K][];
  /** Optional index: a superset of the objects controlled by `ownerUid` or by nothing, in `list` order. */
  controlledOrOrphaned?(namespace: string, ownerUid: string): KindMap[K][];
}

export interface ControllerCaches {
  rollouts: CacheReader<'Rollout'>;
  /** `workloadRef` targets; without them a Rollout with a workloadRef finds nothing (InvalidSpec). */
  deployments?: CacheReader<'Deployment'>;
  /** ReplicaSets without the hash label, for a `workloadRef` to a ReplicaSet. */
  workloadReplicaSets?: CacheReader<'ReplicaSet'>;
  podTemplates?: CacheReader<'PodTemplate'>;
  replicaSets: CacheReader<'ReplicaSet'>;
  services: CacheReader<'Service'>;
  virtualServices: CacheReader<'VirtualService'>;
  destinationRules: CacheReader<'DestinationRule'>;
}

/** The extra caches the path model reads; without them a pass has no mesh observation (no path condition). */
export interface PathCaches {
  namespaces: CacheReader<'Namespace'>;
  gateways: CacheReader<'Gateway'>;
  sidecars: CacheReader<'Sidecar'>;
  peerAuthentications: CacheReader<'PeerAuthentication'>;
  /** Those of the above that cannot be listed right now (optional-kinds.ts); their caches are empty. */
  unavailableKinds?: () => readonly UnavailableKind[];
}

export type { Observation } from '../plan/observation.js';

export function hasPathCaches(caches: ControllerCaches): caches is ControllerCaches & PathCaches {
  const c = caches as Partial<PathCaches>;
  return c.namespaces !== undefined && c.gateways !== undefined && c.sidecars !== undefined;
}

/** `Kind/namespace/name` of every Service, VirtualService and DestinationRule the Rollout names. */
export function referencedObjects(rollout: Rollout): string[] {
  const namespace = rollout.metadata.namespace ?? '';
  const canary = rollout.spec.strategy.canary;
  const services = [
    canary?.canaryService,
    canary?.stableService,
    canary?.pingPong?.pingService,
    canary?.pingPong?.pongService,
  ]
    .filter((name): name is string => typeof name === 'string' && name !== '')
    .map((name) => `Service/${namespace}/${name}`);
  const ref = rollout.spec.workloadRef;
  const workloads =
    ref && RESOLVED_WORKLOAD_KINDS.includes(ref.kind) && ref.name
      ? [`${ref.kind}/${namespace}/${ref.name}`]
      : [];
  const routing = routingOf(rollout);
  const vss = (routing?.virtualServices ?? []).map((target) => target.objectRef);
  return [
    ...services,
    ...workloads,
    ...vss,
    ...(routing?.destinationRule ? [routing.destinationRule.objectRef] : []),
  ];
}

/** No controller owner yet, and the Rollout's selector matches: Argo adopts such ReplicaSets. */
function adoptable(rs: ReplicaSet, rollout: Rollout): boolean {
  const hasController = (rs.metadata.ownerReferences ?? []).some((ref) => ref.controller === true);
  return (
    !hasController &&
    rollout.spec.selector !== undefined &&
    labelsMatch(rs.metadata.labels, rollout.spec.selector)
  );
}

function lookup<T extends KubeObject>(
  ref: string,
  read: (ns: string, name: string) => T | undefined,
): T | undefined {
  const [, namespace = '', name = ''] = ref.split('/');
  return read(namespace, name);
}

/** One observation per pass: every read of the caches this Rollout's pass makes, made here. */
export function observeRollout(
  caches: ControllerCaches,
  namespace: string,
  name: string,
): Observation | undefined {
  const rollout = caches.rollouts.get(namespace, name);
  if (!rollout) return undefined;
  const replicaSets = revisionCandidates(caches.replicaSets, rollout).filter(
    (rs) => (ownedBy(rs, rollout) || adoptable(rs, rollout)) && !isWorkloadRefTarget(rs, rollout),
  );
  const refs = referencedObjects(rollout);
  const pick = <K extends 'Service' | 'VirtualService' | 'DestinationRule'>(kind: K, cache: CacheReader<K>) =>
    refs
      .filter((ref) => ref.startsWith(`${kind}/`))
      .map((ref) => lookup(ref, (ns, n) => cache.get(ns, n)))
      .filter((obj): obj is KindMap[K] => obj !== undefined);
  const destinationRule = pick('DestinationRule', caches.destinationRules)[0];
  const workload = workloadOf(caches, rollout);
  const observation: Observation = {
    rollout,
    replicaSets,
    services: pick('Service', caches.services),
    virtualServices: pick('VirtualService', caches.virtualServices),
    ...(destinationRule ? { destinationRule } : {}),
    ...(workload ? { workload } : {}),
  };
  if (rollout.spec.strategy.canary?.trafficRouting?.istio && hasPathCaches(caches))
    observation.mesh = observeMesh(caches, rollout);
  if (hasAnalysisCaches(caches)) observation.analysis = observeAnalysis(caches, rollout);
  return observation;
}

/** The ReplicaSets that may be the Rollout's: from the owner index when the cache has one, else all of its namespace. */
function revisionCandidates(cache: CacheReader<'ReplicaSet'>, rollout: Rollout): readonly ReplicaSet[] {
  const namespace = rollout.metadata.namespace ?? '';
  const uid = rollout.metadata.uid;
  if (uid && cache.controlledOrOrphaned) return cache.controlledOrOrphaned(namespace, uid);
  return cache.listShared ? cache.listShared(namespace) : cache.list(namespace);
}

/** The ReplicaSet the Rollout's `workloadRef` names is its template source, never one of its revisions (ADR 0221). */
function isWorkloadRefTarget(rs: ReplicaSet, rollout: Rollout): boolean {
  const ref = rollout.spec.workloadRef;
  return ref?.kind === 'ReplicaSet' && rs.metadata.name === ref.name;
}

/** The Deployment, ReplicaSet or PodTemplate the Rollout's `workloadRef` names, from the cache. */
function workloadOf(caches: ControllerCaches, rollout: Rollout): Workload | undefined {
  const ref = rollout.spec.workloadRef;
  const namespace = rollout.metadata.namespace ?? '';
  if (ref?.kind === 'Deployment') return caches.deployments?.get(namespace, ref.name);
  if (ref?.kind === 'ReplicaSet')
    return (
      caches.workloadReplicaSets?.get(namespace, ref.name) ?? caches.replicaSets.get(namespace, ref.name)
    );
  if (ref?.kind === 'PodTemplate') return caches.podTemplates?.get(namespace, ref.name);
  return undefined;
}

/** Which Rollouts reference which objects, kept current from Rollout events. */
export class ReferenceIndex {
  private readonly byRollout = new Map<string, string[]>();
  private readonly byObject = new Map<string, Set<string>>();

  /** Records the references of `rollout` (key `namespace/name`), replacing the previous ones. */
  update(rolloutKey: string, rollout: Rollout | undefined): void {
    for (const ref of this.byRollout.get(rolloutKey) ?? []) this.byObject.get(ref)?.delete(rolloutKey);
    this.byRollout.delete(rolloutKey);
    if (!rollout) return;
    const refs = referencedObjects(rollout);
    this.byRollout.set(rolloutKey, refs);
    for (const ref of refs) {
      const keys = this.byObject.get(ref) ?? new Set<string>();
      keys.add(rolloutKey);
      this.byObject.set(ref, keys);
    }
  }

  /** Rollout keys referencing `Kind/namespace/name`. */
  rolloutsReferencing(objectRef: string): string[] {
    return [...(this.byObject.get(objectRef) ?? [])];
  }
}

/** The Rollout that controls a ReplicaSet, as a queue key. */
export function owningRolloutKey(rs: ReplicaSet): string | undefined {
  const owner = (rs.metadata.ownerReferences ?? []).find(
    (ref) => ref.controller === true && ref.kind === 'Rollout',
  );
  return owner ? `${rs.metadata.namespace ?? ''}/${owner.name}` : undefined;
}
